/** Bodies of the server→vault API (docs/vault.md). */
import { z } from 'zod';

const Id = z.string().min(1).max(128);
const IdempotencyKey = z
  .string()
  .min(8)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
const Origin = z.url({ protocol: /^https?$/ }).transform((u) => new URL(u).origin);

export const CreatePaymentRequestSchema = z.object({
  orgId: Id,
  conversationId: Id,
  /** Integer minor units (cents). */
  amount: z.number().int().positive().max(99_999_999),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'ISO 4217 code, 3 letters')
    .transform((c) => c.toUpperCase()),
  description: z.string().trim().min(1).max(500),
  merchantName: z.string().trim().min(1).max(120),
  frameAncestors: z.array(Origin).max(20).default([]),
  idempotencyKey: IdempotencyKey,
  /** One id per server call, so that the server can void that call alone (issue 18). */
  attemptId: IdempotencyKey.optional(),
  /** Seconds the request stays payable; default 1800. */
  expiresInSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .optional(),
});
export type CreatePaymentRequest = z.infer<typeof CreatePaymentRequestSchema>;

/** The server gave up on one create call: void it, even if it arrives or completes later. */
export const VoidPaymentRequestSchema = z.object({
  idempotencyKey: IdempotencyKey,
  attemptId: IdempotencyKey,
});
export type VoidPaymentRequest = z.infer<typeof VoidPaymentRequestSchema>;

export const RefundSchema = z.object({
  /** Minor units; the whole remaining amount when absent. */
  amount: z.number().int().positive().max(99_999_999).optional(),
  idempotencyKey: IdempotencyKey,
});
export type RefundInput = z.infer<typeof RefundSchema>;

export const PaymentIdParamsSchema = z.object({ id: Id });
