// Braintree amounts and transactions as the vault records them (braintree-gateway.ts).
import { minorUnits } from '@parley/protocol/money';
import type { CardSummary, FailureCode, GatewayOutcome } from '../gateway';
import { FAILURE_MESSAGES } from '../gateway';

/** Integer minor units → Braintree's decimal string ("12.50", JPY "1200", KWD "1.250"). */
export function toDecimal(minor: number, currency: string): string {
  const digits = minorUnits(currency);
  if (digits === 0) return String(minor);
  const text = String(minor).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** Braintree's decimal string → integer minor units; NaN when it is not one. */
export function fromDecimal(amount: string, currency: string): number {
  const digits = minorUnits(currency);
  const m = /^(\d+)(?:\.(\d+))?$/.exec(amount);
  if (!m?.[1]) return Number.NaN;
  const fraction = (m[2] ?? '').padEnd(digits, '0');
  if (fraction.length > digits) return Number.NaN;
  return Number(m[1]) * 10 ** digits + Number(fraction || '0');
}

const BRANDS: Record<string, string> = {
  Visa: 'visa',
  MasterCard: 'mastercard',
  'American Express': 'amex',
  Discover: 'discover',
  'Diners Club': 'diners',
  JCB: 'jcb',
  UnionPay: 'unionpay',
};

/** Processor response codes (Braintree "Processor responses") the customer can act on. */
function processorFailure(code: string): FailureCode {
  switch (code) {
    case '2001':
      return 'insufficient_funds';
    case '2004':
      return 'expired_card';
    case '2010':
      return 'incorrect_cvc';
    default:
      // 3000-range: the processor's own failure, not the card's.
      return /^3\d{3}$/.test(code) ? 'processing_error' : 'card_declined';
  }
}

/** The part of a Braintree transaction the vault reads. */
export interface BraintreeTransaction {
  id: string;
  status: string;
  amount: string;
  currencyIsoCode: string;
  orderId?: string | null;
  processorResponseCode?: string | null;
  gatewayRejectionReason?: string | null;
  creditCard?: { cardType?: string | null; last4?: string | null } | null;
}

/** Maps a transaction to what the vault records (captured once submitted for settlement). */
export function outcomeOfTransaction(tx: BraintreeTransaction, livemode: boolean): GatewayOutcome {
  const last4 = tx.creditCard?.last4;
  const card: CardSummary | undefined =
    last4 && /^\d{4}$/.test(last4)
      ? { brand: BRANDS[tx.creditCard?.cardType ?? ''] ?? 'unknown', last4 }
      : undefined;
  const withCard = { livemode, ...(card ? { card } : {}) };
  const declined = (code: FailureCode): GatewayOutcome => ({
    kind: 'declined',
    reference: tx.id,
    code,
    message: FAILURE_MESSAGES[code],
    ...withCard,
  });
  switch (tx.status) {
    case 'submitted_for_settlement':
    case 'settlement_pending':
    case 'settling':
    case 'settled':
      return { kind: 'captured', reference: tx.id, ...withCard };
    case 'processor_declined':
      return declined(processorFailure(tx.processorResponseCode ?? ''));
    case 'gateway_rejected':
      return declined(
        tx.gatewayRejectionReason === 'three_d_secure'
          ? 'authentication_failed'
          : tx.gatewayRejectionReason === 'cvv'
            ? 'incorrect_cvc'
            : 'card_declined',
      );
    case 'settlement_declined':
      // After a recorded success this turns the payment back (modules/pay/after-payment.ts).
      return declined('settlement_declined');
    case 'failed':
    case 'voided':
      return declined('processing_error');
    default: // authorizing, authorized (never left so: the sale submits for settlement)
      return { kind: 'pending', reference: tx.id };
  }
}
