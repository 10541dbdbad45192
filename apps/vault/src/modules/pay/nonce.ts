/**
 * Processors that charge from the vault with a single-use token from the browser
 * (Braintree's payment method nonce, from Hosted Fields): the page sends the nonce
 * of its attempt, the vault spends it once in a sale for the amount and currency
 * in its own store. The attempt goes `awaiting_customer` → `processing` under the
 * payment's row lock, so a double click or a retried call never makes a second
 * sale; a repeat answers with the recorded outcome, asking the processor when the
 * first answer was lost.
 */
import type { PayNonceBody } from '@parley/protocol';
import type { VaultContext } from '../../context';
import { VaultError } from '../../http/errors';
import type { GatewayOutcome } from '../../gateways/gateway';
import { GatewayUnavailableError, isHosted } from '../../gateways/gateway';
import { expireIfDue } from '../payments';
import { syncHostedAttempt } from './hosted';
import { applyOutcome } from './outcome';
import type { PageView } from './presenter';

export async function payWithNonce(
  ctx: VaultContext,
  paymentId: string,
  body: PayNonceBody,
): Promise<PageView> {
  const gateway = ctx.gateway;
  if (!isHosted(gateway) || !gateway.charge) throw new VaultError('invalid_state');
  await expireIfDue(ctx, paymentId);
  const { payments, charges } = ctx.store;
  const claimed = await ctx.store.db.transaction().execute(async (trx) => {
    const row = await payments.lock(trx, paymentId);
    if (!row) throw new VaultError('payment_not_found');
    const charge = await charges.byKey(trx, paymentId, body.idempotencyKey);
    if (!charge?.gateway_reference)
      throw new VaultError('invalid_state', 'This attempt was not started; reload the page.');
    if (charge.status !== 'awaiting_customer') return { row, charge, fresh: false };
    const latest = await charges.forPayment(trx, paymentId);
    if (latest?.id !== charge.id)
      throw new VaultError('invalid_state', 'This attempt has ended; start a new one.');
    if (row.status === 'expired' || Date.parse(row.expires_at) <= Date.now())
      throw new VaultError('payment_expired');
    if (row.status !== 'opened') throw new VaultError('invalid_state');
    await charges.update(trx, charge.id, {
      status: 'processing',
      updated_at: new Date().toISOString(),
    });
    return { row, charge, fresh: true };
  });
  const { row, charge } = claimed;
  // The same attempt again: the confirmed result, never a second sale.
  if (!claimed.fresh) return syncHostedAttempt(ctx, paymentId);
  let outcome: GatewayOutcome;
  try {
    // Amount and currency from the store, never from the browser.
    outcome = await gateway.charge(charge.gateway_reference!, body.nonce, {
      paymentId,
      attempt: charge.attempt,
      amount: row.amount,
      currency: row.currency,
      description: row.description,
      idempotencyKey: charge.idempotency_key,
    });
  } catch (error) {
    if (!(error instanceof GatewayUnavailableError)) throw error;
    // Unknown: the sale may have happened. The attempt stays `processing` until the
    // processor says (the page's next check or a webhook finds it by its order id).
    ctx.log.warn({ paymentId, attempt: charge.attempt }, 'processor unreachable during the sale');
    throw new VaultError('gateway_error');
  }
  await applyOutcome(ctx, paymentId, charge.id, outcome);
  return syncHostedAttempt(ctx, paymentId);
}
