/**
 * A local stand-in for Stripe (the remote processor cannot run here), speaking
 * its real HTTP API for the calls Parley makes: form-encoded bodies, Bearer
 * secret keys, `Idempotency-Key` semantics (a replay returns the first answer,
 * the same key with other parameters is an `idempotency_error`), error objects
 * `{error:{type,code,message}}`, PaymentIntents with automatic payment methods,
 * and webhooks it signs (`Stripe-Signature: t=…,v1=…`) and POSTs to the vault.
 * It also serves the subset of Stripe.js v3 the pay page uses (stripe-js.ts):
 * the Payment Element in an iframe on this origin, so the card goes from that
 * iframe to this server and never to the vault, and a 3-D Secure challenge.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHALLENGE_HTML, ELEMENT_HTML, STRIPE_JS } from './stripe-js';

type Json = Record<string, unknown>;

interface Intent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  status: string;
  capture_method: 'automatic';
  automatic_payment_methods: { enabled: boolean } | null;
  client_secret: string;
  description: string | null;
  metadata: Record<string, string>;
  next_action: Json | null;
  last_payment_error: Json | null;
  latest_charge: string | null;
  payment_method: string | null;
  livemode: false;
  created: number;
}

interface ChargeObject {
  id: string;
  object: 'charge';
  amount: number;
  currency: string;
  status: string;
  payment_intent: string;
  payment_method_details: { type: 'card'; card: { brand: string; last4: string } };
  amount_refunded: number;
  refunded: boolean;
  disputed: boolean;
}

/** Stripe's Dispute object (a chargeback), the fields Parley reads. */
export interface DisputeObject {
  id: string;
  object: 'dispute';
  amount: number;
  currency: string;
  charge: string;
  payment_intent: string;
  reason: string;
  /** needs_response, under_review, won, lost, warning_needs_response, warning_closed, … */
  status: string;
  livemode: false;
  created: number;
}

