/**
 * Charging the card: confirm, and continue after 3-D Secure. One charge row
 * per payment (unique payment_id) plus the state checks in one transaction
 * make a double submit charge exactly once.
 */
import { detectBrand, normalizeCardNumber, parseExpiry, validateCard } from '@parley/protocol/card';
import type { VaultContext } from '../../context';
import { VaultError } from '../../http/errors';
import { encrypt, randomId, returnToken } from '../../lib/crypto';
import { isUniqueViolation } from '../../store/connect';
import type { PaymentRow } from '../../store/types';
import { claimAttempt, DuplicateAttempt } from './attempts';
import type { CardDetails, GatewayOutcome } from '../../gateways/gateway';
import { FAILURE_MESSAGES, GatewayUnavailableError, isHosted } from '../../gateways/gateway';
import { expireIfDue } from '../payments';
import { applyOutcome } from './outcome';
import { syncHostedAttempt } from './hosted';
import { pageView, type PageView } from './presenter';
import type { ConfirmInput } from './schema';

const inFlight = new Map<string, Promise<void>>();

/** Runs one gateway attempt for a payment, so a duplicate confirm in this process can wait for it. */
async function track(paymentId: string, run: Promise<void>): Promise<void> {
  inFlight.set(paymentId, run);
  try {
    await run;
  } finally {
    inFlight.delete(paymentId);
  }
}

async function settle(ctx: VaultContext, paymentId: string): Promise<void> {
  // Wait for the attempt this process is running, else poll the store briefly.
  const running = inFlight.get(paymentId);
  if (running) return running.catch(() => undefined);
  for (let i = 0; i < 100; i++) {
    const charge = await ctx.store.charges.forPayment(ctx.store.db, paymentId);
    if (charge?.status !== 'processing') return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function toCard(input: ConfirmInput): CardDetails {
  const errors = validateCard(input);
  const first = Object.values(errors)[0];
  if (first !== undefined) throw new VaultError('invalid_card', first);
  const expiry = parseExpiry(input.expiry);
  if (!expiry) throw new VaultError('invalid_card');
  return {
    number: normalizeCardNumber(input.number),
    expMonth: expiry.month,
    expYear: expiry.year,
    cvc: input.cvc,
    name: input.name.trim(),
  };
}

/** Claims the next attempt for this card; throws DuplicateAttempt when this key made one already. */
async function claimCharge(
  ctx: VaultContext,
  paymentId: string,
  chargeId: string,
  card: CardDetails,
  idempotencyKey: string,
): Promise<PaymentRow> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const { row } = await claimAttempt(ctx, trx, paymentId, {
      id: chargeId,
      idempotencyKey,
      status: 'processing',
      brand: detectBrand(card.number),
      last4: card.number.slice(-4),
      // PCI DSS 3.5: a stored PAN only encrypted, and only with card-on-file. The CVV is never stored.
      panEncrypted: ctx.config.cardOnFile ? encrypt(ctx.keys.data, card.number, chargeId) : null,
    });
    return row;
  });
}

/** A repeated confirm: the same key waits for its attempt's outcome. */
async function replayConfirm(
  ctx: VaultContext,
  paymentId: string,
  idempotencyKey: string,
  error: unknown,
): Promise<PageView> {
  const existing =
    error instanceof DuplicateAttempt
      ? error.charge
      : isUniqueViolation(error)
        ? await ctx.store.charges.byKey(ctx.store.db, paymentId, idempotencyKey)
        : undefined;
  if (!existing) {
    // Two different keys raced for the same attempt number: the loser is refused.
    if (isUniqueViolation(error)) throw new VaultError('payment_in_progress');
    throw error;
  }
  await settle(ctx, paymentId);
  return pageView(ctx, paymentId);
}

/** Charges the card once; the same idempotency key again returns the same outcome. */
export async function confirmPayment(
  ctx: VaultContext,
  paymentId: string,
  input: ConfirmInput,
): Promise<PageView> {
  if (isHosted(ctx.gateway))
    throw new VaultError('invalid_state', 'This payment is taken by the processor’s own form.');
  const gateway = ctx.gateway;
  const card = toCard(input);
  await expireIfDue(ctx, paymentId);
  const chargeId = randomId('ch');
  let claimed: PaymentRow;
  try {
    claimed = await claimCharge(ctx, paymentId, chargeId, card, input.idempotencyKey);
  } catch (error) {
    return replayConfirm(ctx, paymentId, input.idempotencyKey, error);
  }
  const authorize = async (): Promise<GatewayOutcome> => {
    try {
      return await gateway.authorize({
        paymentId,
        amount: claimed.amount,
        currency: claimed.currency,
        description: claimed.description,
        card,
        idempotencyKey: `auth:${chargeId}`,
        // The return token stands in for the session cookie a cross-site redirect does not carry.
        returnUrl: `${ctx.publicOrigin}/pay/p/${paymentId}/return?rt=${returnToken(ctx.keys.link, paymentId, chargeId)}`,
      });
    } catch (error) {
      ctx.log.warn(
        { paymentId, err: error instanceof Error ? error.name : 'error' },
        'gateway authorize failed',
      );
      return {
        kind: 'declined',
        reference: null,
        code: 'gateway_error',
        message: FAILURE_MESSAGES.gateway_error,
      };
    }
  };
  await track(paymentId, (async () => applyOutcome(ctx, paymentId, chargeId, await authorize()))());
  return pageView(ctx, paymentId);
}

/** Continues a payment waiting on 3-D Secure: an answer from the test challenge, or a check after a redirect. */
export async function continueAction(
  ctx: VaultContext,
  paymentId: string,
  answer: { approve?: boolean },
): Promise<PageView> {
  // Hosted processors run 3-D Secure in their own SDK; the vault only asks for the outcome.
  if (isHosted(ctx.gateway)) return syncHostedAttempt(ctx, paymentId);
  const claimed = await ctx.store.db.transaction().execute(async (trx) => {
    const row = await ctx.store.payments.lock(trx, paymentId);
    if (!row) throw new VaultError('payment_not_found');
    if (row.status !== 'requires_action') return undefined;
    return ctx.store.charges.claimAction(trx, paymentId);
  });
  if (!claimed?.gateway_reference) {
    await settle(ctx, paymentId);
    return pageView(ctx, paymentId);
  }
  const reference = claimed.gateway_reference;
  const gateway = ctx.gateway;
  if (isHosted(gateway)) throw new VaultError('invalid_state');
  const complete = async (): Promise<GatewayOutcome> => {
    try {
      return await gateway.completeAction(reference, answer);
    } catch (error) {
      if (!(error instanceof GatewayUnavailableError)) throw error;
      return {
        kind: 'declined',
        reference,
        code: 'gateway_error',
        message: FAILURE_MESSAGES.gateway_error,
      };
    }
  };
  await track(
    paymentId,
    (async () => applyOutcome(ctx, paymentId, claimed.id, await complete()))(),
  );
  return pageView(ctx, paymentId);
}
