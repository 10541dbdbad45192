/** Server-facing commands on a payment request's life: read, expire, cancel, new pay link. */
import type { PaymentRow } from '../../store/types';
import { FINAL_STATUSES } from '../../store/types';
import { linkToken, sha256Hex } from '../../lib/crypto';
import { presentCreated, type CreatedPaymentRequest } from './create';
import type { VaultContext } from '../../context';
import { VaultError } from '../../http/errors';
import { pruneKeys } from '../../store/repos/payment-keys';
import { changePayment } from './transitions';

/** Create keys and attempts are kept past the longest request life (7 days), then forgotten. */
export const KEY_RETENTION_MS = 8 * 24 * 3600 * 1000;
import type { PresentedPayment } from './presenter';
import { presentPayment } from './presenter';

export async function getPayment(ctx: VaultContext, id: string): Promise<PaymentRow> {
  await expireIfDue(ctx, id);
  const row = await ctx.store.payments.byId(ctx.store.db, id);
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
    if (await ctx.store.charges.forPayment(trx, id)) return false;
    await changePayment(ctx, trx, row, { status: 'expired' });
    return true;
  });
  if (changed) {
    ctx.outbox.kick();
    ctx.log.info({ paymentId: id }, 'payment request expired');
  }
}

/** Expires every due request; run periodically. */
export async function expireDue(ctx: VaultContext): Promise<void> {
  const due = await ctx.store.payments.dueForExpiry(ctx.store.db, new Date().toISOString(), 500);
  for (const id of due) await expireIfDue(ctx, id);
  await pruneKeys(ctx.store.db, new Date(Date.now() - KEY_RETENTION_MS).toISOString());
}

export async function cancelPayment(ctx: VaultContext, id: string): Promise<PresentedPayment> {
  await expireIfDue(ctx, id);
  const row = await ctx.store.db.transaction().execute(async (trx) => {
    const current = await ctx.store.payments.lock(trx, id);
    if (!current) throw new VaultError('payment_not_found');
    if (FINAL_STATUSES.includes(current.status))
      throw new VaultError('invalid_state', `A ${current.status} payment cannot be canceled.`);
    const charge = await ctx.store.charges.forPayment(trx, id);
    if (charge?.status === 'processing') throw new VaultError('payment_in_progress');
    return changePayment(ctx, trx, current, { status: 'canceled' });
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
    return ctx.store.payments.patch(trx, id, {
      link_generation: generation,
      link_hash: sha256Hex(linkToken(ctx.keys.link, id, generation)),
      link_used_at: null,
    });
  });
  ctx.log.info({ paymentId: id }, 'pay link reissued');
  return presentCreated(ctx, row);
}
