/**
 * The vault's error registry: stable codes, HTTP statuses and messages safe to
 * show. docs/vault.md lists the same table. Messages never echo input.
 */
export const VAULT_ERRORS = {
  bad_request: { status: 400, message: 'The request is not valid.' },
  invalid_card: { status: 400, message: 'The card details are not valid.' },
  invalid_signature: {
    status: 401,
    message: 'The request signature is missing, malformed, expired or wrong.',
  },
  invalid_session: { status: 401, message: 'The payment session is not valid or has expired.' },
  forbidden: { status: 403, message: 'This request is not allowed.' },
  not_found: { status: 404, message: 'Not found.' },
  payment_not_found: { status: 404, message: 'The payment request does not exist.' },
  idempotency_conflict: {
    status: 409,
    message: 'This idempotency key was already used with different parameters.',
  },
  invalid_state: { status: 409, message: 'The payment is not in a state that allows this.' },
  payment_in_progress: { status: 409, message: 'A payment attempt is already in progress.' },
  refund_exceeds_amount: { status: 409, message: 'The refund would exceed the amount paid.' },
  payment_request_voided: {
    status: 409,
    message: 'The server withdrew this payment request; ask with a new key.',
  },
  payment_expired: { status: 410, message: 'The payment request has expired.' },
  payload_too_large: { status: 413, message: 'The request body is larger than the limit.' },
  unsupported_media_type: { status: 415, message: 'Send JSON with content-type application/json.' },
  gateway_error: {
    status: 502,
    message: 'The payment gateway could not be reached; nothing was charged twice.',
  },
  internal_error: { status: 500, message: 'Something went wrong on our side.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type VaultErrorCode = keyof typeof VAULT_ERRORS;

export class VaultError extends Error {
  readonly code: VaultErrorCode;
  readonly status: number;
  constructor(code: VaultErrorCode, message?: string) {
    super(message ?? VAULT_ERRORS[code].message);
    this.name = 'VaultError';
    this.code = code;
    this.status = VAULT_ERRORS[code].status;
  }
}

export interface VaultErrorBody {
  error: { code: VaultErrorCode; message: string };
}

export function errorBody(code: VaultErrorCode, message?: string): VaultErrorBody {
  return { error: { code, message: message ?? VAULT_ERRORS[code].message } };
}
