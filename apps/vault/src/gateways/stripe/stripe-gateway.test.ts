import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VALID_CARD, startTestVault } from '../../../test/harness';
import type { TestVault } from '../../../test/harness';
import { FakeStripe } from './fake-stripe';
import { StripeGateway } from './stripe-gateway';

const WEBHOOK_SECRET = 'whsec_test_0123456789abcdef';

describe('Stripe adapter against a local fake of the Stripe API', () => {
  let stripe: FakeStripe;
  let t: TestVault;
  beforeAll(async () => {
    stripe = new FakeStripe();
    await stripe.start();
    const gateway = new StripeGateway({ secretKey: 'sk_test_parley', apiBase: stripe.url });
    t = await startTestVault({
      gateway,
      config: {
        gateway: 'stripe',
        stripe: {
          secretKey: 'sk_test_parley',
          webhookSecret: WEBHOOK_SECRET,
          apiBase: stripe.url,
          publishableKey: undefined,
          jsUrl: 'https://js.stripe.com/v3/',
          rawCardSaqD: true,
        },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await stripe?.stop();
  });

  async function pay(number: string, cvc = '123') {
    const p = await t.createPayment({ amount: 2599, currency: 'gbp' });
    const o = await t.open(p.payUrl);
    const res = await t.page(p.id, o.cookie!, 'confirm', {
      ...VALID_CARD,
      number,
      cvc,
      idempotencyKey: `stripe-${p.id}`,
    });
    return { id: p.id, cookie: o.cookie!, res };
  }

  it('creates a PaymentMethod, confirms a manual-capture PaymentIntent, then captures', async () => {
    const before = stripe.calls.length;
    const { id, res } = await pay('4242424242424242');
    expect(res.body).toMatchObject({ status: 'succeeded', brand: 'visa', last4: '4242' });
    const calls = stripe.calls.slice(before);
    expect(calls.map((c) => `${c.method} ${c.path.replace(/pi_[0-9a-f]+/, 'pi_X')}`)).toEqual([
      'POST /v1/payment_methods',
      'POST /v1/payment_intents',
      'POST /v1/payment_intents/pi_X/capture',
    ]);
    expect(calls[0]!.authorization).toBe('Bearer sk_test_parley');
    const create = calls[1]!.form;
    expect(create.get('amount')).toBe('2599');
    expect(create.get('currency')).toBe('gbp');
    expect(create.get('capture_method')).toBe('manual');
    expect(create.get('confirm')).toBe('true');
    expect(create.get('metadata[parley_payment_id]')).toBe(id);
    expect(create.get('return_url')).toMatch(
      new RegExp(`^${t.url}/pay/p/${id}/return\\?rt=[\\w-]{43}$`),
    );
    for (const c of calls) expect(c.idempotencyKey).toBeTruthy();
    const payment = (await t.api('GET', `/v1/payment-requests/${id}`)).body;
    expect(payment.gatewayReference).toMatch(/^pi_/);
  });

  it.each([
    ['4000000000000002', 'card_declined'],
    ['4000000000009995', 'insufficient_funds'],
    ['4000000000000069', 'expired_card'],
    ['4000000000000127', 'incorrect_cvc'],
    ['4000000000000119', 'processing_error'],
  ])('maps the Stripe card error for %s to %s', async (number, code) => {
    const { res } = await pay(number);
    expect(res.body).toMatchObject({ status: 'failed', failureCode: code });
  });

  it('hands a 3-D Secure redirect to the page, and finishes from the return URL', async () => {
    const { id, res } = await pay('4000002760003184');
    expect(res.body.status).toBe('requires_action');
    expect(res.body.action).toMatchObject({ type: 'redirect' });
    expect(res.body.action!.url).toMatch(/^https:\/\/hooks\.stripe\.com\//);
    const ref = (await t.api('GET', `/v1/payment-requests/${id}`)).body.gatewayReference as string;
    stripe.authenticate(ref, true);
    const returnUrl = stripe.calls
      .findLast((c) => c.form.has('return_url'))!
      .form.get('return_url')!;
    // Regression (issue 10 finding 9): without the token the return does nothing.
    const anonymous = await fetch(`${t.url}/pay/p/${id}/return?payment_intent=${ref}`);
    expect(anonymous.status).toBe(401);
    expect((await t.api('GET', `/v1/payment-requests/${id}`)).body.status).toBe('requires_action');
    const back = await fetch(`${returnUrl}&payment_intent=${ref}`);
    expect(back.status).toBe(200);
    expect((await t.api('GET', `/v1/payment-requests/${id}`)).body.status).toBe('succeeded');
  });

  it('finishes a 3-D Secure payment from a signed webhook and refuses a badly signed one', async () => {
    const { id } = await pay('4000002760003184');
    const ref = (await t.api('GET', `/v1/payment-requests/${id}`)).body.gatewayReference as string;
    stripe.authenticate(ref, false);
    const payload = JSON.stringify({
      id: 'evt_1',
      object: 'event',
      type: 'payment_intent.payment_failed',
      data: { object: { id: ref, object: 'payment_intent' } },
    });
    const forged = await fetch(`${t.url}/webhooks/stripe`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`,
      },
      body: payload,
    });
    expect(forged.status).toBe(401);
    expect((await t.api('GET', `/v1/payment-requests/${id}`)).body.status).toBe('requires_action');
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const ok = await fetch(`${t.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': header },
      body: payload,
    });
    expect(ok.status).toBe(200);
    expect((await t.api('GET', `/v1/payment-requests/${id}`)).body).toMatchObject({
      status: 'failed',
      failureCode: 'authentication_failed',
    });
  });

  it('refunds through the Refunds API', async () => {
    const { id } = await pay('5555555555554444');
    const res = await t.api('POST', `/v1/payment-requests/${id}/refunds`, {
      amount: 599,
      idempotencyKey: 'stripe-refund-1',
    });
    expect(res.status).toBe(201);
    expect(res.body.refund).toMatchObject({ amount: 599, status: 'succeeded' });
    const call = stripe.calls.at(-1)!;
    expect(call.path).toBe('/v1/refunds');
    expect(call.form.get('amount')).toBe('599');
    expect(call.form.get('payment_intent')).toMatch(/^pi_/);
  });
});
