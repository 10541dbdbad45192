/**
 * Stripe raw-card adapter (PCI DSS SAQ D; only with PARLEY_STRIPE_RAW_CARD_SAQ_D=1 — the
 * default Stripe path is the hosted Payment Element, hosted-gateway.ts). The card goes to Stripe
 * as a PaymentMethod (raw card data API; the merchant must be enabled for it,
 * see docs/payments.md), the intent is created and confirmed in one call,
 * 3-D Secure comes back as a redirect (we pass return_url, so no Stripe.js is
 * needed on the pay page), and capture follows authorisation.
 */
import Stripe from 'stripe';
import type {
  AuthorizeRequest,
  CaptureOutcome,
  FailureCode,
  Gateway,
  GatewayOutcome,
} from '../gateway';
import { FAILURE_MESSAGES, GatewayUnavailableError } from '../gateway';

export interface StripeGatewayOptions {
  secretKey: string;
  /** e.g. http://127.0.0.1:12111 for a local fake; defaults to Stripe's API. */
  apiBase?: string | undefined;
}

const CODES: Record<string, FailureCode> = {
  card_declined: 'card_declined',
  generic_decline: 'card_declined',
  do_not_honor: 'card_declined',
  insufficient_funds: 'insufficient_funds',
  expired_card: 'expired_card',
  incorrect_cvc: 'incorrect_cvc',
  invalid_cvc: 'incorrect_cvc',
  processing_error: 'processing_error',
  payment_intent_authentication_failure: 'authentication_failed',
  authentication_required: 'authentication_failed',
};

export function failureCode(
  code: string | null | undefined,
  declineCode: string | null | undefined,
): FailureCode {
  return (
    (declineCode ? CODES[declineCode] : undefined) ??
    (code ? CODES[code] : undefined) ??
    'card_declined'
  );
}

export function stripeClient(options: StripeGatewayOptions): Stripe {
  const config: Stripe.StripeConfig = { maxNetworkRetries: 2, timeout: 30_000, telemetry: false };
  if (options.apiBase) {
    const base = new URL(options.apiBase);
    config.host = base.hostname;
    config.port = base.port || (base.protocol === 'https:' ? 443 : 80);
    config.protocol = base.protocol === 'https:' ? 'https' : 'http';
  }
  return new Stripe(options.secretKey, config);
}

export class StripeGateway implements Gateway {
  readonly name = 'stripe';
  private readonly stripe: Stripe;

  constructor(options: StripeGatewayOptions) {
    this.stripe = stripeClient(options);
  }

  async authorize(request: AuthorizeRequest): Promise<GatewayOutcome> {
    try {
      const pm = await this.stripe.paymentMethods.create(
        {
          type: 'card',
          card: {
            number: request.card.number,
            exp_month: request.card.expMonth,
            exp_year: request.card.expYear,
            cvc: request.card.cvc,
          },
          billing_details: { name: request.card.name },
        },
        { idempotencyKey: `${request.idempotencyKey}:pm` },
      );
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: request.amount,
          currency: request.currency.toLowerCase(),
          payment_method: pm.id,
          capture_method: 'manual',
          confirm: true,
          description: request.description,
          metadata: { parley_payment_id: request.paymentId },
          return_url: request.returnUrl,
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return this.outcomeOf(intent);
    } catch (error) {
      return this.declineOrThrow(error);
    }
  }

  async completeAction(reference: string): Promise<GatewayOutcome> {
    try {
      return this.outcomeOf(await this.stripe.paymentIntents.retrieve(reference));
    } catch (error) {
      return this.declineOrThrow(error);
    }
  }

  async capture(
    reference: string,
    amount: number,
    idempotencyKey: string,
  ): Promise<CaptureOutcome> {
    try {
      const intent = await this.stripe.paymentIntents.capture(
        reference,
        { amount_to_capture: amount },
        { idempotencyKey },
      );
      if (intent.status === 'succeeded') return { kind: 'captured', reference: intent.id };
      return {
        kind: 'declined',
        reference: intent.id,
        code: 'processing_error',
        message: FAILURE_MESSAGES.processing_error,
      };
    } catch (error) {
      const outcome = this.declineOrThrow(error);
      return outcome.kind === 'declined'
        ? outcome
        : {
            kind: 'declined',
            reference,
            code: 'processing_error',
            message: FAILURE_MESSAGES.processing_error,
          };
    }
  }

  async refund(
    reference: string,
    amount: number,
    idempotencyKey: string,
  ): Promise<{ reference: string }> {
    try {
      const refund = await this.stripe.refunds.create(
        { payment_intent: reference, amount },
        { idempotencyKey },
      );
      if (refund.status === 'failed' || refund.status === 'canceled')
        throw new GatewayUnavailableError(`stripe refund ${refund.status}`);
      return { reference: refund.id };
    } catch (error) {
      if (error instanceof GatewayUnavailableError) throw error;
      throw new GatewayUnavailableError(error instanceof Error ? error.name : 'stripe error');
    }
  }

  private outcomeOf(intent: Stripe.PaymentIntent): GatewayOutcome {
    switch (intent.status) {
      case 'requires_capture':
      case 'succeeded':
        return { kind: 'authorized', reference: intent.id };
      case 'requires_action': {
        const url = intent.next_action?.redirect_to_url?.url;
        if (!url)
          return {
            kind: 'declined',
            reference: intent.id,
            code: 'processing_error',
            message: FAILURE_MESSAGES.processing_error,
          };
        return { kind: 'requires_action', reference: intent.id, action: { type: 'redirect', url } };
      }
      case 'processing':
      case 'requires_confirmation':
        return {
          kind: 'declined',
          reference: intent.id,
          code: 'processing_error',
          message: FAILURE_MESSAGES.processing_error,
        };
      case 'requires_payment_method':
      case 'canceled': {
        const err = intent.last_payment_error;
        const code = err ? failureCode(err.code, err.decline_code) : 'authentication_failed';
        return { kind: 'declined', reference: intent.id, code, message: FAILURE_MESSAGES[code] };
      }
      default:
        return {
          kind: 'declined',
          reference: intent.id,
          code: 'processing_error',
          message: FAILURE_MESSAGES.processing_error,
        };
    }
  }

  private declineOrThrow(error: unknown): GatewayOutcome & { kind: 'declined' } {
    if (error instanceof Stripe.errors.StripeCardError) {
      const code = failureCode(error.code, error.decline_code);
      const raw = error.raw as { payment_intent?: { id?: string } } | undefined;
      return {
        kind: 'declined',
        reference: raw?.payment_intent?.id ?? null,
        code,
        message: FAILURE_MESSAGES[code],
      };
    }
    // Connection and API errors: the caller records a gateway_error; the
    // authorisation, if any, was never captured and lapses.
    throw new GatewayUnavailableError(error instanceof Error ? error.name : 'stripe error');
  }
}
