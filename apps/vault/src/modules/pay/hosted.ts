/**
 * Attempts with a hosted processor (Stripe Payment Element): the vault creates
 * the processor's intent for the stored amount and currency and gives the page
 * only its client secret; the card goes from the browser to the processor. The
 * outcome comes from retrieving the intent (the page asks after confirming, the
 * 3-D Secure return URL asks) and from the processor's signed webhooks — all of
 * them idempotent through applyOutcome.
 */
import type { PayIntentView } from '@parley/protocol';
import type { VaultContext } from '../../context';
import { VaultError } from '../../http/errors';
import { randomId, returnToken } from '../../lib/crypto';
import { isUniqueViolation } from '../../store/connect';
import type { ChargeRow } from '../../store/types';
import type { GatewayOutcome, HostedGateway } from '../../gateways/gateway';
import { FAILURE_MESSAGES, GatewayUnavailableError, isHosted } from '../../gateways/gateway';
import { expireIfDue } from '../payments';
import { claimAttempt, DuplicateAttempt } from './attempts';
import { applyOutcome } from './outcome';
import { pageView, type PageView } from './presenter';

function hosted(ctx: VaultContext): HostedGateway {
  if (!isHosted(ctx.gateway)) throw new VaultError('invalid_state');
  return ctx.gateway;
}

/** The processor's idempotency key of an attempt: a repeat returns the same intent. */
const intentKey = (charge: Pick<ChargeRow, 'id'>) => `parley-intent-${charge.id}`;

/** Asks the processor about an attempt and records what it says. */
async function syncCharge(ctx: VaultContext, charge: ChargeRow): Promise<void> {
  if (!charge.gateway_reference) return;
  let outcome: GatewayOutcome;
  try {
    outcome = await hosted(ctx).retrieve(charge.gateway_reference);
  } catch (error) {
    if (!(error instanceof GatewayUnavailableError)) throw error;
    // Unknown for now: the webhook or the next check settles it.
    ctx.log.warn({ paymentId: charge.payment_id }, 'processor unreachable; outcome pending');
    return;
  }
  await applyOutcome(ctx, charge.payment_id, charge.id, outcome);
}

/** Before another attempt starts, the previous intent is canceled so that only one can be paid. */
async function retirePrevious(ctx: VaultContext, paymentId: string): Promise<void> {
  const latest = await ctx.store.charges.forPayment(ctx.store.db, paymentId);
  if (!latest?.gateway_reference) return;
  if (latest.status !== 'failed' && latest.status !== 'awaiting_customer') return;
  const outcome = await hosted(ctx).cancel(latest.gateway_reference);
  if (outcome.kind === 'captured' || outcome.kind === 'authorized') {
    await applyOutcome(ctx, paymentId, latest.id, outcome);
    return;
  }
  if (latest.status === 'awaiting_customer' && outcome.kind !== 'pending')
    await applyOutcome(ctx, paymentId, latest.id, outcome);
}

/** Starts an attempt (or, with the same key, returns the same one) and its client secret. */
export async function startHostedAttempt(
  ctx: VaultContext,
  paymentId: string,
  idempotencyKey: string,
): Promise<PayIntentView> {
  const gateway = hosted(ctx);
  await expireIfDue(ctx, paymentId);
  let charge: ChargeRow;
  const existing = await ctx.store.charges.byKey(ctx.store.db, paymentId, idempotencyKey);
  if (existing) charge = existing;
  else {
    try {
      await retirePrevious(ctx, paymentId);
    } catch (error) {
      if (!(error instanceof GatewayUnavailableError)) throw error;
      throw new VaultError('gateway_error');
    }
    try {
      charge = await ctx.store.db.transaction().execute(async (trx) => {
        const { charge: claimed } = await claimAttempt(ctx, trx, paymentId, {
          id: randomId('ch'),
          idempotencyKey,
          status: 'awaiting_customer',
          brand: null,
          last4: null,
          panEncrypted: null,
        });
        return claimed;
      });
      ctx.outbox.kick();
    } catch (error) {
      if (error instanceof DuplicateAttempt) charge = error.charge;
      else if (isUniqueViolation(error)) throw new VaultError('payment_in_progress');
      else throw error;
    }
  }
  if (charge.status !== 'awaiting_customer')
    throw new VaultError('invalid_state', 'This attempt has ended; start a new one.');
  const row = await ctx.store.payments.byId(ctx.store.db, paymentId);
  if (!row) throw new VaultError('payment_not_found');
  let session: { reference: string; clientSecret: string };
  try {
    // Amount and currency from the store, never from the browser.
    session = await gateway.createSession({
      paymentId,
      attempt: charge.attempt,
      amount: row.amount,
      currency: row.currency,
      description: row.description,
      idempotencyKey: intentKey(charge),
    });
  } catch (error) {
    if (!(error instanceof GatewayUnavailableError)) throw error;
    ctx.log.warn({ paymentId }, 'processor refused or unreachable creating the intent');
    await applyOutcome(ctx, paymentId, charge.id, {
      kind: 'declined',
      reference: null,
      code: 'gateway_error',
      message: FAILURE_MESSAGES.gateway_error,
    });
    throw new VaultError('gateway_error');
  }
  if (charge.gateway_reference !== session.reference)
    await ctx.store.charges.update(ctx.store.db, charge.id, {
      gateway_reference: session.reference,
      updated_at: new Date().toISOString(),
    });
  ctx.log.info({ paymentId, attempt: charge.attempt }, 'hosted attempt ready');
  return {
    clientSecret: session.clientSecret,
    // The return token stands in for the session cookie a cross-site redirect does not carry.
    returnUrl: `${ctx.publicOrigin}/pay/p/${paymentId}/return?rt=${returnToken(ctx.keys.link, paymentId, charge.id)}`,
    view: await pageView(ctx, paymentId),
  };
}

/** The page confirmed (or the customer came back from a redirect): ask the processor. */
export async function syncHostedAttempt(ctx: VaultContext, paymentId: string): Promise<PageView> {
  hosted(ctx);
  const latest = await ctx.store.charges.forPayment(ctx.store.db, paymentId);
  // `processing`: a nonce was spent but its sale's answer was lost (Braintree).
  if (latest?.status === 'awaiting_customer' || latest?.status === 'processing')
    await syncCharge(ctx, latest);
  return pageView(ctx, paymentId);
}

/** A signed webhook named an intent: record its outcome (unknown intents are ignored). */
export async function syncHostedReference(
  ctx: VaultContext,
  reference: string,
): Promise<string | undefined> {
  const charge = await ctx.store.charges.byReference(ctx.store.db, reference);
  if (!charge) return undefined;
  await syncCharge(ctx, charge);
  return charge.payment_id;
}
