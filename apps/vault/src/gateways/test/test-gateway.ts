/**
 * The built-in test gateway: an offline sandbox that answers by documented
 * test card numbers (docs/payments.md), like a card processor's test mode.
 * It keeps authorisations in memory by reference; no card data is kept.
 */
import { randomBytes } from 'node:crypto';
import type {
  AuthorizeRequest,
  CaptureOutcome,
  FailureCode,
  Gateway,
  GatewayOutcome,
} from '../gateway';
import { FAILURE_MESSAGES } from '../gateway';

/** Test card number → outcome. Any other valid number succeeds. */
export const TEST_CARDS = {
  '4242424242424242': 'success',
  '5555555555554444': 'success',
  '378282246310005': 'success',
  '6011111111111117': 'success',
  '4000000000000002': 'card_declined',
  '4000000000009995': 'insufficient_funds',
  '4000000000000069': 'expired_card',
  '4000000000000127': 'incorrect_cvc',
  '4000000000000119': 'processing_error',
  '4000002760003184': 'three_d_secure',
} as const satisfies Record<string, 'success' | 'three_d_secure' | FailureCode>;

type Auth = {
  paymentId: string;
  amount: number;
  state: 'authorized' | 'pending_3ds' | 'captured' | 'failed';
  refunded: number;
};

export interface TestGatewayStats {
  authorizeCalls: number;
  captureCalls: number;
  refundCalls: number;
}

export class TestGateway implements Gateway {
  readonly name = 'test';
  readonly stats: TestGatewayStats = { authorizeCalls: 0, captureCalls: 0, refundCalls: 0 };
  /** Amount and currency of the last authorisation (tests check they came from the store). */
  lastAuthorized: { amount: number; currency: string } | undefined;
  private readonly auths = new Map<string, Auth>();
  private readonly idempotent = new Map<string, GatewayOutcome>();

  async authorize(request: AuthorizeRequest): Promise<GatewayOutcome> {
    const seen = this.idempotent.get(request.idempotencyKey);
    if (seen) return seen;
    this.stats.authorizeCalls++;
    this.lastAuthorized = { amount: request.amount, currency: request.currency };
    const reference = `test_ch_${randomBytes(12).toString('hex')}`;
    const behaviour = (TEST_CARDS as Record<string, string>)[request.card.number] ?? 'success';
    let outcome: GatewayOutcome;
    if (behaviour === 'success') {
      this.auths.set(reference, {
        paymentId: request.paymentId,
        amount: request.amount,
        state: 'authorized',
        refunded: 0,
      });
      outcome = { kind: 'authorized', reference };
    } else if (behaviour === 'three_d_secure') {
      this.auths.set(reference, {
        paymentId: request.paymentId,
        amount: request.amount,
        state: 'pending_3ds',
        refunded: 0,
      });
      outcome = { kind: 'requires_action', reference, action: { type: 'challenge' } };
    } else {
      const code = behaviour as FailureCode;
      outcome = { kind: 'declined', reference, code, message: FAILURE_MESSAGES[code] };
    }
    this.idempotent.set(request.idempotencyKey, outcome);
    return outcome;
  }

  async completeAction(reference: string, answer: { approve?: boolean }): Promise<GatewayOutcome> {
    const auth = this.auths.get(reference);
    if (!auth)
      return {
        kind: 'declined',
        reference,
        code: 'processing_error',
        message: FAILURE_MESSAGES.processing_error,
      };
    if (auth.state === 'authorized' || auth.state === 'captured')
      return { kind: 'authorized', reference };
    if (auth.state === 'failed' || answer.approve !== true) {
      auth.state = 'failed';
      return {
        kind: 'declined',
        reference,
        code: 'authentication_failed',
        message: FAILURE_MESSAGES.authentication_failed,
      };
    }
    auth.state = 'authorized';
    return { kind: 'authorized', reference };
  }

  async capture(
    reference: string,
    amount: number,
    _idempotencyKey: string,
  ): Promise<CaptureOutcome> {
    this.stats.captureCalls++;
    const auth = this.auths.get(reference);
    if (
      !auth ||
      (auth.state !== 'authorized' && auth.state !== 'captured') ||
      amount > auth.amount
    ) {
      return {
        kind: 'declined',
        reference,
        code: 'processing_error',
        message: FAILURE_MESSAGES.processing_error,
      };
    }
    auth.state = 'captured';
    return { kind: 'captured', reference };
  }

  async refund(
    reference: string,
    amount: number,
    _idempotencyKey: string,
  ): Promise<{ reference: string }> {
    this.stats.refundCalls++;
    const auth = this.auths.get(reference);
    // A restarted test gateway forgets its charges; refunds still succeed, as a sandbox would.
    if (auth) auth.refunded += amount;
    return { reference: `test_re_${randomBytes(12).toString('hex')}` };
  }
}
