// Issue 12 items 1, 5 (vault side): erasure reaches the vault through its signed API and anonymises
// the visitor's payment records to what accounting needs; the vault's own retention period does
// the same to old finished records. The raw SQLite files (with WAL) keep no erased description.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, VALID_CARD, startTestVault, type TestVault } from '../../../test/harness';
import { anonymiseExpired } from './index';

const marker = (tag: string) => `Order for Hannelore Quist ${tag}`;

async function paid(t: TestVault, conversationId: string, description: string): Promise<string> {
  const p = await t.createPayment({ conversationId, description });
  const opened = await t.open(p.payUrl);
  const res = await t.page(p.id, opened.cookie!, 'confirm', {
    ...VALID_CARD,
    idempotencyKey: `confirm-${p.id}`,
  });
  expect(res.body.status).toBe('succeeded');
  return p.id;
}

for (const { name, dialect, skip } of DIALECTS) {
  describe.skipIf(skip)(`vault erasure and retention on ${name}`, () => {
    let t: TestVault;
    beforeAll(async () => {
      t = await startTestVault({ dialect, config: { paymentRetentionDays: 30 } });
    });
    afterAll(async () => t?.close());
    const db = () => t.vault.context.store.db;

    it('refuses an unsigned erasure', async () => {
      const res = await fetch(`${t.url}/v1/erasures`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orgId: 'org_1', conversationIds: ['conv_x'] }),
      });
      expect(res.status).toBe(401);
    });

    it("anonymises the conversations' payments to what accounting needs; others stay whole", async () => {
      const tag = `erase${dialect}`;
      const erased = await paid(t, `conv-erase-${dialect}`, marker(tag));
      const open = await t.createPayment({
        conversationId: `conv-erase-${dialect}`,
        description: marker(`${tag}open`),
      });
      const kept = await paid(t, `conv-keep-${dialect}`, 'Order kept whole');
      const before = await db()
        .selectFrom('payments')
        .selectAll()
        .where('id', '=', erased)
        .executeTakeFirstOrThrow();

      // Before: the description can be found in the raw files (so the search below can fail).
      const file = t.vault.context.store.file;
      const raw = () =>
        file
          ? Buffer.concat(
              [file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)),
            )
          : undefined;
      if (file) expect(raw()?.includes(Buffer.from(tag))).toBe(true);

      const res = await t.api('POST', '/v1/erasures', {
        orgId: 'org_1',
        conversationIds: [`conv-erase-${dialect}`],
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ payments: 2 });

      const after = await db()
        .selectFrom('payments')
        .selectAll()
        .where('id', '=', erased)
        .executeTakeFirstOrThrow();
      // Kept: what accounting needs.
      expect(after).toMatchObject({
        id: before.id,
        org_id: 'org_1',
        amount: before.amount,
        currency: before.currency,
        status: 'succeeded',
        brand: before.brand,
        last4: before.last4,
        gateway_reference: before.gateway_reference,
        created_at: before.created_at,
      });
      expect(after.last4).toBe('4242');
      // Gone: the description, the conversation, framing origins, failure details.
      expect(after).toMatchObject({ description: '', conversation_id: '', frame_ancestors: '[]' });
      expect(after.anonymised_at).not.toBeNull();
      expect(after.link_hash).not.toBe(before.link_hash);
      const sessions = await db()
        .selectFrom('pay_sessions')
        .select('payment_id')
        .where('payment_id', '=', erased)
        .execute();
      expect(sessions).toEqual([]);
      const events = await db()
        .selectFrom('outbox')
        .select('body')
        .where('payment_id', 'in', [erased, open.id])
        .execute();
      expect(events).toEqual([]);
      const charges = await db()
        .selectFrom('charges')
        .select(['pan_encrypted', 'action', 'last4'])
        .where('payment_id', '=', erased)
        .execute();
      expect(charges.every((c) => c.pan_encrypted === null && c.action === null)).toBe(true);
      // A request still payable is canceled: its link no longer opens.
      const o = await db()
        .selectFrom('payments')
        .select(['status', 'description'])
        .where('id', '=', open.id)
        .executeTakeFirstOrThrow();
      expect(o).toEqual({ status: 'canceled', description: '' });
      expect((await t.open(open.payUrl)).status).toBeGreaterThanOrEqual(400);
      // The server can still read the summary; the other conversation's payment is untouched.
      const summary = await t.api('GET', `/v1/payment-requests/${erased}`);
      expect(summary.body).toMatchObject({
        status: 'succeeded',
        amount: before.amount,
        last4: '4242',
      });
      const other = await db()
        .selectFrom('payments')
        .select('description')
        .where('id', '=', kept)
        .executeTakeFirstOrThrow();
      expect(other.description).toBe('Order kept whole');
      // Again: nothing left to do.
      const again = await t.api('POST', '/v1/erasures', {
        orgId: 'org_1',
        conversationIds: [`conv-erase-${dialect}`],
      });
      expect(again.body).toEqual({ payments: 0 });

      // The raw database files hold no erased description (secure_delete, WAL checkpointed).
      if (file) {
        expect(raw()?.includes(Buffer.from(tag))).toBe(false);
        expect(raw()?.includes(Buffer.from('Order kept whole'))).toBe(true);
      }
    });

    it('the retention period anonymises finished records whose last change is older', async () => {
      const old = await paid(t, `conv-old-${dialect}`, 'Order from long ago');
      const recent = await paid(t, `conv-new-${dialect}`, 'Order from this week');
      const longAgo = new Date(Date.now() - 31 * 86_400_000).toISOString();
      await db()
        .updateTable('payments')
        .set({ updated_at: longAgo })
        .where('id', '=', old)
        .execute();
      expect(await anonymiseExpired(t.vault.context)).toBeGreaterThanOrEqual(1);
      const rows = await db()
        .selectFrom('payments')
        .select(['id', 'description', 'anonymised_at', 'amount', 'last4'])
        .where('id', 'in', [old, recent])
        .execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(byId.get(old)).toMatchObject({ description: '', last4: '4242' });
      expect(byId.get(old)?.anonymised_at).not.toBeNull();
      expect(byId.get(recent)).toMatchObject({
        description: 'Order from this week',
        anonymised_at: null,
      });
      expect(await anonymiseExpired(t.vault.context)).toBe(0);
    });
  });
}
