/** Presenters list their fields: nothing leaves the vault by spreading a row. */
import type { PaymentRow } from '../../store/types';

export type RefundState = 'none' | 'partially_refunded' | 'refunded';

/** What the server (and through it the agent) may know about a payment. */
export interface PresentedPayment {
  id: string;
  orgId: string;
  conversationId: string;
  status: PaymentRow['status'];
  amount: number;
  currency: string;
  amountRefunded: number;
  refundStatus: RefundState;
  description: string;
  merchantName: string;
  brand: string | null;
  last4: string | null;
  gatewayReference: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

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
export function paymentEvent(
  eventId: string,
  row: PaymentRow,
): { id: string; type: 'payment.updated'; createdAt: string; payment: PresentedPayment } {
  return {
    id: eventId,
    type: 'payment.updated',
    createdAt: row.updated_at,
    payment: presentPayment(row),
  };
}
