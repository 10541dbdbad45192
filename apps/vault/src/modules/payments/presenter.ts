/** Presenters list their fields: nothing leaves the vault by spreading a row. */
import type { VaultEvent, VaultPayment } from '@parley/protocol';
import type { PaymentAttempt } from '@parley/protocol';
import type { AnyGateway } from '../../gateways/gateway';
import type { ChargeRow, PaymentRow } from '../../store/types';

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

/** Which processor made a payment's attempts, and Braintree's merchant id for its Control Panel link. */
export interface AttemptProcessor {
  processor: PaymentAttempt['processor'];
  merchantId: string | null;
}

export function processorOf(
  gateway: AnyGateway,
  row: Pick<PaymentRow, 'gateway'>,
): AttemptProcessor {
  const name = row.gateway;
  const processor = name === 'stripe' || name === 'braintree' || name === 'test' ? name : null;
  // The merchant id is the vault's configuration (Braintree has no publishable key: see
  // BraintreeHostedGateway.browser); it is no secret, the Control Panel asks for a login.
  const merchantId =
    processor === 'braintree' &&
    gateway.kind === 'hosted' &&
    gateway.browser.type === 'braintree' &&
    /^[A-Za-z0-9_-]{1,64}$/.test(gateway.browser.publishableKey)
      ? gateway.browser.publishableKey
      : null;
  return { processor, merchantId };
}

/** An attempt as the agent may see it: status, brand, last four, the processor's id. */
export function presentAttempt(
  c: ChargeRow,
  by: AttemptProcessor = { processor: null, merchantId: null },
): PaymentAttempt {
  return {
    processor: by.processor,
    merchantId: by.merchantId,
    attempt: c.attempt,
    status: c.status,
    brand: c.brand,
    last4: c.last4 && /^\d{4}$/.test(c.last4) ? c.last4 : null,
    reference: c.gateway_reference,
    livemode: c.livemode === null ? null : c.livemode === 1,
    failureMessage: c.failure_message,
    createdAt: c.created_at,
  };
}

/** The body POSTed to the server on every change, with every attempt. */
export function paymentEvent(
  eventId: string,
  row: PaymentRow,
  charges: ChargeRow[],
  by: AttemptProcessor,
): VaultEvent {
  return {
    id: eventId,
    type: 'payment.updated',
    createdAt: row.updated_at,
    payment: { ...presentPayment(row), attempts: charges.map((c) => presentAttempt(c, by)) },
  };
}
