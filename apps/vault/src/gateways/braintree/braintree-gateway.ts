/**
 * Braintree with Hosted Fields (PCI DSS SAQ A), through the official server SDK
 * (`braintree`, Braintree's XML gateway API: JSON requests, XML answers, Basic
 * auth with the API key pair, `X-ApiVersion: 6`). The vault generates a client
 * token for the attempt's merchant account, the pay page tokenises the card in
 * Braintree's iframes into a single-use payment method nonce (3-D Secure through
 * `threeDSecure.verifyCard`), and the vault spends the nonce in a
 * `transaction.sale` for the amount and currency in its own store, with
 * `submitForSettlement` and `threeDSecure.required`. The outcome is the
 * transaction the sale returns, read back by id (or by the attempt's order id
 * when the answer was lost) and from signed webhooks. No card data reaches the
 * vault on this path: only the nonce.
 */
import braintree from 'braintree';
import type {
  BrowserProcessor,
  GatewayOutcome,
  HostedGateway,
  HostedSessionRequest,
} from '../gateway';
import { FAILURE_MESSAGES, GatewayUnavailableError } from '../gateway';

export interface BraintreeOptions {
  environment: 'sandbox' | 'production';
  merchantId: string;
  publicKey: string;
  privateKey: string;
  /** ISO 4217 code → merchant account id; Braintree settles one currency per merchant account. */
  merchantAccounts: Record<string, string>;
  /** braintree-web's client script; its siblings (hosted-fields, three-d-secure) are loaded beside it. */
  jsUrl: string;
  /** Tests only: the gateway API's origin (a local fake) instead of Braintree's. */
  apiUrl?: string | undefined;
  threeDSecure: boolean;
  /** Deadline of each call to Braintree. */
  timeoutMs?: number;
}

/** braintree-web 3.x from Braintree's CDN; pinned, as Braintree documents. */
export const BRAINTREE_JS_URL = 'https://js.braintreegateway.com/web/3.144.0/js/client.min.js';

/** Attempts whose sale has not happened yet are referenced by their order id. */
export const ORDER_PREFIX = 'bt-order:';

/**
 * Braintree's documented CSP for Hosted Fields and 3-D Secure 2 (Cardinal), sandbox or
 * production hosts; a local fake replaces them all with its one origin.
 */
export function braintreeCsp(options: BraintreeOptions): BrowserProcessor['csp'] {
  const js = new URL(options.jsUrl).origin;
  if (options.apiUrl) {
    const api = new URL(options.apiUrl).origin;
    const all = [...new Set([js, api])];
    return { script: [js], frame: all, connect: all };
  }
  const sandbox = options.environment === 'sandbox' ? 'sandbox.' : '';
  return {
    script: [
      'https://js.braintreegateway.com',
      'https://assets.braintreegateway.com',
      'https://songbird.cardinalcommerce.com',
    ],
    frame: ['https://assets.braintreegateway.com', 'https://*.cardinalcommerce.com'],
    connect: [
      `https://api.${sandbox}braintreegateway.com`,
      `https://client-analytics.${sandbox}braintreegateway.com`,
      `https://payments.${sandbox}braintree-api.com`,
      'https://*.cardinalcommerce.com',
    ],
  };
}

import { fromDecimal, outcomeOfTransaction, toDecimal, type BraintreeTransaction } from './outcome';
export { fromDecimal, outcomeOfTransaction, toDecimal, type BraintreeTransaction };

function unavailable(error: unknown): GatewayUnavailableError {
  if (error instanceof GatewayUnavailableError) return error;
  // The SDK's errors carry a type name (authenticationError, unexpectedError, …), never card data.
  const type = (error as { type?: unknown } | null)?.type;
  return new GatewayUnavailableError(`braintree ${typeof type === 'string' ? type : 'error'}`);
}

export class BraintreeHostedGateway implements HostedGateway {
  readonly kind = 'hosted';
  readonly name = 'braintree';
  readonly browser: BrowserProcessor;
  private readonly gateway: braintree.BraintreeGateway;
  private readonly livemode: boolean;

