import { afterEach, describe, expect, it } from 'vitest';
import { startTestVault } from '../../../test/harness';
import type { TestVault } from '../../../test/harness';

describe('vault→server events', () => {
  let t: TestVault | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('delivers each change signed with the outgoing secret, in order', async () => {
    t = await startTestVault();
    const p = await t.createPayment();
    await t.open(p.payUrl);
    await t.api('POST', `/v1/payment-requests/${p.id}/cancel`);
    const events = await t.server.waitFor(
      (e) => e.filter((x) => x.payment.id === p.id).length === 3,
    );
    expect(t.server.rejected).toBe(0);
    const mine = events.filter((x) => x.payment.id === p.id);
    expect(mine.map((x) => x.payment.status)).toEqual(['created', 'opened', 'canceled']);
    expect(mine.map((x) => x.payment.version)).toEqual([1, 2, 3]);
    expect(new Set(mine.map((x) => x.id)).size).toBe(3);
  });

  it('keeps events while the server is down and retries with backoff until it answers', async () => {
    t = await startTestVault();
    t.server.down = true;
    const p = await t.createPayment();
    await t.open(p.payUrl);
    await new Promise((r) => setTimeout(r, 400));
    expect(t.server.events).toHaveLength(0);
    const pending = await t.vault.context.store.db
      .selectFrom('outbox')
      .selectAll()
      .where('delivered_at', 'is', null)
      .orderBy('id')
      .execute();
    expect(pending).toHaveLength(2);
    expect(pending[0]!.attempts).toBeGreaterThanOrEqual(2);
    expect(pending[0]!.last_error).toBe('HTTP 503');
    t.server.down = false;
    const events = await t.server.waitFor((e) => e.length === 2);
    expect(events.map((x) => x.payment.status)).toEqual(['created', 'opened']);
    // The server has the event before the vault has recorded the answer: poll.
    const vault = t.vault;
    await expect
      .poll(
        async () =>
          (
            await vault.context.store.db
              .selectFrom('outbox')
              .select('id')
              .where('delivered_at', 'is', null)
              .execute()
          ).length,
      )
      .toBe(0);
  });

  it('retries when the server cannot be reached at all', async () => {
    t = await startTestVault();
    await t.server.stop();
    await t.createPayment();
    await new Promise((r) => setTimeout(r, 300));
    const row = await t.vault.context.store.db
      .selectFrom('outbox')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(row.delivered_at).toBeNull();
    expect(row.attempts).toBeGreaterThanOrEqual(1);
  });
});
