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
  | 'gateway_error'
  /** The issuer refused the sale when it was settled, after the vault had recorded it paid. */
  | 'settlement_declined';

export const FAILURE_MESSAGES: Record<FailureCode, string> = {
  card_declined: 'The card was declined.',
  insufficient_funds: 'The card has insufficient funds.',
  expired_card: 'The card has expired.',
  incorrect_cvc: 'The security code is incorrect.',
  processing_error: 'The card could not be processed; please try again later.',
  authentication_failed: 'The bank did not confirm the payment.',
  gateway_error: 'The payment gateway returned an error.',
  settlement_declined: 'The card issuer declined the payment at settlement: no money was taken.',
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

/** Brand and last four as a hosted processor reports them (PCI DSS 3.4.1: never more). */
export interface CardSummary {
  brand: string;
  last4: string;
}

export type GatewayOutcome =
  | { kind: 'authorized'; reference: string; card?: CardSummary; livemode?: boolean }
  /** Hosted processors capture on confirmation (automatic capture): nothing left to do. */
  | { kind: 'captured'; reference: string; card?: CardSummary; livemode?: boolean }
  | { kind: 'requires_action'; reference: string; action: GatewayAction }
  /** The customer has not finished in the processor's element yet (or it is processing). */
  | { kind: 'pending'; reference: string }
  | {
      kind: 'declined';
      reference: string | null;
      code: FailureCode;
      message: string;
      card?: CardSummary;
      livemode?: boolean;
    };

export type CaptureOutcome =
  | { kind: 'captured'; reference: string }
  | { kind: 'declined'; reference: string | null; code: FailureCode; message: string };

/** A gateway that takes the card on the vault's own form (test gateway; Stripe raw-card, SAQ D). */
export interface Gateway {
  readonly kind?: 'card';
  readonly name: string;
  authorize(request: AuthorizeRequest): Promise<GatewayOutcome>;
  /** Answers (test gateway) or checks (redirect gateways) a pending 3-D Secure step. */
  completeAction(reference: string, answer: { approve?: boolean }): Promise<GatewayOutcome>;
  capture(reference: string, amount: number, idempotencyKey: string): Promise<CaptureOutcome>;
  refund(reference: string, amount: number, idempotencyKey: string): Promise<{ reference: string }>;
}

/**
 * What the pay page needs to load a processor's browser SDK, and the origins its
 * CSP must allow for it (and nothing else).
 */
export interface BrowserProcessor {
  type: 'stripe' | 'braintree';
  publishableKey: string;
  scriptUrl: string;
  csp: { script: string[]; frame: string[]; connect: string[] };
  /** The processor's test mode (sk_test_…): dashboard links go to its test view. */
  testMode: boolean;
  /** Braintree: the page runs 3-D Secure (`threeDSecure.verifyCard`) before handing over the nonce. */
  threeDSecure?: boolean;
}

export interface HostedSessionRequest {
  paymentId: string;
  attempt: number;
  amount: number;
  currency: string;
  description: string;
  /** Derived from the attempt, so a repeated call returns the same intent, never a second one. */
  idempotencyKey: string;
}

/**
 * A processor whose hosted fields take the card in the customer's browser (SAQ A):
 * the vault creates the processor's intent for the stored amount, hands the page a
 * client secret, and learns the outcome by retrieving it and from signed webhooks.
 */
export interface HostedGateway {
  readonly kind: 'hosted';
  readonly name: string;
  readonly browser: BrowserProcessor;
  createSession(
    request: HostedSessionRequest,
  ): Promise<{ reference: string; clientSecret: string }>;
  retrieve(reference: string): Promise<GatewayOutcome>;
  /** Cancels an intent that was never paid, before another attempt starts; returns its state. */
  cancel(reference: string): Promise<GatewayOutcome>;
  refund(reference: string, amount: number, idempotencyKey: string): Promise<{ reference: string }>;
  /**
   * Processors whose browser SDK hands back a single-use token (Braintree's payment method
   * nonce) that the vault spends: the charge for the stored amount happens here, once.
   */
  charge?(reference: string, token: string, request: HostedSessionRequest): Promise<GatewayOutcome>;
}

export type AnyGateway = Gateway | HostedGateway;

export function isHosted(gateway: AnyGateway): gateway is HostedGateway {
  return gateway.kind === 'hosted';
}

/** Thrown when the gateway cannot be reached or answers nonsense; the vault retries nothing blindly. */
export class GatewayUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GatewayUnavailableError';
  }
}
