import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { seedOrg, storeTargets, suiteName } from '../../test/store-fixtures';
import { audit } from '../modules/audit';
import { bindKeyring } from '../modules/security';
import { bindSiemChannels } from '../modules/siem';
import type { Store } from './index';

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'SIEM outbox'), () => {
    let store: Store;
    let woken = 0;
    beforeEach(async () => {
      store = await target.create();
      bindKeyring(store, { sealKey: randomBytes(32), auditKey: randomBytes(32) });
      woken = 0;
      bindSiemChannels(store, { channels: ['syslog'], wake: () => (woken += 1) });
    });
    afterEach(async () => {
      await store.close();
    });

    const entry = (orgId: string, n: number) =>
      audit.record(store, {
        orgId,
        actor: { kind: 'system', id: null },
        action: 'test.siem',
        outcome: 'success',
        detail: { n },
      });

    it('queues an audit entry and a security event with their source, in the same write, and wakes the exporter', async () => {
      const org = await seedOrg(store);
      const e = await entry(org.id, 1);
      const ev = await store.security.addEvent(
        {
          orgId: org.id,
          type: 'auth.failed',
          agentId: null,
          ip: '192.0.2.1',
          detail: {},
          createdAt: 5,
        },
        ['syslog'],
      );
      expect(woken).toBe(1);
      const rows = await store.siem.claim('syslog', 'n1', Date.now(), 10_000, 10);
      expect(rows.map((r) => [r.source, r.sourceId])).toEqual(
        expect.arrayContaining([
          ['audit', e.id],
          ['security', ev.id],
        ]),
      );
      expect((await store.audit.byIds([e.id]))[0]?.hash).toBe(e.hash);
      expect((await store.security.eventsByIds([ev.id]))[0]?.ip).toBe('192.0.2.1');
    });

    it('leases a row to one node at a time, gives it back on retry and after its lease, and marks it delivered only for the owner', async () => {
      const org = await seedOrg(store);
      for (let n = 0; n < 5; n++) await entry(org.id, n);
      const now = Date.now();
      const [a, b] = await Promise.all([
        store.siem.claim('syslog', 'a', now, 1000, 3),
        store.siem.claim('syslog', 'b', now, 1000, 3),
      ]);
      const ids = [...a, ...b].map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(5);
      // Not the owner: nothing changes.
      expect(
        await store.siem.markDelivered(
          a.map((r) => r.id),
          'b',
          now,
        ),
      ).toBe(0);
      expect(
        await store.siem.markRetry(
          a.map((r) => r.id),
          'a',
          'down',
          now + 500,
        ),
      ).toBe(a.length);
      expect(await store.siem.claim('syslog', 'c', now + 100, 1000, 10)).toEqual([]);
      const again = await store.siem.claim('syslog', 'c', now + 600, 1000, 10);
      expect(again.map((r) => r.id).sort()).toEqual(a.map((r) => r.id).sort());
      expect(again.every((r) => r.attempts === 2)).toBe(true);
      // b's lease runs out: another node takes its rows.
      const taken = await store.siem.claim('syslog', 'd', now + 1500, 1000, 10);
      expect(taken.map((r) => r.id).sort()).toEqual(b.map((r) => r.id).sort());
      expect(
        await store.siem.markDelivered(
          b.map((r) => r.id),
          'b',
          now,
        ),
      ).toBe(0);
      expect(
        await store.siem.markDelivered(
          taken.map((r) => r.id),
          'd',
          now + 1600,
        ),
      ).toBe(b.length);
      expect(await store.siem.backlog('syslog')).toBe(a.length);
      expect(await store.siem.prune(now + 1601)).toBe(b.length);
    });
  });
}
