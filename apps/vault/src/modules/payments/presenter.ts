/** Presenters list their fields: nothing leaves the vault by spreading a row. */
import type { VaultEvent, VaultPayment } from '@parley/protocol';
import type { PaymentRow } from '../../store/types';

export type RefundState = VaultPayment['refundStatus'];
/** What the server (and through it the agent) may know about a payment (protocol VaultPaymentSchema). */
export type PresentedPayment = VaultPayment;

export function refundState(row: Pick<PaymentRow, 'amount' | 'amount_refunded'>): RefundState {
  if (row.amount_refunded <= 0) return 'none';
  return row.amount_refunded >= row.amount ? 'refunded' : 'partially_refunded';
}

export function presentPayment(row: PaymentRow): PresentedPayment {
  return {
    id: row.id,
    orgId: row.org_id,
    conversationId: row.conversation_id,
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    amountRefunded: row.amount_refunded,
    refundStatus: refundState(row),
    description: row.description,
    merchantName: row.merchant_name,
    brand: row.brand,
    last4: row.last4,
    gatewayReference: row.gateway_reference,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** The body POSTed to the server on every change. */
export function paymentEvent(eventId: string, row: PaymentRow): VaultEvent {
  return {
    id: eventId,
    type: 'payment.updated',
    createdAt: row.updated_at,
    payment: presentPayment(row),
  };
}
