import { z } from 'zod';
import { PaymentStatusSchema } from '@parley/protocol';

/**
 * What the vault sends the server (docs/vault.md "Payment", "Vault → server
 * events"). Parsed strictly enough to trust the fields we keep; anything else
 * the vault adds is dropped (zod strips unknown keys).
 */
export const VaultPaymentSchema = z.object({
  id: z.string().min(1).max(128),
  orgId: z.string().min(1).max(128),
  conversationId: z.string().min(1).max(128),
  status: PaymentStatusSchema,
  amount: z.number().int().min(0),
  currency: z.string().regex(/^[A-Z]{3}$/),
  amountRefunded: z.number().int().min(0),
  description: z.string().max(500),
  brand: z.string().max(32).nullable(),
  // At most the last four digits ever reach the chat store (PCI DSS 3.4.1).
  last4: z
    .string()
    .regex(/^\d{4}$/)
    .nullable(),
  gatewayReference: z.string().max(255).nullable(),
  failureMessage: z.string().max(500).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int().min(0),
});
export type VaultPayment = z.infer<typeof VaultPaymentSchema>;

export const VaultEventSchema = z.object({
  id: z.string().min(1).max(128),
  type: z.literal('payment.updated'),
  createdAt: z.string(),
  payment: VaultPaymentSchema,
});
export type VaultEvent = z.infer<typeof VaultEventSchema>;

export const VaultCreatedSchema = z.object({
  id: z.string().min(1).max(128),
  status: PaymentStatusSchema,
  payUrl: z.string().url(),
  expiresAt: z.string(),
});
export const VaultLinkSchema = VaultCreatedSchema;
export const VaultRefundSchema = z.object({ payment: VaultPaymentSchema });
export const VaultVoidSchema = z.object({
  voided: z.boolean(),
  payment: VaultPaymentSchema.nullable(),
});
export const VaultErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string().optional() }),
});

export const ConversationParamsSchema = z.object({ id: z.string().min(1).max(64) });
export const PaymentParamsSchema = z.object({ id: z.string().min(1).max(128) });
export const VisitorPaymentParamsSchema = z.object({
  id: z.string().min(1).max(64),
  paymentId: z.string().min(1).max(128),
});
