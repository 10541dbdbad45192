/**
 * Stripe with the Payment Element (PCI DSS SAQ A): the vault creates a
 * PaymentIntent for the stored amount (`POST /v1/payment_intents`, form-encoded,
 * `Idempotency-Key` derived from the attempt, automatic payment methods so
 * cards, 3-D Secure, Apple Pay and Google Pay come from Stripe.js), the pay page
 * mounts the Payment Element with the intent's client secret and confirms in the
 * browser, and the vault learns the outcome by retrieving the intent
 * (`GET /v1/payment_intents/:id?expand[]=latest_charge`) and from signed
 * webhooks. The vault never receives card data on this path.
 */
import type Stripe from 'stripe';
import type {
  BrowserProcessor,
  CardSummary,
  FailureCode,
  GatewayOutcome,
  HostedGateway,
  HostedSessionRequest,
} from '../gateway';
import { FAILURE_MESSAGES, GatewayUnavailableError } from '../gateway';
import { failureCode, stripeClient } from './stripe-gateway';

export interface StripeHostedOptions {
  secretKey: string;
  publishableKey: string;
  /** Stripe.js; `https://js.stripe.com/v3/` in production, a local fake in tests. */
  jsUrl: string;
  apiBase?: string | undefined;
}

/** Stripe's documented CSP for Stripe.js and the Payment Element; a test base replaces the hosts. */
export function stripeCsp(jsUrl: string, apiBase: string | undefined): BrowserProcessor['csp'] {
  const js = new URL(jsUrl).origin;
  if (js === 'https://js.stripe.com')
    return {
      script: ['https://js.stripe.com', 'https://*.js.stripe.com'],
      frame: ['https://js.stripe.com', 'https://*.js.stripe.com', 'https://hooks.stripe.com'],
      connect: [apiBase ? new URL(apiBase).origin : 'https://api.stripe.com'],
    };
  return { script: [js], frame: [js], connect: [js] };
}

function cardOf(intent: Stripe.PaymentIntent): CardSummary | undefined {
  const charge = intent.latest_charge;
  if (!charge || typeof charge === 'string') return undefined;
  const card = charge.payment_method_details?.card;
  return card?.last4 ? { brand: card.brand ?? 'unknown', last4: card.last4 } : undefined;
}

function declined(
  reference: string,
  code: FailureCode,
  card: CardSummary | undefined,
  livemode: boolean,
): GatewayOutcome {
  return {
    kind: 'declined',
    reference,
    code,
    message: FAILURE_MESSAGES[code],
    livemode,
    ...(card ? { card } : {}),
  };
}

/** Maps a PaymentIntent to what the vault records. */
export function outcomeOfIntent(intent: Stripe.PaymentIntent): GatewayOutcome {
  const card = cardOf(intent);
  const livemode = intent.livemode;
  const withCard = { livemode, ...(card ? { card } : {}) };
  switch (intent.status) {
    case 'succeeded':
      return { kind: 'captured', reference: intent.id, ...withCard };
    case 'requires_capture':
      return { kind: 'authorized', reference: intent.id, ...withCard };
    case 'requires_payment_method': {
      const err = intent.last_payment_error;
      if (!err) return { kind: 'pending', reference: intent.id };
      return declined(intent.id, failureCode(err.code, err.decline_code), card, livemode);
    }
    case 'canceled':
      return declined(intent.id, 'processing_error', card, livemode);
    case 'requires_action': // 3-D Secure in the browser
    case 'requires_confirmation':
    case 'processing':
    default:
      return { kind: 'pending', reference: intent.id };
  }
}

export class StripeHostedGateway implements HostedGateway {
  readonly kind = 'hosted';
  readonly name = 'stripe';
  readonly browser: BrowserProcessor;
  private readonly stripe: Stripe;

  constructor(options: StripeHostedOptions) {
    this.stripe = stripeClient(options);
    this.browser = {
      type: 'stripe',
      publishableKey: options.publishableKey,
      scriptUrl: options.jsUrl,
      csp: stripeCsp(options.jsUrl, options.apiBase),
      testMode:
        options.secretKey.startsWith('sk_test_') || options.secretKey.startsWith('rk_test_'),
    };
  }

  async createSession(
    request: HostedSessionRequest,
  ): Promise<{ reference: string; clientSecret: string }> {
    try {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: request.amount,
          currency: request.currency.toLowerCase(),
          automatic_payment_methods: { enabled: true },
          description: request.description,
          metadata: {
            parley_payment_id: request.paymentId,
            parley_attempt: String(request.attempt),
          },
        },
        { idempotencyKey: request.idempotencyKey },
      );
      if (!intent.client_secret) throw new GatewayUnavailableError('intent without client secret');
      return { reference: intent.id, clientSecret: intent.client_secret };
    } catch (error) {
      if (error instanceof GatewayUnavailableError) throw error;
      throw new GatewayUnavailableError(error instanceof Error ? error.name : 'stripe error');
    }
  }

  async retrieve(reference: string): Promise<GatewayOutcome> {
    try {
      const intent = await this.stripe.paymentIntents.retrieve(reference, {
        expand: ['latest_charge'],
      });
      return outcomeOfIntent(intent);
    } catch (error) {
      throw new GatewayUnavailableError(error instanceof Error ? error.name : 'stripe error');
    }
  }

  async cancel(reference: string): Promise<GatewayOutcome> {
    try {
      const intent = await this.stripe.paymentIntents.cancel(reference, undefined, {
        idempotencyKey: `cancel:${reference}`,
      });
      return outcomeOfIntent(intent);
    } catch {
      // Already succeeded or canceled: Stripe refuses the cancel; the intent says which.
      return this.retrieve(reference);
    }
  }

  /** The processor's own total refunded on a charge (`GET /v1/charges/:id`), Parley's refunds included. */
  async readCharge(id: string): Promise<{ intent: string; amountRefunded: number } | undefined> {
    try {
      const charge = await this.stripe.charges.retrieve(id);
      const intent =
        typeof charge.payment_intent === 'string'
          ? charge.payment_intent
          : charge.payment_intent?.id;
      return intent ? { intent, amountRefunded: charge.amount_refunded } : undefined;
    } catch (error) {
      throw new GatewayUnavailableError(error instanceof Error ? error.name : 'stripe error');
    }
  }

  /**
   * A dispute as Stripe has it now (`GET /v1/disputes/:id`), so that events arriving out of
   * order converge: won (or an inquiry closed without a chargeback), lost, or still open.
   */
  async readDispute(
    id: string,
  ): Promise<
    { intent: string; state: 'open' | 'won' | 'lost'; reason: string | null } | undefined
  > {
    try {
      const dispute = await this.stripe.disputes.retrieve(id);
      const intent =
        typeof dispute.payment_intent === 'string'
          ? dispute.payment_intent
          : dispute.payment_intent?.id;
      if (!intent) return undefined;
      const state =
        dispute.status === 'won' || dispute.status === 'warning_closed'
          ? 'won'
          : dispute.status === 'lost'
            ? 'lost'
            : 'open';
      return { intent, state, reason: dispute.reason ?? null };
    } catch (error) {
      throw new GatewayUnavailableError(error instanceof Error ? error.name : 'stripe error');
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
}
