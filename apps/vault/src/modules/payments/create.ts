/**
 * Creating a payment request, and voiding one whose answer the server never
 * got (issue 18). The server sends each call with an attempt id; when it gives
 * up on an attempt (deadline, lost answer) it voids that attempt by key. A
 * voided attempt's create is refused even if it arrives later, and a request
 * every attempt of which was voided is canceled: a request the server reported
 * as failed never becomes payable.
 */
import type { VaultCreated, VaultVoidResult } from '@parley/protocol';
import type { VaultContext } from '../../context';
import { VaultError } from '../../http/errors';
import { linkToken, randomId, sha256Hex } from '../../lib/crypto';
import {
  hasLiveAttempt,
  lockKey,
  recordAttempt,
  voidAttempt,
} from '../../store/repos/payment-keys';
import type { PaymentRow } from '../../store/types';
import type { CreatePaymentRequest, VoidPaymentRequest } from './schema';
import { presentPayment } from './presenter';
import { changePayment } from './transitions';

export type CreatedPaymentRequest = VaultCreated;

export function payUrlFor(
  ctx: VaultContext,
  row: Pick<PaymentRow, 'id' | 'link_generation'>,
): string {
  return `${ctx.publicOrigin}/pay/${linkToken(ctx.keys.link, row.id, row.link_generation)}`;
}

export function presentCreated(ctx: VaultContext, row: PaymentRow): CreatedPaymentRequest {
  return { id: row.id, status: row.status, payUrl: payUrlFor(ctx, row), expiresAt: row.expires_at };
}

function requestHashOf(params: Omit<CreatePaymentRequest, 'idempotencyKey' | 'attemptId'>) {
  return sha256Hex(
    JSON.stringify([
      params.orgId,
      params.conversationId,
      params.amount,
      params.currency,
      params.description,
      params.merchantName,
      [...params.frameAncestors].sort(),
      params.expiresInSeconds ?? null,
    ]),
  );
}

/** Creates a payment request; the same idempotency key with the same parameters returns the same result. */
export async function createPaymentRequest(
  ctx: VaultContext,
  input: CreatePaymentRequest,
): Promise<{ result: CreatedPaymentRequest; replayed: boolean }> {
  const { idempotencyKey: key, attemptId, ...params } = input;
  const requestHash = requestHashOf(params);
  const { row, replayed } = await ctx.store.db.transaction().execute(async (trx) => {
    await lockKey(trx, key);
    if (attemptId !== undefined && (await recordAttempt(trx, key, attemptId)))
      throw new VaultError('payment_request_voided');
    const existing = await ctx.store.payments.byKey(trx, key);
    if (existing) {
      if (existing.voided_at !== null) throw new VaultError('payment_request_voided');
      if (existing.request_hash !== requestHash) throw new VaultError('idempotency_conflict');
      return { row: existing, replayed: true };
    }
    const id = randomId('pay');
    const now = new Date();
    const ttl = params.expiresInSeconds ?? ctx.config.requestTtlSeconds;
    const inserted = await ctx.store.payments.insert(trx, {
      id,
      org_id: params.orgId,
      conversation_id: params.conversationId,
      amount: params.amount,
      currency: params.currency,
      description: params.description,
      merchant_name: params.merchantName,
      frame_ancestors: JSON.stringify(params.frameAncestors),
      status: 'created',
      amount_refunded: 0,
      brand: null,
      last4: null,
      gateway: ctx.gateway.name,
      gateway_reference: null,
      failure_code: null,
      failure_message: null,
      link_hash: sha256Hex(linkToken(ctx.keys.link, id, 1)),
      link_generation: 1,
      link_used_at: null,
      idempotency_key: key,
      request_hash: requestHash,
      version: 0,
      expires_at: new Date(now.getTime() + ttl * 1000).toISOString(),
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      voided_at: null,
    });
    // Version 0 → 1 with the 'created' event in the same transaction.
    return { row: await changePayment(ctx, trx, inserted, {}), replayed: false };
  });
  if (!replayed) {
    ctx.outbox.kick();
    ctx.log.info({ paymentId: row.id, orgId: row.org_id }, 'payment request created');
  }
  return { result: presentCreated(ctx, row), replayed };
}

export type VoidResult = VaultVoidResult;

/**
 * The server gave up on one create attempt. Idempotent; works before, during
 * or after that attempt's create. A request is canceled only when every
 * attempt that asked for it was voided and nobody has started paying it.
 */
export async function voidPaymentRequest(
  ctx: VaultContext,
  input: VoidPaymentRequest,
): Promise<VoidResult> {
  const { idempotencyKey: key, attemptId } = input;
  const outcome = await ctx.store.db.transaction().execute(async (trx) => {
    await lockKey(trx, key);
    await voidAttempt(trx, key, attemptId);
    const row = await ctx.store.payments.byKey(trx, key);
    if (!row) return { voided: true, row: undefined, changed: false };
    if (row.voided_at !== null) return { voided: true, row, changed: false };
    if (await hasLiveAttempt(trx, key)) return { voided: false, row, changed: false };
    const charge = await ctx.store.charges.forPayment(trx, row.id);
    if (charge || (row.status !== 'created' && row.status !== 'opened'))
      return { voided: false, row, changed: false };
    const canceled = await changePayment(ctx, trx, row, {
      status: 'canceled',
      voided_at: new Date().toISOString(),
      failure_code: 'voided',
      failure_message: 'The request did not complete and was withdrawn.',
    });
    return { voided: true, row: canceled, changed: true };
  });
  if (outcome.changed) ctx.outbox.kick();
  ctx.log.info(
    { paymentId: outcome.row?.id ?? null, voided: outcome.voided, changed: outcome.changed },
    'payment request void',
  );
  return { voided: outcome.voided, payment: outcome.row ? presentPayment(outcome.row) : null };
}
