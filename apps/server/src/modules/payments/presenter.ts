import { attemptDashboardUrl, type PaymentFrame, type PaymentSummary } from '@parley/protocol';
import type { PaymentRow } from '../../store';

/** A payment card as agents and the conversation's visitor see it: never card data beyond brand and last four. */
export function presentPayment(row: PaymentRow): PaymentSummary {
  return {
    id: row.id,
    conversationId: row.conversationId,
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    description: row.description,
    amountRefunded: row.amountRefunded,
    brand: row.brand,
    last4: row.last4,
    gatewayReference: row.gatewayReference,
    failureMessage: row.failureMessage,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    attempts: row.attempts.map((a) => ({
      attempt: a.attempt,
      status: a.status,
      brand: a.brand,
      last4: a.last4,
      reference: a.reference,
      livemode: a.livemode,
      processor: a.processor,
      merchantId: a.merchantId,
      failureMessage: a.failureMessage,
      createdAt: a.createdAt,
    })),
    dashboardUrl: attemptDashboardUrl(row.gatewayReference, row.attempts.at(-1)),
  };
}

export function presentPaymentFrame(row: PaymentRow): PaymentFrame {
  return { type: 'payment', conversationId: row.conversationId, payment: presentPayment(row) };
}
