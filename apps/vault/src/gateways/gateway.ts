/**
 * Gateways are adapters behind this one interface (DESIGN "Payment flow").
 * The vault calls authorize with the card, then capture once authorised;
 * a 3-D Secure step sits between when the issuer asks for it.
 * Card data is passed in memory only and never returned.
 */

export type FailureCode =
  | 'card_declined'
  | 'insufficient_funds'
  | 'expired_card'
  | 'incorrect_cvc'
  | 'processing_error'
  | 'authentication_failed'
  | 'gateway_error';

export const FAILURE_MESSAGES: Record<FailureCode, string> = {
  card_declined: 'The card was declined.',
  insufficient_funds: 'The card has insufficient funds.',
  expired_card: 'The card has expired.',
  incorrect_cvc: 'The security code is incorrect.',
  processing_error: 'The card could not be processed; please try again later.',
  authentication_failed: 'The bank did not confirm the payment.',
  gateway_error: 'The payment gateway returned an error.',
};

export interface CardDetails {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
  name: string;
}

export interface AuthorizeRequest {
  paymentId: string;
  amount: number;
  currency: string;
  description: string;
  card: CardDetails;
  /** Stable per attempt, so a retried call is not a second charge at the gateway. */
  idempotencyKey: string;
  /** Where a redirect-based 3-D Secure step comes back to. */
  returnUrl: string;
}

/** What the pay page must show for a 3-D Secure step. */
export type { GatewayAction } from '@parley/protocol';
import type { GatewayAction } from '@parley/protocol';

export type GatewayOutcome =
  | { kind: 'authorized'; reference: string }
  | { kind: 'requires_action'; reference: string; action: GatewayAction }
  | { kind: 'declined'; reference: string | null; code: FailureCode; message: string };

export type CaptureOutcome =
  | { kind: 'captured'; reference: string }
  | { kind: 'declined'; reference: string | null; code: FailureCode; message: string };

export interface Gateway {
  readonly name: string;
  authorize(request: AuthorizeRequest): Promise<GatewayOutcome>;
  /** Answers (test gateway) or checks (redirect gateways) a pending 3-D Secure step. */
  completeAction(reference: string, answer: { approve?: boolean }): Promise<GatewayOutcome>;
  capture(reference: string, amount: number, idempotencyKey: string): Promise<CaptureOutcome>;
  refund(reference: string, amount: number, idempotencyKey: string): Promise<{ reference: string }>;
}

/** Thrown when the gateway cannot be reached or answers nonsense; the vault retries nothing blindly. */
export class GatewayUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GatewayUnavailableError';
  }
}
