/**
 * Braintree Hosted Fields against the fake Braintree (apps/vault/test/fake-braintree),
 * through the official server SDK: the vault makes a client token, the "browser"
 * tokenises the card at the processor's client API (and runs 3-D Secure there), the
 * vault spends the nonce in a sale for the stored amount, and settlement webhooks
 * signed with Braintree's scheme are applied once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBraintree, CHALLENGE_CARD } from '../../../test/fake-braintree/server';
import { DIALECTS, startTestVault, type TestVault } from '../../../test/harness';
import { BraintreeHostedGateway, braintreeCsp, fromDecimal, toDecimal } from './braintree-gateway';

const CARD_DIGITS = ['4111111111111111', '4242424242424242', '4000111111111115', CHALLENGE_CARD];

describe('Braintree amounts in ISO 4217 minor units', () => {
  it('writes and reads decimal strings with the currency’s own digits', () => {
    expect(toDecimal(2599, 'EUR')).toBe('25.99');
    expect(toDecimal(5, 'EUR')).toBe('0.05');
    expect(toDecimal(1200, 'JPY')).toBe('1200');
    expect(toDecimal(1250, 'KWD')).toBe('1.250');
    expect(fromDecimal('25.99', 'EUR')).toBe(2599);
    expect(fromDecimal('1.250', 'KWD')).toBe(1250);
    expect(fromDecimal('1200', 'JPY')).toBe(1200);
    expect(fromDecimal('12.5', 'JPY')).toBeNaN();
  });

  it('allows exactly Braintree’s origins in production, or only the fake’s in tests', () => {
    const base = {
      merchantId: 'm',
      publicKey: 'p',
      privateKey: 'k',
      merchantAccounts: {},
      threeDSecure: true,
      jsUrl: 'https://js.braintreegateway.com/web/3.144.0/js/client.min.js',
    };
    const live = braintreeCsp({ ...base, environment: 'production' });
    expect(live.script).toContain('https://js.braintreegateway.com');
    expect(live.connect).toContain('https://api.braintreegateway.com');
    expect(live.connect.join(' ')).not.toContain('sandbox');
    const sandbox = braintreeCsp({ ...base, environment: 'sandbox' });
    expect(sandbox.connect).toContain('https://api.sandbox.braintreegateway.com');
    const fake = braintreeCsp({
      ...base,
      environment: 'sandbox',
      jsUrl: 'http://127.0.0.1:9/web/3.144.0/js/client.min.js',
      apiUrl: 'http://127.0.0.1:9',
    });
    expect(fake).toEqual({
      script: ['http://127.0.0.1:9'],
      frame: ['http://127.0.0.1:9'],
      connect: ['http://127.0.0.1:9'],
    });
  });
});

for (const { name, dialect, skip } of DIALECTS)
  describe.skipIf(skip)(`Braintree Hosted Fields (SAQ A) on ${name}`, () => {
    let bt: FakeBraintree;
    let t: TestVault;
    beforeAll(async () => {
      bt = new FakeBraintree();
      bt.merchantAccounts.set('parley_gbp', 'GBP');
      await bt.start();
      const options = {
        environment: 'sandbox' as const,
        merchantId: bt.merchantId,
        publicKey: bt.publicKey,
        privateKey: bt.privateKey,
        merchantAccounts: { EUR: 'parley_eur', GBP: 'parley_gbp' },
        threeDSecure: true,
        jsUrl: `${bt.url}/web/3.144.0/js/client.min.js`,
        apiUrl: bt.url,
        timeoutMs: 5000,
      };
      t = await startTestVault({
        dialect,
        gateway: new BraintreeHostedGateway(options),
        config: {
          gateway: 'braintree',
          braintree: { ...options, apiUrl: bt.url },
        },
      });
      bt.webhookUrl = `${t.url}/webhooks/braintree`;
    });
    afterAll(async () => {
      await t?.close();
      await bt?.stop();
    });

    interface Answer {
      creditCards: { nonce: string }[];
      paymentMethod: { nonce: string };
      lookup: { acsUrl: string | null };
    }
    /** What Hosted Fields and threeDSecure.verifyCard do in the browser: talk to Braintree, not the vault. */
    async function tokenize(clientToken: string, number: string, challenge?: boolean) {
      const token = JSON.parse(Buffer.from(clientToken, 'base64').toString()) as {
        clientApiUrl: string;
        authorizationFingerprint: string;
      };
      const post = async (path: string, body: Record<string, unknown>) => {
        const res = await fetch(`${token.clientApiUrl}/v1/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            ...body,
            authorizationFingerprint: token.authorizationFingerprint,
          }),
        });
        return (await res.json()) as Answer;
      };
      const card = await post('payment_methods/credit_cards', {
        creditCard: { number, expirationDate: '12/34', cvv: '123' },
      });
      const first = card.creditCards[0]!.nonce;
      const lookup = await post(`payment_methods/${first}/three_d_secure/lookup`, { amount: '1' });
      let nonce = lookup.paymentMethod.nonce;
      if (lookup.lookup.acsUrl) {
        const answered = await fetch(`${bt.url}/3ds/answer`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ nonce, approve: challenge === true }),
        });
        nonce = ((await answered.json()) as { paymentMethod: { nonce: string } }).paymentMethod
          .nonce;
      }
      return nonce;
    }

    async function openAttempt(amount = 2599, currency = 'EUR', n = 1) {
      const p = await t.createPayment({ amount, currency });
      const o = await t.open(p.payUrl);
      const key = `attempt-${p.id}-${n}`;
      const intent = await t.page(p.id, o.cookie!, 'intent', { idempotencyKey: key });
      return { id: p.id, cookie: o.cookie!, key, intent };
    }

    it('makes a client token for the currency’s merchant account; the same key is the same attempt; the browser cannot set an amount', async () => {
      const before = bt.calls.length;
      const { id, cookie, key, intent } = await openAttempt(2599, 'GBP');
      expect(intent.status).toBe(200);
      expect(intent.body.view).toMatchObject({
        processor: { type: 'braintree', threeDSecure: true },
      });
      const made = bt.calls.slice(before).find((c) => c.path.endsWith('/client_token'))!;
      expect(made.auth).toBe('private');
      expect(made.apiVersion).toBe('6');
      expect(made.body).toMatchObject({ client_token: { merchant_account_id: 'parley_gbp' } });
      const again = await t.page(id, cookie, 'intent', { idempotencyKey: key });
      expect(again.status).toBe(200);
      expect(again.body.view).toMatchObject({ attempts: 1 });
      const nonce = await tokenize(intent.body.clientSecret as string, '4111111111111111');
      const sales = bt.allTransactions().length;
      const tampered = await t.page(id, cookie, 'nonce', { idempotencyKey: key, nonce, amount: 1 });
      expect(tampered.status).toBe(400);
      expect(bt.allTransactions()).toHaveLength(sales);
    });

    it('pays: one sale for the stored amount with the nonce; a repeat answers the same result without a second sale', async () => {
      const { id, cookie, key, intent } = await openAttempt(2599, 'EUR');
      const nonce = await tokenize(intent.body.clientSecret as string, '4111111111111111');
      const before = bt.calls.length;
      const paid = await t.page(id, cookie, 'nonce', { idempotencyKey: key, nonce });
      expect(paid.status).toBe(200);
      expect(paid.body).toMatchObject({ status: 'succeeded', brand: 'visa', last4: '1111' });
      const sale = bt.calls.slice(before).find((c) => c.path.endsWith('/transactions'))!;
      expect(sale.auth).toBe('private');
      expect(sale.body).toMatchObject({
        transaction: {
          type: 'sale',
          amount: '25.99',
          payment_method_nonce: nonce,
          merchant_account_id: 'parley_eur',
          options: { submit_for_settlement: true, three_d_secure: { required: true } },
        },
      });
      const again = await t.page(id, cookie, 'nonce', { idempotencyKey: key, nonce });
      expect(again.body).toMatchObject({ status: 'succeeded' });
      const sales = bt.allTransactions().filter((tx) => tx.amount === '25.99');
      expect(sales).toHaveLength(1);
      await t.server.waitFor((events) =>
        events.some((e) => e.payment.id === id && e.payment.status === 'succeeded'),
      );
      const payment = (await t.api('GET', `/v1/payment-requests/${id}`)).body;
      expect(payment.gatewayReference).toBe(sales[0]!.id);
    });

    it('after a decline the customer tries again as a new attempt and pays with another card', async () => {
      const { id, cookie, key, intent } = await openAttempt(700, 'EUR');
      const bad = await tokenize(intent.body.clientSecret as string, '4000111111111115');
      const failed = await t.page(id, cookie, 'nonce', { idempotencyKey: key, nonce: bad });
      expect(failed.body).toMatchObject({
        status: 'failed',
        failureCode: 'card_declined',
        canRetry: true,
        attempts: 1,
      });
      const second = await t.page(id, cookie, 'intent', { idempotencyKey: `${key}-retry` });
      expect(second.status).toBe(200);
      const good = await tokenize(second.body.clientSecret as string, '4242424242424242');
      const paid = await t.page(id, cookie, 'nonce', {
        idempotencyKey: `${key}-retry`,
        nonce: good,
      });
      expect(paid.body).toMatchObject({ status: 'succeeded', attempts: 2, last4: '4242' });
      const third = await t.page(id, cookie, 'intent', { idempotencyKey: `${key}-3` });
      expect(third.status).toBe(409);
    });

    it('3-D Secure: an approved challenge pays, a failed one is refused by Braintree and recorded', async () => {
      const ok = await openAttempt(1500, 'EUR');
      const approved = await tokenize(ok.intent.body.clientSecret as string, CHALLENGE_CARD, true);
      const paid = await t.page(ok.id, ok.cookie, 'nonce', {
        idempotencyKey: ok.key,
        nonce: approved,
      });
      expect(paid.body).toMatchObject({ status: 'succeeded', last4: '1091' });
      const no = await openAttempt(1600, 'EUR');
      const denied = await tokenize(no.intent.body.clientSecret as string, CHALLENGE_CARD, false);
      const failed = await t.page(no.id, no.cookie, 'nonce', {
        idempotencyKey: no.key,
        nonce: denied,
      });
      expect(failed.body).toMatchObject({
        status: 'failed',
        failureCode: 'authentication_failed',
        canRetry: true,
      });
      const rejected = bt.allTransactions().find((tx) => tx.amount === '16.00')!;
      expect(rejected).toMatchObject({
        status: 'gateway_rejected',
        gatewayRejectionReason: 'three_d_secure',
      });
    });

    it('a lost sale answer is found again by the attempt’s order id, never charged twice', async () => {
      const { id, cookie, key, intent } = await openAttempt(1700, 'EUR');
      const nonce = await tokenize(intent.body.clientSecret as string, '4111111111111111');
      bt.failNextSaleAnswer = true;
      const lost = await t.page(id, cookie, 'nonce', { idempotencyKey: key, nonce });
      expect(lost.status).toBe(502);
      expect(lost.body.error.code).toBe('gateway_error');
      const retried = await t.page(id, cookie, 'nonce', { idempotencyKey: key, nonce });
      expect(retried.body).toMatchObject({ status: 'succeeded', last4: '1111' });
      expect(bt.allTransactions().filter((tx) => tx.amount === '17.00')).toHaveLength(1);
    });

    it('voids a sale in another currency than the request’s instead of keeping it', async () => {
      // The GBP request spent at an account that settles in EUR: a misconfigured merchant account.
      bt.merchantAccounts.set('parley_gbp', 'EUR');
      try {
        const { id, cookie, key, intent } = await openAttempt(1800, 'GBP');
        const nonce = await tokenize(intent.body.clientSecret as string, '4111111111111111');
        const res = await t.page(id, cookie, 'nonce', { idempotencyKey: key, nonce });
        expect(res.body).toMatchObject({ status: 'failed', failureCode: 'gateway_error' });
        expect(bt.allTransactions().find((tx) => tx.amount === '18.00')?.status).toBe('voided');
      } finally {
        bt.merchantAccounts.set('parley_gbp', 'GBP');
      }
    });

    it('applies a signed settlement webhook once although Braintree delivers it twice; refuses a bad signature', async () => {
      const { id, cookie, key, intent } = await openAttempt(1900, 'EUR');
      const nonce = await tokenize(intent.body.clientSecret as string, '4111111111111111');
      await t.page(id, cookie, 'nonce', { idempotencyKey: key, nonce });
      const tx = bt.allTransactions().find((x) => x.amount === '19.00')!;
      const before = bt.webhooks.length;
      await bt.settle(tx.id);
      const deliveries = bt.webhooks.slice(before);
      expect(deliveries.map((d) => d.status)).toEqual([200, 200]);
      const rows = await t.vault.context.store.db
        .selectFrom('processor_events')
        .selectAll()
        .where('processor', '=', 'braintree')
        .execute();
      expect(rows.filter((r) => r.type === 'transaction_settled')).toHaveLength(1);
      const succeeded = t.server.events.filter(
        (e) => e.payment.id === id && e.payment.status === 'succeeded',
      );
      expect(succeeded).toHaveLength(1);
      const forged = bt.notification('transaction_settled', tx);
      const post = (form: Record<string, string>) =>
        fetch(`${t.url}/webhooks/braintree`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(form).toString(),
        });
      const wrongKey = FakeBraintree.signature(
        bt.publicKey,
        'not-the-private-key',
        forged.bt_payload!,
      );
      expect((await post({ ...forged, bt_signature: wrongKey })).status).toBe(401);
      expect((await post({ bt_payload: forged.bt_payload! })).status).toBe(401);
      const stale = bt.notification(
        'transaction_settled',
        tx,
        new Date(Date.now() - 4 * 86_400_000),
      );
      expect((await post(stale)).status).toBe(401);
    });

    /** A paid Braintree request, its sale and what the vault and server know of it. */
    async function paid(amount: number) {
      const { id, cookie, key, intent } = await openAttempt(amount, 'EUR');
      const nonce = await tokenize(intent.body.clientSecret as string, '4111111111111111');
      await t.page(id, cookie, 'nonce', { idempotencyKey: key, nonce });
      const tx = bt.allTransactions().find((x) => x.amount === toDecimal(amount, 'EUR'))!;
      await t.server.waitFor((events) =>
        events.some((e) => e.payment.id === id && e.payment.status === 'succeeded'),
      );
      return { id, cookie, key, tx };
    }
    const statusesOf = (id: string) =>
      t.server.events.filter((e) => e.payment.id === id).map((e) => e.payment.status);

    // Regression (issue 16): a settlement declined after success was only logged; the record
    // stayed `succeeded` and the agent saw money that was never taken.
    it('a settlement declined after success turns the payment to failed, once, with the reason', async () => {
      const { id, cookie, key, tx } = await paid(2100);
      const before = bt.webhooks.length;
      await bt.settle(tx.id, true);
      expect(bt.webhooks.slice(before).map((d) => d.status)).toEqual([200, 200]);
      const payment = (await t.api('GET', `/v1/payment-requests/${id}`)).body;
      expect(payment).toMatchObject({
        status: 'failed',
        failureCode: 'settlement_declined',
        failureMessage: 'The card issuer declined the payment at settlement: no money was taken.',
        gatewayReference: tx.id,
      });
      await t.server.waitFor((events) =>
        events.some((e) => e.payment.id === id && e.payment.status === 'failed'),
      );
      const failedEvents = t.server.events.filter(
        (e) => e.payment.id === id && e.payment.status === 'failed',
      );
      expect(failedEvents).toHaveLength(1);
      expect((failedEvents[0]!.payment.attempts as unknown[])[0]).toMatchObject({
        status: 'failed',
        processor: 'braintree',
        merchantId: bt.merchantId,
        reference: tx.id,
        livemode: false,
      });
      // A replayed notification and the page's own check change nothing more.
      const replay = bt.notification('transaction_settlement_declined', tx);
      await fetch(`${t.url}/webhooks/braintree`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...replay, bt_payload: `${replay.bt_payload!}` }).toString(),
      });
      await t.page(id, cookie, 'sync', {});
      expect((await t.api('GET', `/v1/payment-requests/${id}`)).body.version).toBe(payment.version);
      // Not payable again from the same window: the agent sends a new request.
      const retry = await t.page(id, cookie, 'intent', { idempotencyKey: `${key}-again` });
      expect(retry.status).toBe(409);
    });

    it('a chargeback makes the payment disputed; a won dispute makes it paid again, a lost one stays disputed', async () => {
      const won = await paid(2200);
      const opened = await bt.openDispute(won.tx.id, 'fraud');
      let payment = (await t.api('GET', `/v1/payment-requests/${won.id}`)).body;
      expect(payment).toMatchObject({ status: 'disputed', failureCode: 'dispute_open' });
      expect(payment.failureMessage).toContain('Reason: fraud.');
      const version = payment.version as number;
      await bt.decideDispute(opened.id, 'won');
      payment = (await t.api('GET', `/v1/payment-requests/${won.id}`)).body;
      expect(payment).toMatchObject({
        status: 'succeeded',
        failureCode: null,
        version: version + 1,
      });
      // Delivered twice each: one change per state, in order.
      await t.server.waitFor((events) =>
        events.some((e) => e.payment.id === won.id && e.payment.version === version + 1),
      );
      expect(statusesOf(won.id).slice(-2)).toEqual(['disputed', 'succeeded']);

      const lost = await paid(2300);
      const second = await bt.openDispute(lost.tx.id, 'product_not_received');
      await bt.decideDispute(second.id, 'lost');
      payment = (await t.api('GET', `/v1/payment-requests/${lost.id}`)).body;
      expect(payment).toMatchObject({ status: 'disputed', failureCode: 'dispute_lost' });
      // A late "opened" (replayed by a test, signed) reads the dispute back: still lost.
      const late = bt.disputeNotification('dispute_opened', {
        ...second,
        status: 'open',
      });
      const res = await fetch(`${t.url}/webhooks/braintree`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(late).toString(),
      });
      expect(res.status).toBe(200);
      const after = (await t.api('GET', `/v1/payment-requests/${lost.id}`)).body;
      expect(after).toMatchObject({ status: 'disputed', failureCode: 'dispute_lost' });
      expect(after.version).toBe(payment.version);
      // A disputed payment cannot be refunded on top of the chargeback.
      const refund = await t.api('POST', `/v1/payment-requests/${lost.id}/refunds`, {
        idempotencyKey: `refund-${lost.id}`,
      });
      expect(refund.status).toBe(409);
    });

    it('sends Braintree no card data from the vault, and the vault logs none', () => {
      const fromVault = bt.calls.filter((c) => c.auth === 'private');
      expect(fromVault.length).toBeGreaterThan(5);
      for (const call of fromVault) {
        const text = JSON.stringify(call.body);
        expect(CARD_DIGITS.some((n) => text.includes(n))).toBe(false);
        expect(text).not.toContain('credit_card');
      }
      const logs = t.logs.join('');
      expect(CARD_DIGITS.some((n) => logs.includes(n))).toBe(false);
      expect(logs).not.toMatch(/tokencc_fake_/);
    });
  });
