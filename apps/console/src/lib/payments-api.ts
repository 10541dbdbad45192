import { PaymentEnvelopeSchema, PaymentListSchema, PaymentSettingsSchema } from '@parley/protocol';
import type { PaymentSettings, PaymentSummary } from '@parley/protocol';
import { call } from './api';

const enc = encodeURIComponent;

/** REST calls of in-chat payments (docs/payments.md); errors are ApiError with registry codes. */
export const paymentsApi = {
  settings: (): Promise<PaymentSettings> => call(PaymentSettingsSchema, '/api/payments/settings'),
  list: async (conversationId: string): Promise<PaymentSummary[]> =>
    (await call(PaymentListSchema, `/api/conversations/${enc(conversationId)}/payments`)).payments,
  request: async (
    conversationId: string,
    body: { amount: number; currency: string; description: string; idempotencyKey: string },
  ): Promise<PaymentSummary> =>
    (
      await call(
        PaymentEnvelopeSchema,
        `/api/conversations/${enc(conversationId)}/payments`,
        'POST',
        body,
      )
    ).payment,
  cancel: async (id: string): Promise<PaymentSummary> =>
    (await call(PaymentEnvelopeSchema, `/api/payments/${enc(id)}/cancel`, 'POST', {})).payment,
  refund: async (
    id: string,
    body: { amount: number; idempotencyKey: string } | { full: true; idempotencyKey: string },
  ): Promise<PaymentSummary> =>
    (await call(PaymentEnvelopeSchema, `/api/payments/${enc(id)}/refunds`, 'POST', body)).payment,
};
