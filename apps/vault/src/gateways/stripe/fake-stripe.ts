/**
 * A local HTTP server answering Stripe's real API shapes for exactly the calls
 * the adapter makes (form-encoded requests, JSON answers, error envelopes).
 * Test helper only: it stands in for the remote processor that cannot run here.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type Intent = {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  currency: string;
  status: string;
  capture_method: 'manual';
  payment_method: string;
  metadata: Record<string, string>;
  next_action: unknown;
  last_payment_error: unknown;
  latest_charge: string | null;
  description: string | null;
};

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
  '4000000000000119': {
    code: 'processing_error',
    message: 'An error occurred while processing your card.',
  },
};

export interface RecordedCall {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  form: URLSearchParams;
}

export class FakeStripe {
  calls: RecordedCall[] = [];
  private readonly methods = new Map<string, { number: string; last4: string; brand: string }>();
  private readonly intents = new Map<string, Intent>();
  private readonly idempotent = new Map<string, { status: number; body: string }>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8') || url.search);
        const key = req.headers['idempotency-key'] as string | undefined;
        this.calls.push({
          method: req.method ?? '',
          path: url.pathname,
          idempotencyKey: key,
          authorization: req.headers.authorization,
          form,
        });
        const replay = key ? this.idempotent.get(`${url.pathname}:${key}`) : undefined;
        const answer = replay ?? this.route(req.method ?? '', url.pathname, form);
        if (key && !replay) this.idempotent.set(`${url.pathname}:${key}`, answer);
        res
          .writeHead(answer.status, {
            'content-type': 'application/json',
            'request-id': `req_${randomBytes(6).toString('hex')}`,
          })
          .end(answer.body);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  /** Completes (or fails) the 3-D Secure step, as the customer's bank would. */
  authenticate(intentId: string, approve: boolean): void {
    const pi = this.intents.get(intentId);
    if (!pi) return;
    pi.next_action = null;
    if (approve) {
      pi.status = 'requires_capture';
      pi.amount_capturable = pi.amount;
    } else {
      pi.status = 'requires_payment_method';
      pi.last_payment_error = {
        type: 'card_error',
        code: 'payment_intent_authentication_failure',
        message: 'The provided PaymentMethod has failed authentication.',
      };
    }
  }

  private json(status: number, body: unknown) {
    return { status, body: JSON.stringify(body) };
  }

  private route(
    method: string,
    path: string,
    form: URLSearchParams,
  ): { status: number; body: string } {
    if (method === 'POST' && path === '/v1/payment_methods') {
      const number = form.get('card[number]') ?? '';
      const id = `pm_${randomBytes(8).toString('hex')}`;
      const brand = number.startsWith('4')
        ? 'visa'
        : number.startsWith('5')
          ? 'mastercard'
          : number.startsWith('3')
            ? 'amex'
            : 'discover';
      this.methods.set(id, { number, last4: number.slice(-4), brand });
      return this.json(200, {
        id,
        object: 'payment_method',
        type: 'card',
        card: {
          brand,
          last4: number.slice(-4),
          exp_month: Number(form.get('card[exp_month]')),
          exp_year: Number(form.get('card[exp_year]')),
          funding: 'credit',
        },
        billing_details: { name: form.get('billing_details[name]') },
        livemode: false,
      });
    }
    if (method === 'POST' && path === '/v1/payment_intents') {
      const pm = this.methods.get(form.get('payment_method') ?? '');
      if (!pm)
        return this.json(400, {
          error: {
            type: 'invalid_request_error',
            code: 'resource_missing',
            message: 'No such PaymentMethod',
          },
        });
      const id = `pi_${randomBytes(8).toString('hex')}`;
      const amount = Number(form.get('amount'));
      const pi: Intent = {
        id,
        object: 'payment_intent',
        amount,
        amount_capturable: 0,
        amount_received: 0,
        currency: form.get('currency') ?? '',
        status: 'requires_capture',
        capture_method: 'manual',
        payment_method: form.get('payment_method') ?? '',
        metadata: { parley_payment_id: form.get('metadata[parley_payment_id]') ?? '' },
        next_action: null,
        last_payment_error: null,
        latest_charge: `ch_${randomBytes(8).toString('hex')}`,
        description: form.get('description'),
      };
      this.intents.set(id, pi);
      const decline = DECLINES[pm.number];
      if (decline) {
        pi.status = 'requires_payment_method';
        pi.last_payment_error = { type: 'card_error', ...decline };
        return this.json(402, { error: { type: 'card_error', ...decline, payment_intent: pi } });
      }
      if (pm.number === '4000002760003184') {
        pi.status = 'requires_action';
        pi.next_action = {
          type: 'redirect_to_url',
          redirect_to_url: {
            url: `https://hooks.stripe.com/3d_secure_2/hosted?payment_intent=${id}`,
            return_url: form.get('return_url'),
          },
        };
        return this.json(200, pi);
      }
      pi.amount_capturable = amount;
      return this.json(200, pi);
    }
    const capture = /^\/v1\/payment_intents\/([^/]+)\/capture$/.exec(path);
    if (method === 'POST' && capture) {
      const pi = this.intents.get(capture[1]!);
      if (!pi || pi.status !== 'requires_capture')
        return this.json(400, {
          error: {
            type: 'invalid_request_error',
            code: 'payment_intent_unexpected_state',
            message: 'This PaymentIntent could not be captured.',
          },
        });
      pi.status = 'succeeded';
      pi.amount_received = Number(form.get('amount_to_capture') ?? pi.amount);
      pi.amount_capturable = 0;
      return this.json(200, pi);
    }
    const get = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
    if (method === 'GET' && get) {
      const pi = this.intents.get(get[1]!);
      return pi
        ? this.json(200, pi)
        : this.json(404, {
            error: {
              type: 'invalid_request_error',
              code: 'resource_missing',
              message: 'No such payment_intent',
            },
          });
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const pi = this.intents.get(form.get('payment_intent') ?? '');
      if (!pi || pi.status !== 'succeeded')
        return this.json(400, {
          error: {
            type: 'invalid_request_error',
            code: 'charge_not_refundable',
            message: 'This charge cannot be refunded.',
          },
        });
      return this.json(200, {
        id: `re_${randomBytes(8).toString('hex')}`,
        object: 'refund',
        amount: Number(form.get('amount')),
        currency: pi.currency,
        payment_intent: pi.id,
        status: 'succeeded',
        charge: pi.latest_charge,
      });
    }
    return this.json(404, {
      error: {
        type: 'invalid_request_error',
        message: `Unrecognized request URL (${method}: ${path})`,
      },
    });
  }
}
