/**
 * Attempts of a payment. After a decline the customer may try again (or with
 * another card) in the same window: a new attempt of the same request, with its
 * own browser idempotency key. At most one attempt is live at a time, decided
 * under the payment's row lock, and a payment succeeds at most once.
 */
import type { Transaction } from 'kysely';
import type { VaultContext } from '../../context';
import { VaultError } from '../../http/errors';
import type { ChargeRow, ChargeStatus, PaymentRow, VaultDatabase } from '../../store/types';
import { changePayment } from '../payments';

/** Enough for a typo and another card; more looks like card testing. */
export const MAX_ATTEMPTS = 5;

/** Attempt statuses during which no other attempt may start. */
export const LIVE_CHARGE: readonly ChargeStatus[] = [
  'processing',
  'requires_action',
  'awaiting_customer',
];

export class DuplicateAttempt extends Error {
  constructor(readonly charge: ChargeRow) {
    super('duplicate attempt');
  }
}

/** Whether the customer may start another attempt now. */
export function canStartAttempt(row: PaymentRow, latest: ChargeRow | undefined): boolean {
  if (Date.parse(row.expires_at) <= Date.now()) return false;
  if (latest && LIVE_CHARGE.includes(latest.status)) return false;
  if ((latest?.attempt ?? 0) >= MAX_ATTEMPTS) return false;
  // A sale the issuer refused at settlement was paid once in this window: the agent asks again.
  return (
    row.status === 'opened' ||
    (row.status === 'failed' &&
      row.failure_code !== 'voided' &&
      row.failure_code !== 'settlement_declined')
  );
}

export interface NewAttempt {
  id: string;
  idempotencyKey: string;
  status: ChargeStatus;
  brand: string | null;
  last4: string | null;
  panEncrypted: string | null;
}

/**
 * Inserts the next attempt; throws DuplicateAttempt when this key already made one.
 * A payment that failed before goes back to `opened` for the new attempt.
 */
export async function claimAttempt(
  ctx: VaultContext,
  trx: Transaction<VaultDatabase>,
  paymentId: string,
  attempt: NewAttempt,
): Promise<{ row: PaymentRow; charge: ChargeRow }> {
  let row = await ctx.store.payments.lock(trx, paymentId);
  if (!row) throw new VaultError('payment_not_found');
  const same = await ctx.store.charges.byKey(trx, paymentId, attempt.idempotencyKey);
  if (same) throw new DuplicateAttempt(same);
  const latest = await ctx.store.charges.forPayment(trx, paymentId);
  if (latest && LIVE_CHARGE.includes(latest.status)) throw new VaultError('payment_in_progress');
  if (row.status === 'expired' || Date.parse(row.expires_at) <= Date.now())
    throw new VaultError('payment_expired');
  if (!canStartAttempt(row, latest))
    throw new VaultError(
      'invalid_state',
      (latest?.attempt ?? 0) >= MAX_ATTEMPTS
        ? 'Too many attempts for this payment; ask the agent for a new request.'
        : 'This payment can no longer be paid.',
    );
  if (row.status === 'failed')
    row = await changePayment(ctx, trx, row, {
      status: 'opened',
      failure_code: null,
      failure_message: null,
    });
  const now = new Date().toISOString();
  const charge: ChargeRow = {
    id: attempt.id,
    payment_id: paymentId,
    attempt: (latest?.attempt ?? 0) + 1,
    idempotency_key: attempt.idempotencyKey,
    status: attempt.status,
    brand: attempt.brand,
    last4: attempt.last4,
    pan_encrypted: attempt.panEncrypted,
    gateway_reference: null,
    action: null,
    failure_code: null,
    failure_message: null,
    livemode: null,
    created_at: now,
    updated_at: now,
  };
  await ctx.store.charges.insert(trx, charge);
  return { row, charge };
}
