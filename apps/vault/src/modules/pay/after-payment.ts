/**
 * What a processor reports after the vault recorded a payment as paid (issue 16): the issuer
 * declined the sale at settlement (Braintree `transaction_settlement_declined`), the customer
 * disputed it with their bank (a chargeback: Braintree `dispute_*`, Stripe
 * `charge.dispute.*`), the dispute ended, or money was refunded outside Parley (Stripe
 * `charge.refunded` from the dashboard). Each is read back from the processor by the webhook
 * that reported it, then applied under the payment's row lock and only forward, so a
 * redelivered, replayed or reordered report changes nothing a second time.
 */
import type { Transaction } from 'kysely';
import type { VaultContext } from '../../context';
import { FAILURE_MESSAGES } from '../../gateways/gateway';
import type { ChargeRow, PaymentRow, PaymentUpdate, VaultDatabase } from '../../store/types';
import { changePayment } from '../payments';

export type AfterPayment =
  | { kind: 'settlement_declined' }
  /** The dispute as the processor has it now: open (or under review), won, or lost. */
  | { kind: 'dispute'; state: 'open' | 'won' | 'lost'; reason: string | null }
  /** The processor's total refunded on the sale, Parley's refunds included. */
  | { kind: 'refunded'; amountRefunded: number };

/** Said to the agent (the card's failure line); never card data. */
export const AFTER_PAYMENT_MESSAGES = {
  dispute_open:
    'The customer disputed the payment with their bank; the processor holds the amount until the bank decides.',
  dispute_lost: 'The bank decided the dispute for the customer: the amount went back to them.',
} as const;

const REASON = /^[a-z_]{1,40}$/;

interface Step {
  payment: PaymentUpdate;
  charge?: Partial<Pick<ChargeRow, 'status' | 'failure_code' | 'failure_message'>>;
}

/** The change to make, or null when the record already says it (or cannot take it). */
export function nextAfterPayment(
  row: PaymentRow,
  charge: ChargeRow,
  change: AfterPayment,
): Step | null {
  // Only the attempt that paid can be turned back, and only while it is recorded as paid.
  const paid = charge.status === 'succeeded' && row.gateway_reference === charge.gateway_reference;
  if (!paid || (row.status !== 'succeeded' && row.status !== 'disputed')) return null;
  switch (change.kind) {
    case 'settlement_declined': {
      const message = FAILURE_MESSAGES.settlement_declined;
      return {
        payment: {
          status: 'failed',
          failure_code: 'settlement_declined',
          failure_message: message,
        },
        charge: { status: 'failed', failure_code: 'settlement_declined', failure_message: message },
      };
    }
    case 'dispute': {
      if (change.state === 'won')
        return row.status === 'disputed'
          ? { payment: { status: 'succeeded', failure_code: null, failure_message: null } }
          : null;
      const code = change.state === 'lost' ? 'dispute_lost' : 'dispute_open';
      // A lost dispute is final: a late "opened" for it changes nothing.
      if (row.failure_code === code || row.failure_code === 'dispute_lost') return null;
      const reason = change.reason && REASON.test(change.reason) ? change.reason : null;
      const message =
        change.state === 'lost'
          ? AFTER_PAYMENT_MESSAGES.dispute_lost
          : `${AFTER_PAYMENT_MESSAGES.dispute_open}${reason ? ` Reason: ${reason.replace(/_/g, ' ')}.` : ''}`;
      return { payment: { status: 'disputed', failure_code: code, failure_message: message } };
    }
    case 'refunded': {
      // Parley reserves its own refunds before asking the processor, so the processor's total
      // is never below what Parley already counts unless a refund is still in flight: only
      // more than the record says is new (refunded in the processor's dashboard).
      const total = Math.min(row.amount, Math.trunc(change.amountRefunded));
      return total > row.amount_refunded ? { payment: { amount_refunded: total } } : null;
    }
  }
}

/** Applies a change inside the caller's transaction; true when it changed the record. */
export async function applyAfterPaymentLocked(
  ctx: VaultContext,
  trx: Transaction<VaultDatabase>,
  paymentId: string,
  chargeId: string,
  change: AfterPayment,
): Promise<boolean> {
  const row = await ctx.store.payments.lock(trx, paymentId);
  const charge = await ctx.store.charges.byId(trx, chargeId);
  if (!row || !charge) return false;
  const step = nextAfterPayment(row, charge, change);
  if (!step) return false;
  if (step.charge)
    await ctx.store.charges.update(trx, chargeId, {
      ...step.charge,
      updated_at: new Date().toISOString(),
    });
  await changePayment(ctx, trx, row, step.payment);
  return true;
}

/**
 * Applies a processor's later word on the attempt it names (the processor's reference of the
 * sale or intent); returns the payment id, undefined for a reference the vault does not know.
 */
export async function recordAfterPayment(
  ctx: VaultContext,
  reference: string,
  change: AfterPayment,
): Promise<string | undefined> {
  const charge = await ctx.store.charges.byReference(ctx.store.db, reference);
  if (!charge) return undefined;
  const changed = await ctx.store.db
    .transaction()
    .execute((trx) => applyAfterPaymentLocked(ctx, trx, charge.payment_id, charge.id, change));
  if (changed) {
    ctx.outbox.kick();
    ctx.log.warn(
      {
        paymentId: charge.payment_id,
        change: change.kind === 'dispute' ? `dispute_${change.state}` : change.kind,
      },
      'processor changed a payment recorded as paid',
    );
  }
  return charge.payment_id;
}