  constructor(private readonly options: BraintreeOptions) {
    let environment =
      braintree.Environment[options.environment === 'production' ? 'Production' : 'Sandbox'];
    if (options.apiUrl) {
      const api = new URL(options.apiUrl);
      const ssl = api.protocol === 'https:';
      const port = api.port || (ssl ? '443' : '80');
      // server, port, auth URL, ssl, GraphQL server and port: all the fake's one origin.
      environment = new braintree.Environment(
        api.hostname,
        port,
        api.origin,
        ssl,
        api.hostname,
        port,
      );
    }
    this.gateway = new braintree.BraintreeGateway({
      environment,
      merchantId: options.merchantId,
      publicKey: options.publicKey,
      privateKey: options.privateKey,
      timeout: options.timeoutMs ?? 15_000,
    } as braintree.GatewayConfig);
    this.livemode = options.environment === 'production';
    this.browser = {
      type: 'braintree',
      // Braintree has no publishable key: the page gets a client token per attempt.
      publishableKey: options.merchantId,
      scriptUrl: options.jsUrl,
      csp: braintreeCsp(options),
      testMode: !this.livemode,
      threeDSecure: options.threeDSecure,
    };
  }

  /** The merchant account that settles a currency; refused rather than charged in another one. */
  private merchantAccount(currency: string): string | undefined {
    const configured = Object.keys(this.options.merchantAccounts);
    if (configured.length === 0) return undefined; // the merchant's default account
    const account = this.options.merchantAccounts[currency];
    if (!account)
      throw new GatewayUnavailableError(`no Braintree merchant account for ${currency}`);
    return account;
  }

