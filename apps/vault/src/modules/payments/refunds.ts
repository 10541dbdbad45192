/** Refunds: all or part of a succeeded payment, idempotent per key, never above the amount. */
import type { VaultRefundResult } from '@parley/protocol';
import type { VaultContext } from '../../context';
import { GatewayUnavailableError } from '../../gateways/gateway';
import { VaultError } from '../../http/errors';
import { randomId, sha256Hex } from '../../lib/crypto';
import { isUniqueViolation } from '../../store/connect';
import { refundsRepo } from '../../store/repos/refunds';
import type { PaymentRow, RefundRow } from '../../store/types';
import { presentPayment } from './presenter';
import { getPayment } from './service';
import { changePayment } from './transitions';
import type { RefundInput } from './schema';

export type RefundResult = VaultRefundResult;

function presentRefund(r: RefundRow): RefundResult['refund'] {
  return {
    id: r.id,
    amount: r.amount,
    status: r.status,
    gatewayReference: r.gateway_reference,
    createdAt: r.created_at,
  };
}

function canonicalHash(value: unknown): string {
  return sha256Hex(JSON.stringify(value));
}

/** Refunds all or part of a succeeded payment; the total never exceeds the amount. */
export async function refundPayment(
  ctx: VaultContext,
  id: string,
  input: RefundInput,
): Promise<RefundResult> {
  const requestHash = canonicalHash([input.amount ?? null]);
  const db = ctx.store.db;
  const replay = async (): Promise<RefundResult | undefined> => {
    const prior = await refundsRepo.byKey(db, id, input.idempotencyKey);
    if (!prior) return undefined;
    if (prior.request_hash !== requestHash) throw new VaultError('idempotency_conflict');
    if (prior.status === 'pending')
      throw new VaultError('payment_in_progress', 'This refund is still being processed.');
    return { refund: presentRefund(prior), payment: presentPayment(await getPayment(ctx, id)) };
  };
  const prior = await replay();
  if (prior) return prior;
  let reserved: { refund: RefundRow; payment: PaymentRow };
  try {
    reserved = await db.transaction().execute(async (trx) => {
      const payment = await ctx.store.payments.lock(trx, id);
      if (!payment) throw new VaultError('payment_not_found');
      if (payment.status !== 'succeeded' || !payment.gateway_reference)
        throw new VaultError('invalid_state', 'Only a succeeded payment can be refunded.');
      const remaining = payment.amount - payment.amount_refunded;
      const amount = input.amount ?? remaining;
      if (amount <= 0 || amount > remaining) throw new VaultError('refund_exceeds_amount');
      const now = new Date().toISOString();
      const refund = await refundsRepo.insert(trx, {
        id: randomId('re'),
        payment_id: id,
        idempotency_key: input.idempotencyKey,
        request_hash: requestHash,
        amount,
        status: 'pending',
        gateway_reference: null,
        created_at: now,
        updated_at: now,
      });
      // Reserve the amount now so that concurrent refunds cannot exceed it.
      const updated = await ctx.store.payments.shiftRefunded(
        trx,
        id,
        payment.amount_refunded,
        amount,
      );
      if (!updated) throw new VaultError('payment_in_progress');
      return { refund, payment: updated };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      const again = await replay();
      if (again) return again;
    }
    throw error;
  }
  const { refund, payment } = reserved;
  try {
    const result = await ctx.gateway.refund(
      payment.gateway_reference ?? '',
      refund.amount,
      `refund:${refund.id}`,
    );
    const done = await db.transaction().execute(async (trx) => {
      const r = await refundsRepo.update(trx, refund.id, {
        status: 'succeeded',
        gateway_reference: result.reference,
        updated_at: new Date().toISOString(),
      });
      const current = await ctx.store.payments.lock(trx, id);
      if (!current) throw new VaultError('payment_not_found');
      return { refund: r, payment: await changePayment(ctx, trx, current, {}) };
    });
    ctx.outbox.kick();
    ctx.log.info({ paymentId: id, refundId: refund.id }, 'refund succeeded');
    return { refund: presentRefund(done.refund), payment: presentPayment(done.payment) };
  } catch (error) {
    await db.transaction().execute(async (trx) => {
      await refundsRepo.update(trx, refund.id, {
        status: 'failed',
        updated_at: new Date().toISOString(),
      });
      const current = await ctx.store.payments.lock(trx, id);
      if (current)
        await ctx.store.payments.shiftRefunded(trx, id, current.amount_refunded, -refund.amount);
    });
    ctx.log.warn(
      { paymentId: id, refundId: refund.id, err: error instanceof Error ? error.name : 'error' },
      'refund failed',
    );
    if (error instanceof GatewayUnavailableError) throw new VaultError('gateway_error');
    throw error;
  }
}
