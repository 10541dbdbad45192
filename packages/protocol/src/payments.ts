import { z } from 'zod';
import { amountProblem, isIsoCurrency, MAX_AMOUNT_MINOR } from './money';

/**
 * In-chat payments as agents and visitors see them. Never card data beyond
 * brand and last four (PCI DSS 3.4.1); docs/payments.md describes the flow.
 */

export const PaymentStatusSchema = z.enum([
  'created',
  'opened',
  'requires_action',
  'succeeded',
  'failed',
  'canceled',
  'expired',
  /**
   * Paid, then the customer disputed it with their bank (a chargeback): the processor holds
   * the amount until the bank decides. Back to `succeeded` if the merchant wins; still
   * `disputed` (failureCode `dispute_lost`) if the money went back to the customer.
   */
  'disputed',
]);
export type PaymentStatus = z.infer<typeof PaymentStatusSchema>;

/**
 * Statuses the customer and the agent can no longer change (only refunds, and the processor's
 * later word: a settlement declined or a dispute, issue 16).
 */
export const FINAL_PAYMENT_STATUSES: readonly PaymentStatus[] = [
  'succeeded',
  'failed',
  'canceled',
  'expired',
  'disputed',
];
/** Statuses in which the customer can (re)open the pay window. */
export const PAYABLE_PAYMENT_STATUSES: readonly PaymentStatus[] = ['created', 'opened'];

const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'an ISO 4217 code')
  .refine(isIsoCurrency, 'not an ISO 4217 currency');

/** One try at paying a request (a declined customer may try again: issue 16). Never card data. */
export const PaymentAttemptSchema = z.object({
  attempt: z.number().int().min(1),
  status: z.enum(['processing', 'requires_action', 'awaiting_customer', 'succeeded', 'failed']),
  brand: z.string().max(32).nullable(),
  last4: z
    .string()
    .regex(/^\d{4}$/)
    .nullable(),
  /** The processor's id of this attempt (Stripe PaymentIntent `pi_…`, test gateway `test_ch_…`). */
  reference: z.string().max(255).nullable(),
  /** The processor's live/test mode, when it said. */
  livemode: z.boolean().nullable(),
  /** Which processor made this attempt (older events did not say). */
  processor: z.enum(['test', 'stripe', 'braintree']).nullable().default(null),
  /** Braintree's merchant id (from the vault's configuration), for the Control Panel link. */
  merchantId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .nullable()
    .default(null),
  failureMessage: z.string().max(500).nullable(),
  createdAt: z.string(),
});
export type PaymentAttempt = z.infer<typeof PaymentAttemptSchema>;

/**
 * The transaction in the processor's dashboard, for the agent to confirm it
 * ("the agent receives a transaction link"): Stripe's test or live view by the
 * intent's mode; Braintree's Control Panel of the merchant, sandbox or production
 * by the attempt's mode. Null for the test gateway and for anything else.
 */
export function processorDashboardUrl(
  reference: string | null,
  livemode: boolean | null,
  braintree?: { merchantId: string | null } | null,
): string | null {
  if (!reference) return null;
  if (/^pi_[A-Za-z0-9]+$/.test(reference))
    return `https://dashboard.stripe.com/${livemode === true ? '' : 'test/'}payments/${reference}`;
  const merchantId = braintree?.merchantId;
  // Braintree transaction ids are short alphanumerics; an attempt still known by its order id
  // (`bt-order:…`, the sale's answer not yet seen) has no transaction to link to.
  if (merchantId && /^[A-Za-z0-9_-]{1,64}$/.test(merchantId) && /^[a-z0-9]{4,36}$/.test(reference))
    return `https://${livemode === true ? 'www' : 'sandbox'}.braintreegateway.com/merchants/${merchantId}/transactions/${reference}`;
  return null;
}