  async createSession(
    request: HostedSessionRequest,
  ): Promise<{ reference: string; clientSecret: string }> {
    try {
      const merchantAccountId = this.merchantAccount(request.currency);
      const response = await this.gateway.clientToken.generate(
        merchantAccountId ? { merchantAccountId } : {},
      );
      if (!response.success || !response.clientToken)
        throw new GatewayUnavailableError('braintree refused the client token');
      // No transaction exists before the nonce is spent: the attempt is known by its order id.
      return {
        reference: `${ORDER_PREFIX}${request.idempotencyKey}`,
        clientSecret: response.clientToken,
      };
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** Spends the page's nonce: one sale for the stored amount, in the currency's merchant account. */
  async charge(
    reference: string,
    nonce: string,
    request: HostedSessionRequest,
  ): Promise<GatewayOutcome> {
    const orderId = reference.startsWith(ORDER_PREFIX)
      ? reference.slice(ORDER_PREFIX.length)
      : reference;
    let result: braintree.ValidatedResponse<braintree.Transaction>;
    try {
      const merchantAccountId = this.merchantAccount(request.currency);
      result = await this.gateway.transaction.sale({
        amount: toDecimal(request.amount, request.currency),
        paymentMethodNonce: nonce,
        orderId,
        ...(merchantAccountId ? { merchantAccountId } : {}),
        customFields: undefined,
        options: {
          submitForSettlement: true,
          ...(this.options.threeDSecure ? { threeDSecure: { required: true } } : {}),
        },
      });
    } catch (error) {
      throw unavailable(error);
    }
    const tx = result.transaction as unknown as BraintreeTransaction | undefined;
    if (!tx) {
      // A validation error without a transaction: a used or foreign nonce. Nothing was charged.
      return {
        kind: 'declined',
        reference: null,
        code: 'processing_error',
        message: FAILURE_MESSAGES.processing_error,
      };
    }
    return this.checked(tx, request);
  }

  /**
   * A transaction in another currency or for another amount than the store's is never kept
   * (a merchant account in the wrong currency): it is voided and recorded as an error.
   */
  private async checked(
    tx: BraintreeTransaction,
    request: HostedSessionRequest,
  ): Promise<GatewayOutcome> {
    const outcome = outcomeOfTransaction(tx, this.livemode);
    if (outcome.kind !== 'captured') return outcome;
    if (
      tx.currencyIsoCode === request.currency &&
      fromDecimal(tx.amount, request.currency) === request.amount
    )
      return outcome;
    try {
      await this.gateway.transaction.void(tx.id);
    } catch (error) {
      throw unavailable(error);
    }
    return {
      ...outcome,
      kind: 'declined',
      code: 'gateway_error',
      message: FAILURE_MESSAGES.gateway_error,
    };
  }

  /** The transaction behind a reference: by id, or by the attempt's order id before the sale answered. */
  private async find(reference: string): Promise<BraintreeTransaction | undefined> {
    if (!reference.startsWith(ORDER_PREFIX))
      return (await this.gateway.transaction.find(reference)) as unknown as BraintreeTransaction;
    const orderId = reference.slice(ORDER_PREFIX.length);
    const found: BraintreeTransaction[] = [];
    await new Promise<void>((resolve, reject) => {
      const stream = this.gateway.transaction.search((search) => search.orderId().is(orderId));
      stream.on('data', (tx: BraintreeTransaction) => found.push(tx));
      stream.on('error', reject);
      stream.on('end', () => resolve());
    });
    // The newest successful one wins; a decline and then nothing is still a decline.
    return (
      found.find((tx) => outcomeOfTransaction(tx, this.livemode).kind === 'captured') ??
      found.at(-1)
    );
  }

  async retrieve(reference: string): Promise<GatewayOutcome> {
    let tx: BraintreeTransaction | undefined;
    try {
      tx = await this.find(reference);
    } catch (error) {
      throw unavailable(error);
    }
    return tx ? outcomeOfTransaction(tx, this.livemode) : { kind: 'pending', reference };
  }

  /** Before another attempt: an attempt whose nonce was never spent ends here, unpaid. */
  async cancel(reference: string): Promise<GatewayOutcome> {
    const outcome = await this.retrieve(reference);
    if (outcome.kind !== 'pending') return outcome;
    return {
      kind: 'declined',
      reference: null,
      code: 'processing_error',
      message: FAILURE_MESSAGES.processing_error,
    };
  }

  /** Refunds a settled sale; a sale not yet settled is voided instead (Braintree refuses to refund it). */
  async refund(
    reference: string,
    amount: number,
    _idempotencyKey: string,
  ): Promise<{ reference: string }> {
    try {
      const tx = (await this.gateway.transaction.find(
        reference,
      )) as unknown as BraintreeTransaction;
      const whole = fromDecimal(tx.amount, tx.currencyIsoCode) === amount;
      if (tx.status === 'submitted_for_settlement' || tx.status === 'settlement_pending') {
        if (!whole)
          throw new GatewayUnavailableError('braintree cannot part-refund an unsettled sale');
        const voided = await this.gateway.transaction.void(reference);
        if (!voided.success) throw new GatewayUnavailableError('braintree refused the void');
        return { reference: voided.transaction.id };
      }
      const refunded = await this.gateway.transaction.refund(
        reference,
        toDecimal(amount, tx.currencyIsoCode),
      );
      if (!refunded.success) throw new GatewayUnavailableError('braintree refused the refund');
      return { reference: refunded.transaction.id };
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** Checks a webhook's signature (`bt_signature`, HMAC-SHA1 keyed by the private key) and parses it. */
  async parseWebhook(
    signature: string,
    payload: string,
  ): Promise<{
    kind: string;
    timestamp: Date;
    transactionId: string | undefined;
    orderId: string | undefined;
    disputeId: string | undefined;
  }> {
    const notification = await this.gateway.webhookNotification.parse(signature, payload);
    const subject = notification as {
      transaction?: { id?: string; orderId?: string | null };
      dispute?: { id?: string; transaction?: { id?: string } };
    };
    const tx = subject.transaction;
    return {
      kind: notification.kind,
      timestamp: new Date(notification.timestamp),
      transactionId: tx?.id ?? subject.dispute?.transaction?.id,
      orderId: tx?.orderId ?? undefined,
      disputeId: subject.dispute?.id,
    };
  }

  /**
   * A dispute as Braintree has it now (`dispute.find`), read back rather than trusted from an
   * unsigned-timestamp notification: open (open, under review, disputed), won, or lost
   * (lost, accepted, auto-accepted, expired).
   */
  async findDispute(id: string): Promise<DisputeState | undefined> {
    let dispute: { status?: string; reason?: string; transaction?: { id?: string } };
    try {
      // The SDK answers a result object here (`{success, dispute}`), unlike transaction.find.
      const result = (await this.gateway.dispute.find(id)) as unknown as {
        dispute?: typeof dispute;
      };
      if (!result.dispute) return undefined;
      dispute = result.dispute;
    } catch (error) {
      if ((error as { type?: unknown } | null)?.type === 'notFoundError') return undefined;
      throw unavailable(error);
    }
    const transactionId = dispute.transaction?.id;
    if (!transactionId) return undefined;
    const status = dispute.status ?? '';
    const state = status === 'won' ? 'won' : LOST_DISPUTE.has(status) ? 'lost' : 'open';
    return { transactionId, state, reason: dispute.reason ?? null };
  }
}

const LOST_DISPUTE = new Set(['lost', 'accepted', 'auto_accepted', 'expired']);

export interface DisputeState {
  transactionId: string;
  state: 'open' | 'won' | 'lost';
  reason: string | null;
}
