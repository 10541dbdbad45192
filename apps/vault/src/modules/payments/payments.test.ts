import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, VALID_CARD, startTestVault } from '../../../test/harness';
import type { TestVault } from '../../../test/harness';
import type { TestGateway } from '../../gateways/test/test-gateway';

const base = {
  orgId: 'org_1',
  conversationId: 'conv_1',
  amount: 1250,
  currency: 'EUR',
  description: 'Order 1042',
  merchantName: 'Acme Books',
  frameAncestors: ['https://shop.example'],
};

async function paid(t: TestVault, amount = 1250): Promise<string> {
  const p = await t.createPayment({ amount });
  const opened = await t.open(p.payUrl);
  const res = await t.page(p.id, opened.cookie!, 'confirm', {
    ...VALID_CARD,
    idempotencyKey: `confirm-${p.id}`,
  });
  expect(res.body.status).toBe('succeeded');
  return p.id;
}

for (const { name, dialect, skip } of DIALECTS) {
  describe.skipIf(skip)(`server→vault payment API on ${name}`, () => {
    let t: TestVault;
    beforeAll(async () => {
      t = await startTestVault({ dialect });
    });
    afterAll(async () => t?.close());

    it('refuses unsigned calls and calls signed with the other direction secret', async () => {
      const unsigned = await fetch(`${t.url}/v1/payment-requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...base, idempotencyKey: 'unsigned-1' }),
      });
      expect(unsigned.status).toBe(401);
      expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe(
        'invalid_signature',
      );
      const { signedFetch } = await import('@parley/signing');
      const wrong = await signedFetch({
        secret: 'vault-to-server-secret-0123456789abcdef',
        url: `${t.url}/v1/payment-requests`,
        json: { ...base, idempotencyKey: 'wrong-1' },
      });
      expect(wrong.status).toBe(401);
    });

    it('creates a payment request with a pay link and tells the server', async () => {
      const res = await t.api('POST', '/v1/payment-requests', {
        ...base,
        idempotencyKey: 'create-basic-1',
      });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'id', 'payUrl', 'status']);
      expect(res.body.id).toMatch(/^pay_/);
      expect(res.body.status).toBe('created');
      expect(res.body.payUrl).toMatch(new RegExp(`^${t.url}/pay/[A-Za-z0-9_-]{43}$`));
      expect(Date.parse(res.body.expiresAt) - Date.now()).toBeGreaterThan(29 * 60_000);
      const events = await t.server.waitFor((e) => e.some((x) => x.payment.id === res.body.id));
      const event = events.find((x) => x.payment.id === res.body.id)!;
      expect(event.type).toBe('payment.updated');
      expect(event.payment).toMatchObject({
        id: res.body.id,
        orgId: 'org_1',
        conversationId: 'conv_1',
        status: 'created',
        amount: 1250,
        currency: 'EUR',
        amountRefunded: 0,
        brand: null,
        last4: null,
        gatewayReference: null,
        failureCode: null,
        failureMessage: null,
      });
    });

    it('returns the same result for the same idempotency key and parameters', async () => {
      const a = await t.api('POST', '/v1/payment-requests', {
        ...base,
        idempotencyKey: 'idem-same-1',
      });
      const b = await t.api('POST', '/v1/payment-requests', {
        ...base,
        idempotencyKey: 'idem-same-1',
      });
      expect(b.status).toBe(201);
      expect(b.body).toEqual(a.body);
      expect(b.headers.get('idempotent-replayed')).toBe('true');
    });

    it('refuses the same idempotency key with different parameters', async () => {
      await t.api('POST', '/v1/payment-requests', { ...base, idempotencyKey: 'idem-diff-1' });
      const b = await t.api('POST', '/v1/payment-requests', {
        ...base,
        amount: 9999,
        idempotencyKey: 'idem-diff-1',
      });
      expect(b.status).toBe(409);
      expect(b.body.error.code).toBe('idempotency_conflict');
    });

    it('creates exactly one request for concurrent duplicates', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          t.api('POST', '/v1/payment-requests', { ...base, idempotencyKey: 'idem-concurrent-1' }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    });

    it('validates bodies with typed errors that do not echo values', async () => {
      for (const bad of [
        { amount: 0 },
        { amount: 12.5 },
        { currency: 'EURO' },
        { description: '' },
        { frameAncestors: ['javascript:alert(1)'] },
      ]) {
        const res = await t.api('POST', '/v1/payment-requests', {
          ...base,
          ...bad,
          idempotencyKey: `bad-${JSON.stringify(bad).length}`,
        });
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('bad_request');
        expect(res.body.error.message).not.toContain('javascript');
      }
    });

    it('gets one request and answers payment_not_found for an unknown id', async () => {
      const p = await t.createPayment();
      const got = await t.api('GET', `/v1/payment-requests/${p.id}`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({
        id: p.id,
        status: 'created',
        amount: 1250,
        currency: 'EUR',
        merchantName: 'Acme Books',
        version: 1,
      });
      expect(got.body).not.toHaveProperty('link_hash');
      const missing = await t.api('GET', '/v1/payment-requests/pay_nope');
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('payment_not_found');
    });

    it('cancels while not final, and not after', async () => {
      const p = await t.createPayment();
      const c = await t.api('POST', `/v1/payment-requests/${p.id}/cancel`);
      expect(c.body.status).toBe('canceled');
      const again = await t.api('POST', `/v1/payment-requests/${p.id}/cancel`);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('invalid_state');
      expect((await t.open(p.payUrl)).status).toBe(410);
      const id = await paid(t);
      expect((await t.api('POST', `/v1/payment-requests/${id}/cancel`)).body.error.code).toBe(
        'invalid_state',
      );
    });

    it('refunds partially then fully, never above the amount, idempotently', async () => {
      const id = await paid(t, 1000);
      const part = await t.api('POST', `/v1/payment-requests/${id}/refunds`, {
        amount: 300,
        idempotencyKey: 'refund-part-1',
      });
      expect(part.status).toBe(201);
      expect(part.body.refund).toMatchObject({ amount: 300, status: 'succeeded' });
      expect(part.body.payment).toMatchObject({
        status: 'succeeded',
        amountRefunded: 300,
        refundStatus: 'partially_refunded',
      });
      const replay = await t.api('POST', `/v1/payment-requests/${id}/refunds`, {
        amount: 300,
        idempotencyKey: 'refund-part-1',
      });
      expect(replay.body.refund.id).toBe(part.body.refund.id);
      const conflict = await t.api('POST', `/v1/payment-requests/${id}/refunds`, {
        amount: 200,
        idempotencyKey: 'refund-part-1',
      });
      expect(conflict.body.error.code).toBe('idempotency_conflict');
      const over = await t.api('POST', `/v1/payment-requests/${id}/refunds`, {
        amount: 701,
        idempotencyKey: 'refund-over-1',
      });
      expect(over.status).toBe(409);
      expect(over.body.error.code).toBe('refund_exceeds_amount');
      const rest = await t.api('POST', `/v1/payment-requests/${id}/refunds`, {
        idempotencyKey: 'refund-rest-1',
      });
      expect(rest.body.refund.amount).toBe(700);
      expect(rest.body.payment).toMatchObject({ amountRefunded: 1000, refundStatus: 'refunded' });
      await t.server.waitFor((e) =>
        e.some((x) => x.payment.id === id && x.payment.amountRefunded === 1000),
      );
    });

    it('never refunds more than the amount under concurrent refunds', async () => {
      const id = await paid(t, 1000);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          t.api('POST', `/v1/payment-requests/${id}/refunds`, {
            amount: 400,
            idempotencyKey: `refund-race-${i}`,
          }),
        ),
      );
      const ok = results.filter((r) => r.status === 201);
      expect(ok.length).toBeLessThanOrEqual(2);
      const final = await t.api('GET', `/v1/payment-requests/${id}`);
      expect(final.body.amountRefunded).toBe(ok.length * 400);
      expect(final.body.amountRefunded).toBeLessThanOrEqual(1000);
    });

    it('refuses to refund a payment that has not succeeded', async () => {
      const p = await t.createPayment();
      const res = await t.api('POST', `/v1/payment-requests/${p.id}/refunds`, {
        idempotencyKey: 'refund-unpaid-1',
      });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('invalid_state');
    });

    it('reissues a pay link and the old one stops working', async () => {
      const p = await t.createPayment();
      const fresh = await t.api('POST', `/v1/payment-requests/${p.id}/link`);
      expect(fresh.body.payUrl).not.toBe(p.payUrl);
      expect((await t.open(p.payUrl)).status).toBe(404);
      expect((await t.open(fresh.body.payUrl)).status).toBe(200);
      expect((t.gateway as TestGateway).name).toBe('test');
    });
  });
}
