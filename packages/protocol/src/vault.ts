import { z } from 'zod';
import { PaymentAttemptSchema, PaymentStatusSchema } from './payments';

/**
 * The signed server ↔ vault API (docs/vault.md): request and response bodies
 * and the vault's events, one schema each, used by the vault to parse and
 * present and by the server to build calls and parse answers.
 */

const Id = z.string().min(1).max(128);
/** Idempotency keys and attempt ids: printable ASCII without spaces. */
export const VaultKeySchema = z
  .string()
  .min(8)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
// The origin of an http(s) URL: scheme, host and port, without path (no URL global: protocol has no DOM or Node types).
const Origin = z
  .url({ protocol: /^https?$/ })
  .transform((u) =>
    (/^[a-z]+:\/\/[^/?#]+/i.exec(u)?.[0] ?? u)
      .toLowerCase()
      .replace(/^(http:\/\/[^/]+):80$|^(https:\/\/[^/]+):443$/, '$1$2'),
  );
const Amount = z.number().int().positive().max(99_999_999);

/** `POST /v1/payment-requests`. */
export const VaultCreateRequestSchema = z.object({
  orgId: Id,
  conversationId: Id,
  /** Integer minor units (cents). */
  amount: Amount,
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'ISO 4217 code, 3 letters')
    .transform((c) => c.toUpperCase()),
  description: z.string().trim().min(1).max(500),
  merchantName: z.string().trim().min(1).max(120),
  frameAncestors: z.array(Origin).max(20).default([]),
  idempotencyKey: VaultKeySchema,
  /** One id per server call, so that the server can void that call alone (issue 18). */
  attemptId: VaultKeySchema.optional(),
  /** Seconds the request stays payable; default 1800. */
  expiresInSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .optional(),
});
export type VaultCreateRequest = z.infer<typeof VaultCreateRequestSchema>;
/** What the server sends (before defaults and transforms). */
export type VaultCreateRequestInput = z.input<typeof VaultCreateRequestSchema>;

/** `POST /v1/payment-requests/voids`: the server gave up on one create call. */
export const VaultVoidRequestSchema = z.object({
  idempotencyKey: VaultKeySchema,
  attemptId: VaultKeySchema,
});
export type VaultVoidRequest = z.infer<typeof VaultVoidRequestSchema>;

/** `POST /v1/payment-requests/:id/refunds`; amount defaults to everything not yet refunded. */
export const VaultRefundRequestSchema = z.object({
  amount: Amount.optional(),
  idempotencyKey: VaultKeySchema,
});
export type VaultRefundRequest = z.infer<typeof VaultRefundRequestSchema>;

export const VaultPaymentIdParamsSchema = z.object({ id: Id });

export const RefundStateSchema = z.enum(['none', 'partially_refunded', 'refunded']);

/** A payment as the vault tells the server: never card data beyond brand and last four. */
export const VaultPaymentSchema = z.object({
  id: Id,
  orgId: Id,
  conversationId: Id,
  status: PaymentStatusSchema,
  amount: z.number().int().min(0),
  currency: z.string().regex(/^[A-Z]{3}$/),
  amountRefunded: z.number().int().min(0),
  refundStatus: RefundStateSchema,
  description: z.string().max(500),
  merchantName: z.string().max(120),
  brand: z.string().max(32).nullable(),
  // At most the last four digits ever reach the chat store (PCI DSS 3.4.1).
  last4: z
    .string()
    .regex(/^\d{4}$/)
    .nullable(),
  gatewayReference: z.string().max(255).nullable(),
  failureCode: z.string().max(64).nullable(),
  failureMessage: z.string().max(500).nullable(),
  expiresAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int().min(0),
  /** The attempts (events carry them; other answers may not). */
  attempts: z.array(PaymentAttemptSchema).optional(),
});
export type VaultPayment = z.infer<typeof VaultPaymentSchema>;

/** Answer of create and of `POST /v1/payment-requests/:id/link`. */
export const VaultCreatedSchema = z.object({
  id: Id,
  status: PaymentStatusSchema,
  payUrl: z.url(),
  expiresAt: z.string(),
});
export type VaultCreated = z.infer<typeof VaultCreatedSchema>;

export const VaultVoidResultSchema = z.object({
  /** True when no payable request is left for the key (none was made, or it is now canceled). */
  voided: z.boolean(),
  payment: VaultPaymentSchema.nullable(),
});
export type VaultVoidResult = z.infer<typeof VaultVoidResultSchema>;

export const VaultRefundResultSchema = z.object({
  refund: z.object({
    id: Id,
    amount: z.number().int(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    gatewayReference: z.string().nullable(),
    createdAt: z.string(),
  }),
  payment: VaultPaymentSchema,
});
export type VaultRefundResult = z.infer<typeof VaultRefundResultSchema>;

/** The vault → server event (`POST /internal/vault/events`, signed). */
export const VaultEventSchema = z.object({
  id: Id,
  type: z.literal('payment.updated'),
  createdAt: z.string(),
  payment: VaultPaymentSchema,
});
export type VaultEvent = z.infer<typeof VaultEventSchema>;

/** Every error body of the vault. */
export const VaultErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string().optional() }),
});