/** The dashboard link of a payment: its newest attempt, by that attempt's processor. */
export function attemptDashboardUrl(
  reference: string | null,
  attempt: Pick<PaymentAttempt, 'livemode' | 'processor' | 'merchantId'> | undefined,
): string | null {
  if (attempt?.processor === 'braintree')
    return processorDashboardUrl(reference, attempt.livemode, { merchantId: attempt.merchantId });
  if (attempt?.processor === 'test') return null;
  return processorDashboardUrl(reference, attempt?.livemode ?? null);
}

export const PaymentSummarySchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  status: PaymentStatusSchema,
  /** Integer minor units (cents). */
  amount: z.number().int(),
  currency: Currency,
  description: z.string(),
  amountRefunded: z.number().int(),
  brand: z.string().nullable(),
  last4: z.string().nullable(),
  gatewayReference: z.string().nullable(),
  failureMessage: z.string().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  /** Every attempt, oldest first. */
  attempts: z.array(PaymentAttemptSchema).default([]),
  /** The newest attempt in the processor's dashboard; null for the test gateway. */
  dashboardUrl: z.string().nullable().default(null),
});
export type PaymentSummary = z.infer<typeof PaymentSummarySchema>;

/** A payment card was created or changed in a conversation. */
export const PaymentFrameSchema = z.object({
  type: z.literal('payment'),
  conversationId: z.string().min(1).max(64),
  payment: PaymentSummarySchema,
});
export type PaymentFrame = z.infer<typeof PaymentFrameSchema>;

// ---- REST --------------------------------------------------------------------

/** `POST /api/conversations/:id/payments`. The same idempotencyKey repeats the same request, never a second one. */
export const PaymentRequestBodySchema = z
  .object({
    /** Integer minor units of the currency (JPY none, KWD three: packages/protocol money.ts). */
    amount: z.number().int(),
    currency: z.string().trim().toUpperCase().pipe(Currency),
    description: z.string().trim().min(1).max(500),
    idempotencyKey: z.string().regex(/^[A-Za-z0-9_-]{8,100}$/),
  })
  .superRefine((body, ctx) => {
    // The limits in the currency's own format: "The amount must be at most €999,999.99."
    const problem = isIsoCurrency(body.currency) ? amountProblem(body.amount, body.currency) : null;
    if (problem) ctx.addIssue({ code: 'custom', path: ['amount'], message: problem });
  });
export type PaymentRequestBody = z.infer<typeof PaymentRequestBodySchema>;

/**
 * `POST /api/payments/:id/refunds`. The console always says which: `full: true`
 * (everything not yet refunded) or an `amount`; a body with neither is refused,
 * so an empty amount field never silently means "everything" (issue 16).
 */
export const RefundRequestBodySchema = z
  .object({
    amount: z.number().int().min(1).max(MAX_AMOUNT_MINOR).optional(),
    full: z.literal(true).optional(),
    idempotencyKey: z.string().regex(/^[A-Za-z0-9_-]{8,100}$/),
  })
  .refine((b) => (b.amount === undefined) !== (b.full === undefined), {
    message: 'Say either full: true or an amount to refund, not both and not neither.',
    path: ['amount'],
  });
export type RefundRequestBody = z.infer<typeof RefundRequestBodySchema>;

export const PaymentEnvelopeSchema = z.object({ payment: PaymentSummarySchema });
export const PaymentListSchema = z.object({ payments: z.array(PaymentSummarySchema) });
export const PaymentSettingsSchema = z.object({
  /** False when the server has no vault configured: payment routes answer payment_unavailable. */
  enabled: z.boolean(),
  currencies: z.array(Currency),
  merchantName: z.string(),
});
export type PaymentSettings = z.infer<typeof PaymentSettingsSchema>;
/** `POST /api/visitor/conversations/:id/payments/:paymentId/link`: a fresh single-use pay link. */
export const PayLinkSchema = z.object({ payUrl: z.string().url(), expiresAt: z.string() });
export type PayLink = z.infer<typeof PayLinkSchema>;
