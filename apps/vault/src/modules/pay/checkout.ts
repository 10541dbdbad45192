/**
 * The customer's side: exchange a pay link for a session, confirm a card,
 * answer 3-D Secure. One charge row per payment (unique payment_id) plus the
 * state checks in one transaction make a double submit charge exactly once.
 */
import type { PayPageView } from '@parley/protocol';
import { detectBrand, normalizeCardNumber, parseExpiry, validateCard } from '@parley/protocol/card';
import type { VaultContext } from '../../context';
import { VaultError } from '../../http/errors';
import {
  encrypt,
  randomId,
  randomToken,
  returnToken,
  sameToken,
  sha256Hex,
} from '../../lib/crypto';
import { isUniqueViolation } from '../../store/connect';
import type { ChargeRow, PaymentRow } from '../../store/types';
import type { CardDetails, GatewayAction, GatewayOutcome } from '../../gateways/gateway';
import { FAILURE_MESSAGES, GatewayUnavailableError } from '../../gateways/gateway';
import { expireIfDue } from '../payments';
import { changePayment, lockPayment } from '../payments/transitions';
import type { ConfirmInput } from './schema';

export type LinkRefusal = 'unknown' | 'used' | 'expired' | 'closed';

export type PageView = PayPageView;

export function presentPageView(row: PaymentRow, charge: ChargeRow | undefined): PageView {
  const action =
    row.status === 'requires_action' && charge?.action
      ? (JSON.parse(charge.action) as GatewayAction)
      : null;
  return {
    id: row.id,
    merchantName: row.merchant_name,
    amount: row.amount,
    currency: row.currency,
    description: row.description,
    status: row.status,
    brand: row.brand,
    last4: row.last4,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    action,
    expiresAt: row.expires_at,
  };
}

export async function pageView(ctx: VaultContext, paymentId: string): Promise<PageView> {
  await expireIfDue(ctx, paymentId);
  const row = await ctx.store.db
    .selectFrom('payments')
    .selectAll()
    .where('id', '=', paymentId)
    .executeTakeFirst();
  if (!row) throw new VaultError('payment_not_found');
  const charge = await ctx.store.db
    .selectFrom('charges')
    .selectAll()
    .where('payment_id', '=', paymentId)
    .executeTakeFirst();
  return presentPageView(row, charge);
}

/** Burns a pay link and opens a session for it; a link works once. */
export async function openPayLink(
  ctx: VaultContext,
  token: string,
): Promise<
  | { ok: true; payment: PaymentRow; sessionToken: string; sessionExpiresAt: string }
  | { ok: false; reason: LinkRefusal }
> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { ok: false, reason: 'unknown' };
  const hash = sha256Hex(token);
  const found = await ctx.store.db
    .selectFrom('payments')
    .select('id')
    .where('link_hash', '=', hash)
    .executeTakeFirst();
  if (!found) return { ok: false, reason: 'unknown' };
  await expireIfDue(ctx, found.id);
  const sessionToken = randomToken();
  const result = await ctx.store.db.transaction().execute(async (trx) => {
    const row = await lockPayment(trx, found.id, ctx.store.dialect);
    if (!row || row.link_hash !== hash) return { ok: false as const, reason: 'unknown' as const };
    if (row.link_used_at) return { ok: false as const, reason: 'used' as const };
    if (row.status === 'expired' || Date.parse(row.expires_at) <= Date.now())
      return { ok: false as const, reason: 'expired' as const };
    if (row.status !== 'created' && row.status !== 'opened')
      return { ok: false as const, reason: 'closed' as const };
    const now = new Date().toISOString();
    // The session lives a little past the request, for a 3-D Secure step begun in time.
    const sessionExpiresAt = new Date(Date.parse(row.expires_at) + 15 * 60_000).toISOString();
    await trx
      .insertInto('pay_sessions')
      .values({
        token_hash: sha256Hex(sessionToken),
        payment_id: row.id,
        created_at: now,
        expires_at: sessionExpiresAt,
      })
      .execute();
    const burned = { link_used_at: now };
    const payment =
      row.status === 'created'
        ? await changePayment(trx, row, { ...burned, status: 'opened' })
        : await trx
            .updateTable('payments')
            .set(burned)
            .where('id', '=', row.id)
            .returningAll()
            .executeTakeFirstOrThrow();
    return { ok: true as const, payment, sessionToken, sessionExpiresAt };
  });
  if (result.ok) {
    ctx.outbox.kick();
    ctx.log.info({ paymentId: result.payment.id }, 'pay link opened');
  }
  return result;
}

