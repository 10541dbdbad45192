import { z } from 'zod';

/**
 * What the vault sends the server: the shared schemas of packages/protocol
 * (docs/vault.md "Payment", "Vault → server events"); anything else the vault
 * adds is dropped (zod strips unknown keys).
 */
export {
  VaultPaymentSchema,
  VaultEventSchema,
  VaultCreatedSchema,
  VaultCreatedSchema as VaultLinkSchema,
  VaultRefundResultSchema as VaultRefundSchema,
  VaultVoidResultSchema as VaultVoidSchema,
  VaultErrorBodySchema as VaultErrorSchema,
} from '@parley/protocol';
export type { VaultPayment, VaultEvent } from '@parley/protocol';

export const ConversationParamsSchema = z.object({ id: z.string().min(1).max(64) });
export const PaymentParamsSchema = z.object({ id: z.string().min(1).max(128) });
export const VisitorPaymentParamsSchema = z.object({
  id: z.string().min(1).max(64),
  paymentId: z.string().min(1).max(128),
});
