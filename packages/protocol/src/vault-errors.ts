/**
 * The vault's own entries of the one error registry (errors.ts spreads them in):
 * codes the vault answers to the server and to the pay page that the chat server
 * itself never uses. docs/errors.md lists them with the rest.
 */
export const VAULT_ONLY_ERRORS = {
  invalid_card: { status: 400, message: 'The card details are not valid.' },
  invalid_signature: {
    status: 401,
    message: 'The request signature is missing, malformed, expired or wrong.',
  },
  invalid_session: { status: 401, message: 'The payment session is not valid or has expired.' },
  idempotency_conflict: {
    status: 409,
    message: 'This idempotency key was already used with different parameters.',
  },
  invalid_state: { status: 409, message: 'The payment is not in a state that allows this.' },
  payment_request_voided: {
    status: 409,
    message: 'The server withdrew this payment request; ask with a new key.',
  },
  payment_expired: { status: 410, message: 'The payment request has expired.' },
  unsupported_media_type: { status: 415, message: 'Send JSON with content-type application/json.' },
  gateway_error: {
    status: 502,
    message: 'The payment gateway could not be reached; nothing was charged twice.',
  },
} as const satisfies Record<string, { status: number; message: string }>;

/** Every code the vault may answer with (docs/vault.md "Errors"); all are registry codes. */
export const VAULT_ERROR_CODES = [
  'bad_request',
  'invalid_card',
  'invalid_signature',
  'invalid_session',
  'forbidden',
  'not_found',
  'payment_not_found',
  'idempotency_conflict',
  'invalid_state',
  'payment_in_progress',
  'refund_exceeds_amount',
  'payment_request_voided',
  'payment_expired',
  'payload_too_large',
  'unsupported_media_type',
  'gateway_error',
  'internal_error',
] as const;
export type VaultErrorCode = (typeof VAULT_ERROR_CODES)[number];
