/**
 * The one error registry. Every error a client can see has a stable snake_case
 * code, an HTTP status, optionally a WebSocket close code (when the error ends
 * the socket), and a message that is safe to show to anyone. docs/errors.md
 * lists the same table; a test keeps the two in step.
 */
export const ERRORS = {
  bad_request: { status: 400, message: 'The request is not valid.' },
  invalid_frame: { status: 400, message: 'The frame is not valid JSON or does not match the protocol.' },
  unknown_frame_type: { status: 400, message: 'The frame type is not known.' },
  frame_too_large: { status: 413, close: 1009, message: 'The frame is larger than the limit.' },
  payload_too_large: { status: 413, message: 'The request body is larger than the limit.' },
  rate_limited: { status: 429, close: 4029, message: 'Too many messages; slow down.' },
  unauthorized: { status: 401, close: 4001, message: 'Sign-in is required.' },
  invalid_token: { status: 401, close: 4001, message: 'The visitor token is not valid or has expired.' },
  auth_timeout: { status: 401, close: 4001, message: 'The socket did not authenticate in time.' },
  invalid_credentials: { status: 401, message: 'The e-mail address or password is wrong.' },
  forbidden: { status: 403, close: 4003, message: 'You are not allowed to do that.' },
  csrf_failed: { status: 403, message: 'The request is missing a valid CSRF token.' },
  origin_not_allowed: { status: 403, close: 4003, message: 'This origin is not allowed for the organisation.' },
  not_found: { status: 404, message: 'Not found.' },
  conversation_not_found: { status: 404, message: 'The conversation does not exist or is not yours.' },
  organisation_not_found: { status: 404, message: 'The organisation does not exist.' },
  conversation_taken: { status: 409, message: 'Another agent has already accepted this conversation.' },
  conversation_closed: { status: 409, message: 'The conversation is closed.' },
  conflict: { status: 409, message: 'The request conflicts with the current state.' },
  masking_failed: { status: 422, message: 'The message could not be checked for sensitive data and was not sent.' },
  server_shutting_down: { status: 503, close: 1001, message: 'The server is restarting; reconnect shortly.' },
  internal_error: { status: 500, close: 1011, message: 'Something went wrong on our side.' },
} as const satisfies Record<string, { status: number; close?: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

/** Error body of every failed REST call. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** An error that carries a registry code; handlers throw it, edges present it. */
export class ParleyError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly closeCode: number | undefined;

  constructor(code: ErrorCode, message?: string) {
    const entry: { status: number; close?: number; message: string } = ERRORS[code];
    super(message ?? entry.message);
    this.name = 'ParleyError';
    this.code = code;
    this.status = entry.status;
    this.closeCode = entry.close;
  }
}

/** The safe, presentable body for an error code. */
export function errorBody(code: ErrorCode, message?: string): ErrorBody {
  return { error: { code, message: message ?? ERRORS[code].message } };
}
