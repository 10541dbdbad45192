/** Bodies of the server→vault API: the shared schemas of packages/protocol (docs/vault.md). */
export {
  VaultCreateRequestSchema as CreatePaymentRequestSchema,
  VaultVoidRequestSchema as VoidPaymentRequestSchema,
  VaultRefundRequestSchema as RefundSchema,
  VaultPaymentIdParamsSchema as PaymentIdParamsSchema,
} from '@parley/protocol';
export type {
  VaultCreateRequest as CreatePaymentRequest,
  VaultVoidRequest as VoidPaymentRequest,
  VaultRefundRequest as RefundInput,
} from '@parley/protocol';
