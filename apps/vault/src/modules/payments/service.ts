/** Server-facing commands on payment requests. */
import type { VaultRefundResult } from '@parley/protocol';
import { isUniqueViolation } from '../../store/connect';
import type { PaymentRow, RefundRow } from '../../store/types';
import { FINAL_STATUSES } from '../../store/types';
import { linkToken, randomId, sha256Hex } from '../../lib/crypto';
import { presentCreated, type CreatedPaymentRequest } from './create';
import type { VaultContext } from '../../context';
import { VaultError } from '../../http/errors';
import { GatewayUnavailableError } from '../../gateways/gateway';
import type { RefundInput } from './schema';
import { changePayment } from './transitions';
import type { PresentedPayment } from './presenter';
import { presentPayment } from './presenter';

export async function getPayment(ctx: VaultContext, id: string): Promise<PaymentRow> {
  await expireIfDue(ctx, id);
  const row = await ctx.store.db
    .selectFrom('payments')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new VaultError('payment_not_found');
  return row;
}

/** Marks a request expired once its time is up and nobody is mid-payment. */
export async function expireIfDue(ctx: VaultContext, id: string): Promise<void> {
  const changed = await ctx.store.db.transaction().execute(async (trx) => {
    const row = await ctx.store.payments.lock(trx, id);
    if (
      !row ||
      (row.status !== 'created' && row.status !== 'opened') ||
      Date.parse(row.expires_at) > Date.now()
    )
      return false;
    const charge = await trx
      .selectFrom('charges')
      .select('id')
      .where('payment_id', '=', id)
      .executeTakeFirst();
    if (charge) return false;
    await changePayment(trx, row, { status: 'expired' });
    return true;
  });
  if (changed) {
    ctx.outbox.kick();
    ctx.log.info({ paymentId: id }, 'payment request expired');
  }
}

/** Expires every due request; run periodically. */
export async function expireDue(ctx: VaultContext): Promise<void> {
  const due = await ctx.store.db
    .selectFrom('payments')
    .select('id')
    .where('status', 'in', ['created', 'opened'])
    .where('expires_at', '<=', new Date().toISOString())
    .limit(500)
    .execute();
  for (const { id } of due) await expireIfDue(ctx, id);
}

export async function cancelPayment(ctx: VaultContext, id: string): Promise<PresentedPayment> {
  await expireIfDue(ctx, id);
  const row = await ctx.store.db.transaction().execute(async (trx) => {
    const current = await ctx.store.payments.lock(trx, id);
    if (!current) throw new VaultError('payment_not_found');
    if (FINAL_STATUSES.includes(current.status))
      throw new VaultError('invalid_state', `A ${current.status} payment cannot be canceled.`);
    const charge = await trx
      .selectFrom('charges')
      .select('status')
      .where('payment_id', '=', id)
      .executeTakeFirst();
    if (charge?.status === 'processing') throw new VaultError('payment_in_progress');
    return changePayment(trx, current, { status: 'canceled' });
  });
  ctx.outbox.kick();
  ctx.log.info({ paymentId: id }, 'payment request canceled');
  return presentPayment(row);
}

/** Replaces the pay link (the old one stops working); only while the request is payable. */
export async function reissueLink(ctx: VaultContext, id: string): Promise<CreatedPaymentRequest> {
  await expireIfDue(ctx, id);
  const row = await ctx.store.db.transaction().execute(async (trx) => {
    const current = await ctx.store.payments.lock(trx, id);
    if (!current) throw new VaultError('payment_not_found');
    if (current.status !== 'created' && current.status !== 'opened')
      throw new VaultError('invalid_state', `A ${current.status} payment has no pay link.`);
    const generation = current.link_generation + 1;
    return trx
      .updateTable('payments')
      .set({
        link_generation: generation,
        link_hash: sha256Hex(linkToken(ctx.keys.link, id, generation)),
        link_used_at: null,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  ctx.log.info({ paymentId: id }, 'pay link reissued');
  return presentCreated(ctx, row);
}

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

/** Refunds all or part of a succeeded payment; the total never exceeds the amount. */
function canonicalHash(value: unknown): string {
  return sha256Hex(JSON.stringify(value));
}

export async function refundPayment(
  ctx: VaultContext,
  id: string,
  input: RefundInput,
): Promise<RefundResult> {
  const requestHash = canonicalHash([input.amount ?? null]);
  const db = ctx.store.db;
  const replay = async (): Promise<RefundResult | undefined> => {
    const prior = await db
      .selectFrom('refunds')
      .selectAll()
      .where('payment_id', '=', id)
      .where('idempotency_key', '=', input.idempotencyKey)
      .executeTakeFirst();
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
      const refund = await trx
        .insertInto('refunds')
        .values({
          id: randomId('re'),
          payment_id: id,
          idempotency_key: input.idempotencyKey,
          request_hash: requestHash,
          amount,
          status: 'pending',
          gateway_reference: null,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      // Reserve the amount now so that concurrent refunds cannot exceed it.
      const updated = await trx
        .updateTable('payments')
        .set({ amount_refunded: payment.amount_refunded + amount })
        .where('id', '=', id)
        .where('amount_refunded', '=', payment.amount_refunded)
        .returningAll()
        .executeTakeFirst();
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
      const r = await trx
        .updateTable('refunds')
        .set({
          status: 'succeeded',
          gateway_reference: result.reference,
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', refund.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const current = await ctx.store.payments.lock(trx, id);
      if (!current) throw new VaultError('payment_not_found');
      return { refund: r, payment: await changePayment(trx, current, {}) };
    });
    ctx.outbox.kick();
    ctx.log.info({ paymentId: id, refundId: refund.id }, 'refund succeeded');
    return { refund: presentRefund(done.refund), payment: presentPayment(done.payment) };
  } catch (error) {
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('refunds')
        .set({ status: 'failed', updated_at: new Date().toISOString() })
        .where('id', '=', refund.id)
        .execute();
      const current = await ctx.store.payments.lock(trx, id);
      if (current)
        await trx
          .updateTable('payments')
          .set({ amount_refunded: current.amount_refunded - refund.amount })
          .where('id', '=', id)
          .execute();
    });
    ctx.log.warn(
      { paymentId: id, refundId: refund.id, err: error instanceof Error ? error.name : 'error' },
      'refund failed',
    );
    if (error instanceof GatewayUnavailableError) throw new VaultError('gateway_error');
    throw error;
  }
}
