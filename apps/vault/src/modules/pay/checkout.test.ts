import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, VALID_CARD, startTestVault } from '../../../test/harness';
import type { TestVault } from '../../../test/harness';
import type { TestGateway } from '../../gateways/test/test-gateway';

const card = (number: string, extra: Record<string, unknown> = {}) => ({
  ...VALID_CARD,
  number,
  idempotencyKey: `k-${Math.random().toString(36).slice(2)}`,
  ...extra,
});

for (const { name, dialect, skip } of DIALECTS) {
  describe.skipIf(skip)(`pay window on ${name}`, () => {
    let t: TestVault;
    let gw: TestGateway;
    beforeAll(async () => {
      t = await startTestVault({ dialect });
      gw = t.gateway as TestGateway;
    });
    afterAll(async () => t?.close());

    async function opened(overrides: Record<string, unknown> = {}) {
      const p = await t.createPayment(overrides);
      const o = await t.open(p.payUrl);
      expect(o.status).toBe(200);
      return { id: p.id, cookie: o.cookie!, payUrl: p.payUrl };
    }

    it('exchanges the link once for a strict HttpOnly session cookie and marks the request opened', async () => {
      const p = await t.createPayment();
      const first = await t.open(p.payUrl);
      expect(first.status).toBe(200);
      const setCookie = first.headers.get('set-cookie')!;
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Strict/i);
      expect(setCookie).toContain(`Path=/pay/p/${p.id}`);
      expect(first.html).toContain(`<meta name="parley-payment-id" content="${p.id}">`);
      const details = await t.page(p.id, first.cookie!, 'details');
      expect(details.body).toMatchObject({
        id: p.id,
        status: 'opened',
        amount: 1250,
        currency: 'EUR',
        merchantName: 'Acme Books',
        description: 'Order 1042',
      });
      await t.server.waitFor((e) =>
        e.some((x) => x.payment.id === p.id && x.payment.status === 'opened'),
      );
    });

    it('refuses a replayed pay link with a clear HTML page', async () => {
      const p = await t.createPayment();
      await t.open(p.payUrl);
      const again = await t.open(p.payUrl);
      expect(again.status).toBe(410);
      expect(again.headers.get('content-type')).toContain('text/html');
      expect(again.html).toContain('already been used');
      expect(again.html).not.toMatch(/at \w+ \(|Error:/);
      expect(again.cookie).toBeUndefined();
    });

    it('refuses an unknown link and a foreign payment id', async () => {
      const unknown = await t.open(`${t.url}/pay/${'A'.repeat(43)}`);
      expect(unknown.status).toBe(404);
      expect(unknown.html).toContain('not valid');
      const a = await opened();
      const b = await opened();
      // a's cookie is scoped to a; it does not open b.
      const foreign = await t.page(b.id, a.cookie, 'details');
      expect(foreign.status).toBe(401);
      expect(foreign.body.error.code).toBe('invalid_session');
      const reload = await fetch(`${t.url}/pay/p/${b.id}`, { headers: { cookie: a.cookie } });
      expect(reload.status).toBe(401);
      expect(await reload.text()).toContain('no longer valid');
      const ok = await fetch(`${t.url}/pay/p/${b.id}`, { headers: { cookie: b.cookie } });
      expect(ok.status).toBe(200);
    });

    it('charges the stored amount, ignoring an amount or currency sent by the browser', async () => {
      const { id, cookie } = await opened({ amount: 4999, currency: 'usd' });
      const res = await t.page(
        id,
        cookie,
        'confirm',
        card('4242424242424242', { amount: 1, currency: 'JPY' }),
      );
      expect(res.body).toMatchObject({
        status: 'succeeded',
        amount: 4999,
        currency: 'USD',
        brand: 'visa',
        last4: '4242',
      });
      expect(gw.lastAuthorized).toEqual({ amount: 4999, currency: 'USD' });
      const events = await t.server.waitFor((e) =>
        e.some((x) => x.payment.id === id && x.payment.status === 'succeeded'),
      );
      expect(
        events.find((x) => x.payment.id === id && x.payment.status === 'succeeded')!.payment,
      ).toMatchObject({
        amount: 4999,
        currency: 'USD',
        brand: 'visa',
        last4: '4242',
        gatewayReference: expect.stringMatching(/^test_ch_/) as unknown,
      });
    });

    it.each([
      ['5555555555554444', 'mastercard', '4444', '123'],
      ['378282246310005', 'amex', '0005', '1234'],
      ['6011111111111117', 'discover', '1117', '123'],
    ])('accepts the %s test card (%s)', async (number, brand, last4, cvc) => {
      const { id, cookie } = await opened();
      const res = await t.page(id, cookie, 'confirm', card(number, { cvc }));
      expect(res.body).toMatchObject({ status: 'succeeded', brand, last4 });
    });

    it.each([
      ['4000000000000002', 'card_declined'],
      ['4000000000009995', 'insufficient_funds'],
      ['4000000000000069', 'expired_card'],
      ['4000000000000127', 'incorrect_cvc'],
      ['4000000000000119', 'processing_error'],
    ])('fails the %s test card with %s', async (number, code) => {
      const { id, cookie } = await opened();
      const res = await t.page(id, cookie, 'confirm', card(number));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'failed',
        failureCode: code,
        last4: number.slice(-4),
      });
      expect(res.body.failureMessage).toEqual(expect.any(String));
      await t.server.waitFor((e) =>
        e.some(
          (x) =>
            x.payment.id === id && x.payment.status === 'failed' && x.payment.failureCode === code,
        ),
      );
    });

    it('runs the 3-D Secure challenge: approve succeeds', async () => {
      const { id, cookie } = await opened();
      const res = await t.page(id, cookie, 'confirm', card('4000002760003184'));
      expect(res.body).toMatchObject({ status: 'requires_action', action: { type: 'challenge' } });
      await t.server.waitFor((e) =>
        e.some((x) => x.payment.id === id && x.payment.status === 'requires_action'),
      );
      const done = await t.page(id, cookie, 'challenge', { approve: true });
      expect(done.body).toMatchObject({ status: 'succeeded', action: null });
    });

    it('regression (issue 10 finding 9): an anonymous return cannot settle a pending 3-D Secure payment', async () => {
      const { id, cookie } = await opened();
      await t.page(id, cookie, 'confirm', card('4000002760003184'));
      for (const path of [`/pay/p/${id}/return`, `/pay/p/${id}/return?rt=${'A'.repeat(43)}`]) {
        const res = await fetch(`${t.url}${path}`);
        expect(res.status).toBe(401);
      }
      expect((await t.page(id, cookie, 'details')).body).toMatchObject({
        status: 'requires_action',
      });
      // An unknown payment answers the same as one without the session.
      expect((await fetch(`${t.url}/pay/p/pay_unknown/return`)).status).toBe(401);
      const done = await t.page(id, cookie, 'challenge', { approve: true });
      expect(done.body).toMatchObject({ status: 'succeeded' });
    });

    it('runs the 3-D Secure challenge: deny fails', async () => {
      const { id, cookie } = await opened();
      await t.page(id, cookie, 'confirm', card('4000002760003184'));
      const done = await t.page(id, cookie, 'challenge', { approve: false });
      expect(done.body).toMatchObject({ status: 'failed', failureCode: 'authentication_failed' });
    });

    it('refuses an expired request, at the link and at confirm', async () => {
      const short = await startTestVault({ dialect, requestTtlSeconds: 1 });
      try {
        const p = await short.createPayment();
        const early = await short.createPayment();
        const o = await short.open(early.payUrl);
        await new Promise((r) => setTimeout(r, 1200));
        const late = await short.open(p.payUrl);
        expect(late.status).toBe(410);
        expect(late.html).toContain('expired');
        const res = await short.page(early.id, o.cookie!, 'confirm', card('4242424242424242'));
        expect(res.status).toBe(410);
        expect(res.body.error.code).toBe('payment_expired');
        expect((await short.api('GET', `/v1/payment-requests/${p.id}`)).body.status).toBe(
          'expired',
        );
        await short.server.waitFor((e) =>
          e.some((x) => x.payment.id === p.id && x.payment.status === 'expired'),
        );
      } finally {
        await short.close();
      }
    });

    it('charges once on a double submit with the same idempotency key', async () => {
      const { id, cookie } = await opened();
      const before = gw.stats.authorizeCalls;
      const body = card('4242424242424242');
      const [a, b] = await Promise.all([
        t.page(id, cookie, 'confirm', body),
        t.page(id, cookie, 'confirm', body),
      ]);
      expect(a.body.status).toBe('succeeded');
      expect(b.body.status).toBe('succeeded');
      const third = await t.page(id, cookie, 'confirm', body);
      expect(third.body.status).toBe('succeeded');
      expect(gw.stats.authorizeCalls - before).toBe(1);
    });

    it('charges once under concurrent confirmations with different keys', async () => {
      const { id, cookie } = await opened();
      const before = gw.stats.authorizeCalls;
      const results = await Promise.all(
        Array.from({ length: 6 }, () => t.page(id, cookie, 'confirm', card('4242424242424242'))),
      );
      expect(gw.stats.authorizeCalls - before).toBe(1);
      const ok = results.filter((r) => r.status === 200);
      expect(ok).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 200))
        expect(['payment_in_progress', 'invalid_state']).toContain(r.body.error.code);
      expect((await t.api('GET', `/v1/payment-requests/${id}`)).body.status).toBe('succeeded');
    });

    it('validates the card on the server: Luhn, expiry, CVC length by brand', async () => {
      const { id, cookie } = await opened();
      const before = gw.stats.authorizeCalls;
      const cases = [
        card('4242424242424241'),
        card('4242424242424242', { expiry: '01/20' }),
        card('378282246310005', { cvc: '123' }),
        card('4242424242424242', { cvc: '1234' }),
      ];
      for (const c of cases) {
        const res = await t.page(id, cookie, 'confirm', c);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('invalid_card');
      }
      expect(gw.stats.authorizeCalls).toBe(before);
      expect((await t.page(id, cookie, 'details')).body.status).toBe('opened');
    });

    it('requires the session cookie, JSON and the vault origin for confirm', async () => {
      const { id, cookie } = await opened();
      const noCookie = await fetch(`${t.url}/pay/p/${id}/api/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(card('4242424242424242')),
      });
      expect(noCookie.status).toBe(401);
      const crossOrigin = await fetch(`${t.url}/pay/p/${id}/api/confirm`, {
        method: 'POST',
        headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/json' },
        body: JSON.stringify(card('4242424242424242')),
      });
      expect(crossOrigin.status).toBe(403);
      const form = await fetch(`${t.url}/pay/p/${id}/api/confirm`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'number=4242424242424242',
      });
      expect(form.status).toBe(415);
    });
  });
}
