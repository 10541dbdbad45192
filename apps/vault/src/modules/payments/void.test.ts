import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestVault } from '../../../test/harness';
import { KEY_RETENTION_MS, expireDue } from './service';
import type { TestVault } from '../../../test/harness';

const base = {
  orgId: 'org_1',
  conversationId: 'conv_1',
  amount: 1250,
  currency: 'EUR',
  description: 'Order 1042',
  merchantName: 'Acme Books',
};

// Issue 18: the server voids a create attempt whose answer it never got.
for (const { name, dialect, skip } of DIALECTS) {
  describe.skipIf(skip)(`voiding a create attempt by key on ${name}`, () => {
    let t: TestVault;
    beforeAll(async () => {
      t = await startTestVault({ dialect });
    });
    afterAll(async () => t?.close());

    const create = (key: string, attemptId: string) =>
      t.api('POST', '/v1/payment-requests', { ...base, idempotencyKey: key, attemptId });
    const voidIt = (key: string, attemptId: string) =>
      t.api('POST', '/v1/payment-requests/voids', { idempotencyKey: key, attemptId });

    it('withdraws a request made by the voided attempt; the key then stays dead', async () => {
      const made = await create('void-after-create', 'attempt-a1');
      expect(made.status).toBe(201);
      const v = await voidIt('void-after-create', 'attempt-a1');
      expect(v.status).toBe(200);
      expect(v.body).toMatchObject({
        voided: true,
        payment: { id: made.body.id, status: 'canceled', failureCode: 'voided' },
      });
      // Voiding again is the same answer.
      expect((await voidIt('void-after-create', 'attempt-a1')).body).toMatchObject({
        voided: true,
      });
      const late = await create('void-after-create', 'attempt-a1');
      expect([late.status, late.body.error.code]).toEqual([409, 'payment_request_voided']);
      const retry = await create('void-after-create', 'attempt-a2');
      expect([retry.status, retry.body.error.code]).toEqual([409, 'payment_request_voided']);
      const link = await t.open(made.body.payUrl);
      expect(link.status).toBe(410);
      await t.server.waitFor((events) =>
        events.some((e) => e.payment.id === made.body.id && e.payment.status === 'canceled'),
      );
    });

    it('a void that arrives before its create is a tombstone: the late create is refused', async () => {
      const v = await voidIt('void-before-create', 'attempt-b1');
      expect(v.body).toEqual({ voided: true, payment: null });
      const late = await create('void-before-create', 'attempt-b1');
      expect([late.status, late.body.error.code]).toEqual([409, 'payment_request_voided']);
      // Another attempt on the same key (a retry) is not voided.
      expect((await create('void-before-create', 'attempt-b2')).status).toBe(201);
    });

    it('does not withdraw a request another, live attempt got', async () => {
      const first = await create('void-shared', 'attempt-c1');
      const second = await create('void-shared', 'attempt-c2');
      expect(second.body.id).toBe(first.body.id);
      const v = await voidIt('void-shared', 'attempt-c1');
      expect(v.body).toMatchObject({ voided: false, payment: { status: 'created' } });
      const both = await voidIt('void-shared', 'attempt-c2');
      expect(both.body).toMatchObject({ voided: true, payment: { status: 'canceled' } });
    });

    it('never withdraws a request the customer has started paying', async () => {
      const made = await create('void-opened', 'attempt-d1');
      const opened = await t.open(made.body.payUrl);
      const paid = await t.page(made.body.id, opened.cookie!, 'confirm', {
        number: '4242 4242 4242 4242',
        expiry: `12/${(new Date().getUTCFullYear() + 3) % 100}`,
        cvc: '123',
        name: 'Vera Visitor',
        idempotencyKey: 'confirm-void-opened',
      });
      expect(paid.body.status).toBe('succeeded');
      const v = await voidIt('void-opened', 'attempt-d1');
      expect(v.body).toMatchObject({ voided: false, payment: { status: 'succeeded' } });
    });

    it('forgets keys and attempts after the retention, so the tables stay bounded', async () => {
      await create('void-prune-old', 'attempt-p1');
      await voidIt('void-prune-fresh', 'attempt-p2');
      const db = t.vault.context.store.db;
      const old = new Date(Date.now() - KEY_RETENTION_MS - 60_000).toISOString();
      for (const table of ['payment_keys', 'payment_key_attempts'] as const)
        await db
          .updateTable(table)
          .set({ created_at: old })
          .where('idempotency_key', '=', 'void-prune-old')
          .execute();
      await expireDue(t.vault.context);
      const left = await db
        .selectFrom('payment_key_attempts')
        .select('idempotency_key')
        .where('idempotency_key', 'like', 'void-prune-%')
        .execute();
      expect(left.map((r) => r.idempotency_key)).toEqual(['void-prune-fresh']);
    });

    it('create and void racing on the same attempt never leave a payable request', async () => {
      const keys = Array.from({ length: 20 }, (_, i) => `void-race-${i}`);
      await Promise.all(
        keys.flatMap((k) => [create(k, `${k}-attempt`), voidIt(k, `${k}-attempt`)]),
      );
      for (const k of keys) {
        const again = await voidIt(k, `${k}-attempt`);
        expect(again.body.voided).toBe(true);
        if (again.body.payment) expect(again.body.payment).toMatchObject({ status: 'canceled' });
      }
    });
  });
}
