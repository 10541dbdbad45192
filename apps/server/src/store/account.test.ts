import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedAgent, seedOrg, storeTargets, suiteName } from '../../test/store-fixtures';
import type { Store } from './index';

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'account store'), () => {
    let store: Store;
    let orgId: string;
    let agentId: string;
    beforeEach(async () => {
      store = await target.create();
      orgId = (await seedOrg(store)).id;
      agentId = (await seedAgent(store, orgId)).id;
    });
    afterEach(async () => {
      await store.close();
    });

    const session = (tokenHash: string, createdAt = 1_000, expiresAt = 10_000_000) =>
      store.sessions.create({
        tokenHash,
        agentId,
        orgId,
        csrfToken: 'csrf',
        createdAt,
        expiresAt,
      });

    it('locks a session once (the first lock time stands), unlocks it and touches it', async () => {
      await session('h1');
      expect(await store.account.lockSession('h1', 5_000)).toBe(5_000);
      expect(await store.account.lockSession('h1', 6_000)).toBe(5_000);
      expect((await store.sessions.byTokenHash('h1'))?.lockedAt).toBe(5_000);
      await store.account.unlockSession('h1', 7_000);
      const s = await store.sessions.byTokenHash('h1');
      expect(s).toMatchObject({ lockedAt: null, lastSeenAt: 7_000 });
      await store.sessions.revoke('h1', 8_000);
      expect(await store.account.lockSession('h1', 9_000)).toBeNull();
    });

    it("lists the agent's live sessions with user agent and lock, newest use first", async () => {
      await session('a', 1_000);
      await session('b', 2_000);
      await session('gone', 3_000, 4_000);
      await session('revoked', 3_000);
      await store.sessions.revoke('revoked', 3_500);
      await store.sessions.touch('a', 9_000);
      await store.account.setUserAgent('b', 'Mozilla/5.0 Firefox/128.0');
      await store.account.lockSession('b', 8_000);
      const list = await store.account.agentSessions(orgId, agentId, 5_000);
      expect(list.map((s) => s.tokenHash)).toEqual(['a', 'b']);
      expect(list[1]).toMatchObject({ userAgent: 'Mozilla/5.0 Firefox/128.0', lockedAt: 8_000 });
      const otherOrg = (await seedOrg(store, 'Other')).id;
      expect(await store.account.agentSessions(otherOrg, agentId, 5_000)).toEqual([]);
    });

    it('spends an unlock token once, even when spent in parallel, and never after it expires', async () => {
      await store.account.createUnlockToken({
        tokenHash: 't1',
        orgId,
        agentId,
        now: 1_000,
        expiresAt: 2_000,
      });
      const spends = await Promise.all(
        Array.from({ length: 20 }, () => store.account.spendUnlockToken('t1', 1_500)),
      );
      expect(spends.filter((s) => s !== undefined)).toEqual([{ orgId, agentId }]);
      await store.account.createUnlockToken({
        tokenHash: 't2',
        orgId,
        agentId,
        now: 1_000,
        expiresAt: 2_000,
      });
      expect(await store.account.spendUnlockToken('t2', 2_000)).toBeUndefined();
      expect(await store.account.spendUnlockToken('nope', 1_500)).toBeUndefined();
    });
  });
}
