/**
 * Stripe's hosted Payment Element against the fake Stripe (apps/vault/test/fake-stripe):
 * the vault creates the intent for the stored amount, the "browser" confirms at the
 * processor with the publishable key, and the vault learns the outcome by retrieving
 * the intent and from signed webhooks, each event applied once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeStripe } from '../../../test/fake-stripe/server';
import { startTestVault, type TestVault } from '../../../test/harness';
import { StripeHostedGateway } from './hosted-gateway';

const WEBHOOK_SECRET = 'whsec_hosted_test_0123456789';

describe('Stripe hosted Payment Element (SAQ A)', () => {
  let stripe: FakeStripe;
  let t: TestVault;
  beforeAll(async () => {
    stripe = new FakeStripe();
    await stripe.start();
    const gateway = new StripeHostedGateway({
      secretKey: stripe.secretKey,
      publishableKey: stripe.publishableKey,
      jsUrl: `${stripe.url}/v3/`,
      apiBase: stripe.url,
    });
    t = await startTestVault({
      gateway,
      config: {
        gateway: 'stripe',
        stripe: {
          secretKey: stripe.secretKey,
          webhookSecret: WEBHOOK_SECRET,
          apiBase: stripe.url,
          publishableKey: stripe.publishableKey,
          jsUrl: `${stripe.url}/v3/`,
          rawCardSaqD: false,
        },
      },
    });
    stripe.webhookUrl = `${t.url}/webhooks/stripe`;
    stripe.webhookSecret = WEBHOOK_SECRET;
  });
  afterAll(async () => {
    await t?.close();
    await stripe?.stop();
  });

  /** What Stripe.js does in the Payment Element's iframe: confirm at Stripe, not at the vault. */
  async function confirmAtStripe(clientSecret: string, number: string) {
    const id = clientSecret.split('_secret_')[0]!;
    const body = new URLSearchParams({
      key: stripe.publishableKey,
      client_secret: clientSecret,
      'payment_method_data[type]': 'card',
      'payment_method_data[card][number]': number,
      'payment_method_data[card][exp_month]': '12',
      'payment_method_data[card][exp_year]': '34',
      'payment_method_data[card][cvc]': '123',
    });
    return fetch(`${stripe.url}/v1/payment_intents/${id}/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
  }

  async function openAttempt(amount = 2599, currency = 'GBP') {
    const p = await t.createPayment({ amount, currency });
    const o = await t.open(p.payUrl);
    const key = `attempt-${p.id}-1`;
    const intent = await t.page(p.id, o.cookie!, 'intent', { idempotencyKey: key });
    return { id: p.id, cookie: o.cookie!, key, intent };
  }

  it('creates the PaymentIntent for the stored amount with an idempotency key; the same key is the same intent', async () => {
    const before = stripe.calls.length;
    const { id, cookie, key, intent } = await openAttempt(2599, 'GBP');
    expect(intent.status).toBe(200);
    const secret = intent.body.clientSecret as string;
    expect(secret).toMatch(/^pi_[a-z0-9]+_secret_/);
    const create = stripe.calls.slice(before).find((c) => c.path === '/v1/payment_intents')!;
    expect(create.auth).toBe('secret');
    expect(create.idempotencyKey).toMatch(/^parley-intent-ch_/);
    expect(create.params).toMatchObject({
      amount: '2599',
      currency: 'gbp',
      'automatic_payment_methods[enabled]': 'true',
      'metadata[parley_payment_id]': id,
      'metadata[parley_attempt]': '1',
    });
    const again = await t.page(id, cookie, 'intent', { idempotencyKey: key });
    expect(again.body.clientSecret).toBe(secret);
    expect(stripe.calls.at(-1)?.replayed).toBe(true);
    expect(stripe.allIntents().filter((pi) => pi.metadata.parley_payment_id === id)).toHaveLength(
      1,
    );
    // An amount from the browser is refused, not used.
    const tampered = await t.page(id, cookie, 'intent', {
      idempotencyKey: 'other-key-1',
      amount: 1,
    });
    expect(tampered.status).toBe(400);
  });

  it('learns success from the intent and from the signed webhook (delivered twice, applied once)', async () => {
    const { id, cookie, intent } = await openAttempt(1000, 'EUR');
    expect((await confirmAtStripe(intent.body.clientSecret as string, '4242424242424242')).ok).toBe(
      true,
    );
    await t.server.waitFor((events) =>
      events.some((e) => e.payment.id === id && e.payment.status === 'succeeded'),
    );
    const synced = await t.page(id, cookie, 'sync', {});
    expect(synced.body).toMatchObject({ status: 'succeeded', brand: 'visa', last4: '4242' });
    const payment = (await t.api('GET', `/v1/payment-requests/${id}`)).body;
    expect(payment.gatewayReference).toMatch(/^pi_/);
    const succeeded = t.server.events.filter(
      (e) => e.payment.id === id && e.payment.status === 'succeeded',
    );
    expect(succeeded).toHaveLength(1);
  });

  it('after a decline a new attempt cancels the old intent and pays with another card', async () => {
    const { id, cookie, intent } = await openAttempt(700, 'EUR');
    expect(
      (await confirmAtStripe(intent.body.clientSecret as string, '4000000000000002')).status,
    ).toBe(402);
    const failed = await t.page(id, cookie, 'sync', {});
    expect(failed.body).toMatchObject({ status: 'failed', canRetry: true, attempts: 1 });
    const second = await t.page(id, cookie, 'intent', { idempotencyKey: `attempt-${id}-2` });
    expect(second.status).toBe(200);
    expect((await confirmAtStripe(second.body.clientSecret as string, '4242424242424242')).ok).toBe(
      true,
    );
    const paid = await t.page(id, cookie, 'sync', {});
    expect(paid.body).toMatchObject({ status: 'succeeded', attempts: 2 });
    const intents = stripe.allIntents().filter((pi) => pi.metadata.parley_payment_id === id);
    expect(intents.map((pi) => pi.status).sort()).toEqual(['canceled', 'succeeded']);
    // No third attempt on a paid request.
    const third = await t.page(id, cookie, 'intent', { idempotencyKey: `attempt-${id}-3` });
    expect(third.status).toBe(409);
  });

  /** A paid request: its id, the intent and the vault's record once the server was told. */
  async function paid(amount: number) {
    const { id, cookie, intent } = await openAttempt(amount, 'EUR');
    const secret = intent.body.clientSecret as string;
    expect((await confirmAtStripe(secret, '4242424242424242')).ok).toBe(true);
    await t.page(id, cookie, 'sync', {});
    await t.server.waitFor((events) =>
      events.some((e) => e.payment.id === id && e.payment.status === 'succeeded'),
    );
    return { id, cookie, intentId: secret.split('_secret_')[0]! };
  }
  const record = async (id: string) => (await t.api('GET', `/v1/payment-requests/${id}`)).body;
  /** Waits until the vault's record matches (webhooks arrive asynchronously). */
  async function until(id: string, expected: Record<string, unknown>) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const body = await record(id);
      const matches = Object.entries(expected).every(([k, v]) => body[k] === v);
      if (matches) return body;
      if (Date.now() > deadline) throw new Error(`record never matched: ${JSON.stringify(body)}`);
      await new Promise((r) => setImmediate(r));
    }
  }
  const webhooksSettled = () => stripe.idle();

  it('a refund made in Stripe’s dashboard reaches the record through charge.refunded, once', async () => {
    const { id, intentId } = await paid(3000);
    stripe.refundInDashboard(intentId, 1200);
    const refunded = await until(id, { amountRefunded: 1200 });
    expect(refunded).toMatchObject({ status: 'succeeded', refundStatus: 'partially_refunded' });
    // Parley's own refund of the rest: Stripe reports the total, nothing is counted twice.
    const rest = await t.api('POST', `/v1/payment-requests/${id}/refunds`, {
      idempotencyKey: `refund-rest-${id}`,
    });
    expect(rest.status).toBe(201);
    const done = await until(id, { amountRefunded: 3000 });
    expect(done.refundStatus).toBe('refunded');
    await webhooksSettled();
    expect((await record(id)).amountRefunded).toBe(3000);
    const calls = stripe.calls.filter((c) => c.path.startsWith('/v1/charges/'));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.auth === 'secret')).toBe(true);
  });

  it('a chargeback makes the payment disputed (with the reason), a won dispute paid again; a lost one stays disputed', async () => {
    const won = await paid(3100);
    const dispute = stripe.openDispute(won.intentId, 'fraudulent');
    const disputed = await until(won.id, { status: 'disputed' });
    expect(disputed.failureCode).toBe('dispute_open');
    expect(disputed.failureMessage).toContain('Reason: fraudulent.');
    stripe.closeDispute(dispute.id, 'won');
    await until(won.id, { status: 'succeeded', failureCode: null });

    const lost = await paid(3200);
    const second = stripe.openDispute(lost.intentId, 'product_not_received');
    await until(lost.id, { status: 'disputed' });
    stripe.closeDispute(second.id, 'lost');
    const final = await until(lost.id, { failureCode: 'dispute_lost' });
    expect(final.status).toBe('disputed');
    await webhooksSettled();
    // A late, validly signed "created" for the same dispute reads it back from Stripe: still lost.
    const late = stripe.signedEvent('charge.dispute.created', { id: second.id });
    const res = await fetch(`${t.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': late.signature },
      body: late.body,
    });
    expect(res.status).toBe(200);
    expect(await record(lost.id)).toMatchObject({
      status: 'disputed',
      failureCode: 'dispute_lost',
      version: final.version,
    });
    const events = t.server.events.filter((e) => e.payment.id === lost.id);
    expect(events.filter((e) => e.payment.failureCode === 'dispute_lost')).toHaveLength(1);
  });

  it('a payment still processing is not paid; payment_intent.payment_failed after processing fails it with the reason', async () => {
    stripe.holdProcessing = true;
    try {
      const { id, cookie, intent } = await openAttempt(3300, 'EUR');
      const secret = intent.body.clientSecret as string;
      expect((await confirmAtStripe(secret, '4242424242424242')).ok).toBe(true);
      const pending = await t.page(id, cookie, 'sync', {});
      expect(pending.body.status).toBe('opened');
      stripe.finishProcessing(secret.split('_secret_')[0]!, false);
      const failed = await until(id, { status: 'failed' });
      expect(failed).toMatchObject({
        failureCode: 'card_declined',
        failureMessage: 'The card was declined.',
      });
      expect(
        t.server.events.some((e) => e.payment.id === id && e.payment.status === 'succeeded'),
      ).toBe(false);
    } finally {
      stripe.holdProcessing = false;
    }
  });

  it('refuses a webhook with a bad or stale signature', async () => {
    const body = JSON.stringify({
      id: 'evt_x',
      type: 'payment_intent.succeeded',
      data: { object: {} },
    });
    const post = (signature: string) =>
      fetch(`${t.url}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body,
      });
    expect((await post(FakeStripe.signature('whsec_wrong', body))).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 301;
    expect((await post(FakeStripe.signature(WEBHOOK_SECRET, body, stale))).status).toBe(401);
    expect((await post(FakeStripe.signature(WEBHOOK_SECRET, body))).status).toBe(200);
  });
});