/** The payment id a session cookie belongs to, if it is valid for that payment. */
export async function checkSession(
  ctx: VaultContext,
  paymentId: string,
  sessionToken: string | undefined,
): Promise<boolean> {
  if (!sessionToken) return false;
  const session = await ctx.store.db
    .selectFrom('pay_sessions')
    .selectAll()
    .where('token_hash', '=', sha256Hex(sessionToken))
    .executeTakeFirst();
  return (
    !!session && session.payment_id === paymentId && Date.parse(session.expires_at) > Date.now()
  );
}

/** True when a 3-D Secure return carries the token of this payment's charge. */
export async function checkReturnToken(
  ctx: VaultContext,
  paymentId: string,
  token: string | undefined,
): Promise<boolean> {
  if (!token) return false;
  const charge = await ctx.store.db
    .selectFrom('charges')
    .select('id')
    .where('payment_id', '=', paymentId)
    .executeTakeFirst();
  return !!charge && sameToken(token, returnToken(ctx.keys.link, paymentId, charge.id));
}

const inFlight = new Map<string, Promise<void>>();

async function settle(ctx: VaultContext, paymentId: string): Promise<void> {
  // Wait for the attempt this process is running, else poll the store briefly.
  const running = inFlight.get(paymentId);
  if (running) return running.catch(() => undefined);
  for (let i = 0; i < 100; i++) {
    const charge = await ctx.store.db
      .selectFrom('charges')
      .select('status')
      .where('payment_id', '=', paymentId)
      .executeTakeFirst();
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

/** Charges the card once; the same idempotency key again returns the same outcome. */
export async function confirmPayment(
  ctx: VaultContext,
  paymentId: string,
  input: ConfirmInput,
): Promise<PageView> {
  const card = toCard(input);
  await expireIfDue(ctx, paymentId);
  const brand = detectBrand(card.number);
  const last4 = card.number.slice(-4);
  const chargeId = randomId('ch');
  let claimed: PaymentRow;
  try {
    claimed = await ctx.store.db.transaction().execute(async (trx) => {
      const row = await lockPayment(trx, paymentId, ctx.store.dialect);
      if (!row) throw new VaultError('payment_not_found');
      const existing = await trx
        .selectFrom('charges')
        .selectAll()
        .where('payment_id', '=', paymentId)
        .executeTakeFirst();
      if (existing) throw new DuplicateAttempt(existing);
      if (row.status === 'expired') throw new VaultError('payment_expired');
      if (row.status !== 'opened')
        throw new VaultError('invalid_state', 'This payment can no longer be paid.');
      const now = new Date().toISOString();
      await trx
        .insertInto('charges')
        .values({
          id: chargeId,
          payment_id: paymentId,
          idempotency_key: input.idempotencyKey,
          status: 'processing',
          brand,
          last4,
          // PCI DSS 3.5: a stored PAN only encrypted, and only with card-on-file. The CVV is never stored.
          pan_encrypted: ctx.config.cardOnFile
            ? encrypt(ctx.keys.data, card.number, chargeId)
            : null,
          gateway_reference: null,
          action: null,
          failure_code: null,
          failure_message: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return row;
    });
  } catch (error) {
    const existing =
      error instanceof DuplicateAttempt
        ? error.charge
        : isUniqueViolation(error)
          ? await ctx.store.db
              .selectFrom('charges')
              .selectAll()
              .where('payment_id', '=', paymentId)
              .executeTakeFirst()
          : undefined;
    if (!existing) throw error;
    if (existing.idempotency_key !== input.idempotencyKey) {
      throw existing.status === 'processing'
        ? new VaultError('payment_in_progress')
        : new VaultError('invalid_state', 'This payment has already been attempted.');
    }
    await settle(ctx, paymentId);
    return pageView(ctx, paymentId);
  }
  const run = (async () => {
    let outcome: GatewayOutcome;
    try {
      outcome = await ctx.gateway.authorize({
        paymentId,
        amount: claimed.amount,
        currency: claimed.currency,
        description: claimed.description,
        card,
        idempotencyKey: `auth:${chargeId}`,
        returnUrl: `${ctx.publicOrigin}/pay/p/${paymentId}/return?rt=${returnToken(ctx.keys.link, paymentId, chargeId)}`,
      });
    } catch (error) {
      ctx.log.warn(
        { paymentId, err: error instanceof Error ? error.name : 'error' },
        'gateway authorize failed',
      );
      outcome = {
        kind: 'declined',
        reference: null,
        code: 'gateway_error',
        message: FAILURE_MESSAGES.gateway_error,
      };
    }
    await applyOutcome(ctx, paymentId, chargeId, outcome);
  })();
  inFlight.set(paymentId, run);
  try {
    await run;
  } finally {
    inFlight.delete(paymentId);
  }
  return pageView(ctx, paymentId);
}

class DuplicateAttempt extends Error {
  constructor(readonly charge: ChargeRow) {
    super('duplicate attempt');
  }
}

/** Records an authorisation outcome; captures when authorised. */
async function applyOutcome(
  ctx: VaultContext,
  paymentId: string,
  chargeId: string,
  outcome: GatewayOutcome,
): Promise<void> {
  let final = outcome;
  if (outcome.kind === 'authorized') {
    try {
      const captured = await ctx.gateway.capture(
        outcome.reference,
        (
          await ctx.store.db
            .selectFrom('payments')
            .select('amount')
            .where('id', '=', paymentId)
            .executeTakeFirstOrThrow()
        ).amount,
        `capture:${chargeId}`,
      );
      if (captured.kind === 'declined') final = captured;
    } catch (error) {
      ctx.log.warn(
        { paymentId, err: error instanceof Error ? error.name : 'error' },
        'gateway capture failed',
      );
      final = {
        kind: 'declined',
        reference: outcome.reference,
        code: 'gateway_error',
        message: FAILURE_MESSAGES.gateway_error,
      };
    }
  }
  await ctx.store.db.transaction().execute(async (trx) => {
    const row = await lockPayment(trx, paymentId, ctx.store.dialect);
    const charge = await trx
      .selectFrom('charges')
      .selectAll()
      .where('id', '=', chargeId)
      .executeTakeFirst();
    if (!row || !charge) return;
    const now = new Date().toISOString();
    const common = { brand: charge.brand, last4: charge.last4, gateway_reference: final.reference };
    if (final.kind === 'authorized') {
      await trx
        .updateTable('charges')
        .set({
          status: 'succeeded',
          gateway_reference: final.reference,
          action: null,
          updated_at: now,
        })
        .where('id', '=', chargeId)
        .execute();
      await changePayment(trx, row, {
        ...common,
        status: 'succeeded',
        failure_code: null,
        failure_message: null,
      });
    } else if (final.kind === 'requires_action') {
      await trx
        .updateTable('charges')
        .set({
          status: 'requires_action',
          gateway_reference: final.reference,
          action: JSON.stringify(final.action),
          updated_at: now,
        })
        .where('id', '=', chargeId)
        .execute();
      await changePayment(trx, row, { ...common, status: 'requires_action' });
    } else {
      await trx
        .updateTable('charges')
        .set({
          status: 'failed',
          gateway_reference: final.reference,
          action: null,
          failure_code: final.code,
          failure_message: final.message,
          updated_at: now,
        })
        .where('id', '=', chargeId)
        .execute();
      if (row.status !== 'canceled')
        await changePayment(trx, row, {
          ...common,
          status: 'failed',
          failure_code: final.code,
          failure_message: final.message,
        });
    }
  });
  ctx.outbox.kick();
  ctx.log.info(
    {
      paymentId,
      outcome: final.kind,
      failureCode: final.kind === 'declined' ? final.code : undefined,
    },
    'payment attempt recorded',
  );
}

/** Continues a payment waiting on 3-D Secure: an answer from the test challenge, or a check after a redirect. */
export async function continueAction(
  ctx: VaultContext,
  paymentId: string,
  answer: { approve?: boolean },
): Promise<PageView> {
  const claimed = await ctx.store.db.transaction().execute(async (trx) => {
    const row = await lockPayment(trx, paymentId, ctx.store.dialect);
    if (!row) throw new VaultError('payment_not_found');
    if (row.status !== 'requires_action') return undefined;
    const charge = await trx
      .updateTable('charges')
      .set({ status: 'processing', updated_at: new Date().toISOString() })
      .where('payment_id', '=', paymentId)
      .where('status', '=', 'requires_action')
      .returningAll()
      .executeTakeFirst();
    return charge;
  });
  if (!claimed?.gateway_reference) {
    await settle(ctx, paymentId);
    return pageView(ctx, paymentId);
  }
  const reference = claimed.gateway_reference;
  const run = (async () => {
    let outcome: GatewayOutcome;
    try {
      outcome = await ctx.gateway.completeAction(reference, answer);
    } catch (error) {
      if (!(error instanceof GatewayUnavailableError)) throw error;
      outcome = {
        kind: 'declined',
        reference,
        code: 'gateway_error',
        message: FAILURE_MESSAGES.gateway_error,
      };
    }
    await applyOutcome(ctx, paymentId, claimed.id, outcome);
  })();
  inFlight.set(paymentId, run);
  try {
    await run;
  } finally {
    inFlight.delete(paymentId);
  }
  return pageView(ctx, paymentId);
}