/** Stripe's documented test cards (https://docs.stripe.com/testing). */
const DECLINES: Record<string, { code: string; decline_code?: string; message: string }> = {
  '4000000000000002': {
    code: 'card_declined',
    decline_code: 'generic_decline',
    message: 'Your card was declined.',
  },
  '4000000000009995': {
    code: 'card_declined',
    decline_code: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  '4000000000000069': { code: 'expired_card', message: 'Your card has expired.' },
  '4000000000000127': { code: 'incorrect_cvc', message: "Your card's security code is incorrect." },
};
const THREE_D_SECURE = new Set(['4000002760003184', '4000000000003220']);

export interface RecordedCall {
  method: string;
  path: string;
  /** 'secret' (server-side, the vault) or 'publishable' (Stripe.js in the browser). */
  auth: 'secret' | 'publishable' | 'none';
  idempotencyKey: string | undefined;
  replayed: boolean;
  /** Parameter names and values, card fields cut out (the fake records what the vault sent). */
  params: Record<string, string>;
}

export interface WebhookDelivery {
  eventId: string;
  type: string;
  status: number;
}

function brandOf(number: string): string {
  if (number.startsWith('4')) return 'visa';
  if (/^5[1-5]/.test(number)) return 'mastercard';
  if (/^3[47]/.test(number)) return 'amex';
  return 'discover';
}

function error(status: number, type: string, message: string, extra: Json = {}) {
  return { status, body: { error: { type, message, ...extra } } };
}

export class FakeStripe {
  readonly calls: RecordedCall[] = [];
  readonly webhooks: WebhookDelivery[] = [];
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  /** Delivers every event twice, as Stripe may: the vault must apply it once. */
  duplicateWebhooks = true;
  url = '';
  private readonly intents = new Map<string, Intent>();
  private readonly charges = new Map<string, ChargeObject>();
  private readonly idempotent = new Map<string, { hash: string; status: number; body: Json }>();
  private readonly pending = new Set<Promise<void>>();
  private server: Server | undefined;

  constructor(
    readonly secretKey = 'sk_test_parley_fake',
    readonly publishableKey = 'pk_test_parley_fake',
  ) {}

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.handle(req, res, Buffer.concat(chunks).toString('utf8')).catch(() => {
          if (!res.headersSent) res.writeHead(500).end();
        });
      });
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  /** Resolves once every webhook delivery under way (and its duplicate) has been answered. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  intent(id: string): Intent | undefined {
    return this.intents.get(id);
  }

  allIntents(): Intent[] {
    return [...this.intents.values()];
  }

  private send(res: ServerResponse, status: number, type: string, body: string, extra = {}) {
    res
      .writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...extra })
      .end(body);
  }

  private async handle(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    // Stripe.js calls the API cross-origin from the merchant's page and from its iframes.
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-allow-headers': 'content-type, authorization',
    };
    if (method === 'OPTIONS') return this.send(res, 204, 'text/plain', '', cors);
    if (method === 'GET' && url.pathname === '/v3/')
      return this.send(res, 200, 'text/javascript; charset=utf-8', STRIPE_JS);
    if (method === 'GET' && url.pathname === '/elements/payment')
      return this.send(res, 200, 'text/html; charset=utf-8', ELEMENT_HTML);
    const challenge = /^\/3ds\/(pi_[a-z0-9]+)$/.exec(url.pathname);
    if (method === 'GET' && challenge)
      return this.send(res, 200, 'text/html; charset=utf-8', CHALLENGE_HTML);
    const complete = /^\/3ds\/(pi_[a-z0-9]+)\/complete$/.exec(url.pathname);
    if (method === 'POST' && complete) {
      const form = new URLSearchParams(raw);
      this.authenticate(complete[1]!, form.get('result') === 'approve');
      return this.send(res, 200, 'application/json', '{"ok":true}', cors);
    }
    if (url.pathname === '/_fake/calls')
      return this.send(res, 200, 'application/json', JSON.stringify(this.calls));
    if (url.pathname === '/_fake/intents')
      return this.send(res, 200, 'application/json', JSON.stringify(this.allIntents()));
    if (url.pathname === '/_fake/webhooks')
      return this.send(res, 200, 'application/json', JSON.stringify(this.webhooks));
    if (!url.pathname.startsWith('/v1/')) return this.send(res, 404, 'text/plain', 'Not found');

    const form = new URLSearchParams(method === 'GET' ? url.search : raw);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const key = bearer ?? form.get('key') ?? undefined;
    const auth: RecordedCall['auth'] =
      key === this.secretKey ? 'secret' : key === this.publishableKey ? 'publishable' : 'none';
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    const params: Record<string, string> = {};
    for (const [k, v] of form)
      if (!/\[(number|cvc|exp_month|exp_year)\]$/.test(k) && k !== 'key') params[k] = v;
    const call: RecordedCall = {
      method,
      path: url.pathname,
      auth,
      idempotencyKey,
      replayed: false,
      params,
    };
    this.calls.push(call);
    const answer = (status: number, body: Json, extra: Record<string, string> = {}) =>
      this.send(res, status, 'application/json', JSON.stringify(body), {
        ...cors,
        'request-id': `req_${randomBytes(7).toString('hex')}`,
        ...extra,
      });
    if (auth === 'none') {
      const e = error(401, 'invalid_request_error', 'Invalid API Key provided.');
      return answer(e.status, e.body);
    }
    if (method === 'POST' && idempotencyKey) {
      const hash = createHash('sha256').update(`${url.pathname}\n${raw}`).digest('hex');
      const seen = this.idempotent.get(`${key}:${idempotencyKey}`);
      if (seen && seen.hash !== hash) {
        const e = error(
          400,
          'idempotency_error',
          'Keys for idempotent requests can only be used with the same parameters they were first used with.',
        );
        return answer(e.status, e.body);
      }
      if (seen) {
        call.replayed = true;
        return answer(seen.status, seen.body, { 'idempotent-replayed': 'true' });
      }
      const result = this.route(method, url.pathname, form, auth);
      this.idempotent.set(`${key}:${idempotencyKey}`, { hash, ...result });
      return answer(result.status, result.body);
    }
    const result = this.route(method, url.pathname, form, auth);
    return answer(result.status, result.body);
  }

  private present(pi: Intent, form: URLSearchParams): Json {
    // Stripe accepts `expand[]=` and the SDK's indexed `expand[0]=`.
    const expand = [...form].filter(([k]) => /^expand\[\d*\]$/.test(k)).map(([, v]) => v);
    const out: Json = { ...pi };
    if (expand.includes('latest_charge') && pi.latest_charge)
      out.latest_charge = this.charges.get(pi.latest_charge) ?? null;
    return out;
  }

  private route(
    method: string,
    path: string,
    form: URLSearchParams,
    auth: 'secret' | 'publishable',
  ): { status: number; body: Json } {
    const secretOnly = () =>
      error(
        401,
        'invalid_request_error',
        'This API call cannot be made with a publishable API key. Please use a secret API key.',
      );
    if (method === 'POST' && path === '/v1/payment_intents') {
      if (auth !== 'secret') return secretOnly();
      const amount = Number(form.get('amount'));
      if (!Number.isInteger(amount) || amount < 1)
        return error(400, 'invalid_request_error', 'Invalid integer', {
          code: 'parameter_invalid_integer',
          param: 'amount',
        });
      const currency = form.get('currency');
      if (!currency || !/^[a-z]{3}$/.test(currency))
        return error(400, 'invalid_request_error', 'Missing required param: currency.', {
          code: 'parameter_missing',
          param: 'currency',
        });
      const id = `pi_${randomBytes(12).toString('hex')}`;
      const metadata: Record<string, string> = {};
      for (const [k, v] of form) {
        const m = /^metadata\[(.+)\]$/.exec(k);
        if (m) metadata[m[1]!] = v;
      }
      const pi: Intent = {
        id,
        object: 'payment_intent',
        amount,
        amount_received: 0,
        currency,
        status: 'requires_payment_method',
        capture_method: 'automatic',
        automatic_payment_methods:
          form.get('automatic_payment_methods[enabled]') === 'true' ? { enabled: true } : null,
        client_secret: `${id}_secret_${randomBytes(12).toString('hex')}`,
        description: form.get('description'),
        metadata,
        next_action: null,
        last_payment_error: null,
        latest_charge: null,
        payment_method: null,
        livemode: false,
        created: Math.floor(Date.now() / 1000),
      };
      this.intents.set(id, pi);
      return { status: 200, body: this.present(pi, form) };
    }
    const one = /^\/v1\/payment_intents\/(pi_[a-z0-9]+)(\/confirm|\/cancel)?$/.exec(path);
    const pi = one ? this.intents.get(one[1]!) : undefined;
    if (one && !pi)
      return error(404, 'invalid_request_error', `No such payment_intent: '${one[1]}'`, {
        code: 'resource_missing',
        param: 'intent',
      });
    // A publishable key sees an intent only with its client secret (as Stripe.js does).
    if (pi && auth === 'publishable' && form.get('client_secret') !== pi.client_secret)
      return error(404, 'invalid_request_error', `No such payment_intent: '${pi.id}'`, {
        code: 'resource_missing',
      });
    if (pi && method === 'GET' && !one?.[2]) return { status: 200, body: this.present(pi, form) };
    if (pi && method === 'POST' && one?.[2] === '/cancel') {
      if (auth !== 'secret') return secretOnly();
      if (
        !['requires_payment_method', 'requires_action', 'requires_confirmation'].includes(pi.status)
      )
        return error(
          400,
          'invalid_request_error',
          `You cannot cancel this PaymentIntent because it has a status of ${pi.status}.`,
          { code: 'payment_intent_unexpected_state', payment_intent: pi },
        );
      pi.status = 'canceled';
      this.emit('payment_intent.canceled', pi);
      return { status: 200, body: this.present(pi, form) };
    }
    if (pi && method === 'POST' && one?.[2] === '/confirm') return this.confirm(pi, form);
    const read = /^\/v1\/(charges|disputes)\/((?:ch|dp)_[a-z0-9]+)$/.exec(path);
    if (method === 'GET' && read) {
      if (auth !== 'secret') return secretOnly();
      const found =
        read[1] === 'charges' ? this.charges.get(read[2]!) : this.disputes.get(read[2]!);
      return found
        ? { status: 200, body: { ...found } }
        : error(404, 'invalid_request_error', `No such ${read[1]}: '${read[2]}'`, {
            code: 'resource_missing',
          });
    }
    if (method === 'POST' && path === '/v1/refunds') {
      if (auth !== 'secret') return secretOnly();
      const target = this.intents.get(form.get('payment_intent') ?? '');
      if (!target || target.status !== 'succeeded')
        return error(400, 'invalid_request_error', 'This charge cannot be refunded.', {
          code: 'charge_not_refundable',
        });
      const amount = Number(form.get('amount') ?? target.amount);
      this.refundCharge(target, amount);
      return {
        status: 200,
        body: {
          id: `re_${randomBytes(12).toString('hex')}`,
          object: 'refund',
          amount,
          currency: target.currency,
          payment_intent: target.id,
          charge: target.latest_charge,
          status: 'succeeded',
        },
      };
    }
    return error(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
  }

  /** `POST /v1/payment_intents/:id/confirm` from Stripe.js (publishable key + client secret). */
  private confirm(pi: Intent, form: URLSearchParams): { status: number; body: Json } {
    if (pi.status !== 'requires_payment_method' && pi.status !== 'requires_confirmation')
      return error(
        400,
        'invalid_request_error',
        `You cannot confirm this PaymentIntent because it has a status of ${pi.status}.`,
        { code: 'payment_intent_unexpected_state', payment_intent: pi },
      );
    const type = form.get('payment_method_data[type]') ?? 'card';
    const number = (form.get('payment_method_data[card][number]') ?? '').replace(/\D/g, '');
    const wallet = type === 'google_pay' || type === 'apple_pay';
    if (!wallet && number.length < 12)
      return error(402, 'card_error', 'Your card number is incomplete.', {
        code: 'incomplete_number',
      });
    pi.payment_method = `pm_${randomBytes(12).toString('hex')}`;
    pi.last_payment_error = null;
    const card = wallet
      ? { brand: 'visa', last4: '4242' }
      : { brand: brandOf(number), last4: number.slice(-4) };
    const decline = wallet ? undefined : DECLINES[number];
    if (decline) {
      pi.status = 'requires_payment_method';
      pi.last_payment_error = { type: 'card_error', ...decline };
      this.emit('payment_intent.payment_failed', pi);
      return error(402, 'card_error', decline.message, { ...decline, payment_intent: pi });
    }
    if (!wallet && THREE_D_SECURE.has(number)) {
      pi.status = 'requires_action';
      pi.next_action = {
        type: 'use_stripe_sdk',
        use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: `${this.url}/3ds/${pi.id}` },
      };
      this.pendingCard.set(pi.id, card);
      this.emit('payment_intent.requires_action', pi);
      return { status: 200, body: this.present(pi, form) };
    }
    if (this.holdProcessing) {
      // Like a bank debit: accepted, and only later paid or failed (finishProcessing).
      pi.status = 'processing';
      this.pendingCard.set(pi.id, card);
      this.emit('payment_intent.processing', pi);
      return { status: 200, body: this.present(pi, form) };
    }
    this.succeed(pi, card);
    return { status: 200, body: this.present(pi, form) };
  }

  /** Confirmed intents stay `processing` until finishProcessing (asynchronous payment methods). */
  holdProcessing = false;

  /** A `processing` intent ends: paid, or failed (`payment_intent.payment_failed`). */
  finishProcessing(id: string, paid: boolean): void {
    const pi = this.intents.get(id);
    if (pi?.status !== 'processing') throw new Error(`intent ${id} is not processing`);
    if (paid) return this.succeed(pi, this.pendingCard.get(id) ?? { brand: 'visa', last4: '4242' });
    pi.status = 'requires_payment_method';
    pi.last_payment_error = {
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'generic_decline',
      message: 'Your card was declined.',
    };
    this.emit('payment_intent.payment_failed', pi);
  }

  private readonly disputes = new Map<string, DisputeObject>();

  private chargeOf(intentId: string): ChargeObject {
    const pi = this.intents.get(intentId);
    const charge = pi?.latest_charge ? this.charges.get(pi.latest_charge) : undefined;
    if (!charge) throw new Error(`intent ${intentId} has no charge`);
    return charge;
  }

  private refundCharge(pi: Intent, amount: number): void {
    const charge = this.chargeOf(pi.id);
    charge.amount_refunded = Math.min(charge.amount, charge.amount_refunded + amount);
    charge.refunded = charge.amount_refunded === charge.amount;
    this.emit('charge.refunded', charge);
  }

  /** A refund made in Stripe's dashboard, outside Parley: only the webhook tells the vault. */
  refundInDashboard(intentId: string, amount: number): void {
    this.refundCharge(this.intents.get(intentId)!, amount);
  }

  /** The customer's bank opens a chargeback (`charge.dispute.created`). */
  openDispute(intentId: string, reason = 'fraudulent'): DisputeObject {
    const charge = this.chargeOf(intentId);
    charge.disputed = true;
    const dispute: DisputeObject = {
      id: `dp_${randomBytes(12).toString('hex')}`,
      object: 'dispute',
      amount: charge.amount,
      currency: charge.currency,
      charge: charge.id,
      payment_intent: intentId,
      reason,
      status: 'needs_response',
      livemode: false,
      created: Math.floor(Date.now() / 1000),
    };
    this.disputes.set(dispute.id, dispute);
    this.emit('charge.dispute.created', dispute);
    return dispute;
  }

  /** The bank decides (`charge.dispute.closed`). */
  closeDispute(id: string, status: 'won' | 'lost'): void {
    const dispute = this.disputes.get(id);
    if (!dispute) throw new Error(`no dispute ${id}`);
    dispute.status = status;
    this.emit('charge.dispute.closed', dispute);
  }

  /** A signed event as Stripe would send it, for a test to deliver itself (replays, order). */
  signedEvent(type: string, object: Json): { body: string; signature: string } {
    const body = JSON.stringify(this.event(type, object));
    return { body, signature: FakeStripe.signature(this.webhookSecret ?? '', body) };
  }

  private readonly pendingCard = new Map<string, { brand: string; last4: string }>();

  private succeed(pi: Intent, card: { brand: string; last4: string }): void {
    const charge: ChargeObject = {
      id: `ch_${randomBytes(12).toString('hex')}`,
      object: 'charge',
      amount: pi.amount,
      currency: pi.currency,
      status: 'succeeded',
      payment_intent: pi.id,
      payment_method_details: { type: 'card', card },
      amount_refunded: 0,
      refunded: false,
      disputed: false,
    };
    this.charges.set(charge.id, charge);
    pi.latest_charge = charge.id;
    pi.status = 'succeeded';
    pi.amount_received = pi.amount;
    pi.next_action = null;
    this.emit('payment_intent.succeeded', pi);
  }

  /** The customer's bank answers the 3-D Secure challenge. */
  authenticate(id: string, approve: boolean): void {
    const pi = this.intents.get(id);
    if (pi?.status !== 'requires_action') return;
    pi.next_action = null;
    if (approve)
      return this.succeed(pi, this.pendingCard.get(id) ?? { brand: 'visa', last4: '3184' });
    pi.status = 'requires_payment_method';
    pi.last_payment_error = {
      type: 'card_error',
      code: 'payment_intent_authentication_failure',
      message:
        'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
    };
    this.emit('payment_intent.payment_failed', pi);
  }

  /** Signs an event as Stripe does: v1 = HMAC-SHA256(secret, `${t}.${body}`). */
  static signature(
    secret: string,
    body: string,
    timestamp = Math.floor(Date.now() / 1000),
  ): string {
    const v1 = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    return `t=${timestamp},v1=${v1}`;
  }

  private event(type: string, object: object) {
    return {
      id: `evt_${randomBytes(12).toString('hex')}`,
      object: 'event',
      api_version: '2025-09-30.clover',
      created: Math.floor(Date.now() / 1000),
      type,
      livemode: false,
      pending_webhooks: 1,
      data: { object: { ...object } },
    };
  }

  private emit(type: string, object: Intent | ChargeObject | DisputeObject): void {
    if (!this.webhookUrl || !this.webhookSecret) return;
    const event = this.event(type, object);
    const body = JSON.stringify(event);
    const deliver = async (): Promise<void> => {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          const res = await fetch(this.webhookUrl!, {
            method: 'POST',
            headers: {
              'content-type': 'application/json; charset=utf-8',
              'stripe-signature': FakeStripe.signature(this.webhookSecret!, body),
            },
            body,
            signal: AbortSignal.timeout(5000),
          });
          this.webhooks.push({ eventId: event.id, type, status: res.status });
          if (res.ok) return;
        } catch {
          this.webhooks.push({ eventId: event.id, type, status: 0 });
        }
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
      }
    };
    const run = (async () => {
      await deliver();
      if (this.duplicateWebhooks) await deliver();
    })();
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }
}
