import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedAgent, seedOrg, storeTargets, suiteName } from '../../../test/store-fixtures';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { audit, verifyAudit } from '../../modules/audit';
import { bindKeyring, type Keyring } from '../../modules/security';
import type { Store } from '../index';

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'security store'), () => {
    let store: Store;
    beforeEach(async () => {
      store = await target.create();
    });
    afterEach(async () => {
      await store.close();
    });

    it('reserves at most `max` attempts per window, in one statement, and clears', async () => {
      const opts = { windowMs: 60_000, max: 10 };
      for (let i = 1; i <= 10; i++) {
        const r = await store.security.reserveAttempt('agent:a', 1000 + i, opts);
        expect(r).toMatchObject({ reserved: true, row: { failures: i } });
      }
      expect(await store.security.reserveAttempt('agent:a', 2000, opts)).toEqual({
        reserved: false,
      });
      // Outside the window the count starts again.
      expect(await store.security.reserveAttempt('agent:a', 1000 + 60_001, opts)).toMatchObject({
        reserved: true,
        row: { failures: 1 },
      });
      await store.security.clearThrottle('agent:a');
      expect(await store.security.throttle('agent:a')).toBeUndefined();
    });

    it('regression (issue 10 finding 1): 100 parallel reservations get exactly 10 slots', async () => {
      const now = Date.now();
      const results = await Promise.all(
        Array.from({ length: 100 }, () =>
          store.security.reserveAttempt('agent:parallel', now, { windowMs: 60_000, max: 10 }),
        ),
      );
      expect(results.filter((r) => r.reserved)).toHaveLength(10);
    });

    it('a lock holds past the window until it runs out; failures are counted without locking', async () => {
      const opts = { windowMs: 60_000, max: 2 };
      await store.security.reserveAttempt('agent:l', 0, opts);
      await store.security.lock('agent:l', 10 * 60_000);
      expect(await store.security.reserveAttempt('agent:l', 5 * 60_000, opts)).toEqual({
        reserved: false,
      });
      expect(await store.security.reserveAttempt('agent:l', 10 * 60_000, opts)).toMatchObject({
        reserved: true,
        row: { failures: 1, lockedUntil: null },
      });
      for (let i = 1; i <= 5; i++)
        expect(await store.security.countFailure('ip:x', i, 60_000)).toMatchObject({
          failures: i,
          lockedUntil: null,
        });
    });

    it('spends a proof-of-work challenge once', async () => {
      expect(await store.security.spendChallenge('sig', 100, 1)).toBe(true);
      expect(await store.security.spendChallenge('sig', 100, 2)).toBe(false);
    });

    it('accepts each TOTP step and each recovery code once, atomically', async () => {
      const org = await seedOrg(store);
      const agent = await seedAgent(store, org.id, 'admin');
      await store.security.setPendingSecret(org.id, agent.id, 'SECRET');
      expect(await store.security.enableTotp(org.id, agent.id, 5)).toBe(true);
      expect(await store.security.mfa(org.id, agent.id)).toMatchObject({
        totpSecret: 'SECRET',
        pendingSecret: null,
        enabledAt: 5,
      });
      const same = await Promise.all([
        store.security.useTotpStep(org.id, agent.id, 100),
        store.security.useTotpStep(org.id, agent.id, 100),
      ]);
      expect(same.filter(Boolean)).toHaveLength(1);
      expect(await store.security.useTotpStep(org.id, agent.id, 99)).toBe(false);
      expect(await store.security.useTotpStep(org.id, agent.id, 101)).toBe(true);
      await store.security.replaceRecoveryCodes(org.id, agent.id, ['h1', 'h2']);
      expect(await store.security.useRecoveryCode(org.id, agent.id, 'h1', 1)).toBe(true);
      expect(await store.security.useRecoveryCode(org.id, agent.id, 'h1', 2)).toBe(false);
      expect(await store.security.unusedRecoveryCodes(org.id, agent.id)).toBe(1);
      // Scoped by organisation.
      const other = await seedOrg(store, 'Other');
      expect(await store.security.useRecoveryCode(other.id, agent.id, 'h2', 1)).toBe(false);
      expect(await store.security.mfa(other.id, agent.id)).toBeUndefined();
    });

    it('keeps security settings per organisation with safe defaults', async () => {
      const org = await seedOrg(store);
      expect(await store.security.settings(org.id)).toMatchObject({
        mfaPolicy: 'admins',
        ipAllowlist: [],
        webhookUrl: null,
      });
      await store.security.updateSettings(
        org.id,
        { ipAllowlist: ['10.0.0.0/8'], mfaPolicy: 'all' },
        10,
      );
      await store.security.updateSettings(
        org.id,
        { webhookUrl: 'http://h/x', webhookSecret: 's' },
        11,
      );
      expect(await store.security.settings(org.id)).toMatchObject({
        mfaPolicy: 'all',
        ipAllowlist: ['10.0.0.0/8'],
        webhookUrl: 'http://h/x',
        updatedAt: 11,
      });
      await store.security.addEvent({
        orgId: org.id,
        type: 'ip_blocked',
        agentId: null,
        ip: '1.2.3.4',
        detail: { path: '/x' },
        createdAt: 1,
      });
      await store.security.addEvent({
        orgId: org.id,
        type: 'ip_blocked',
        agentId: null,
        ip: '1.2.3.4',
        detail: {},
        createdAt: 2,
      });
      expect(await store.security.eventCounts(org.id)).toEqual({ ip_blocked: 2 });
      expect((await store.security.events(org.id, { limit: 10 }))[0]).toMatchObject({
        createdAt: 2,
      });
    });

    it('chains audit entries under concurrent appends from two nodes, and verify finds tampering', async () => {
      const [a, b] = await target.createNodes(2);
      if (!a || !b) throw new Error('no nodes');
      try {
        const keyring: Keyring = { sealKey: randomBytes(32), auditKey: randomBytes(32) };
        bindKeyring(a, keyring);
        bindKeyring(b, keyring);
        const verifyOpts = {
          auditKey: keyring.auditKey,
          checkpointFile: join(mkdtempSync(join(tmpdir(), 'parley-cp-')), 'cp.jsonl'),
        };
        const org = await seedOrg(a);
        await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            audit.record(i % 2 ? a : b, {
              orgId: org.id,
              actor: { kind: 'system', id: null },
              action: 'test.append',
              outcome: 'success',
              detail: { i },
            }),
          ),
        );
        const report = await verifyAudit(a, verifyOpts);
        expect(report).toMatchObject({ ok: true, entries: 40 });
        const seqs = (await a.audit.chain(org.id, 0, 100)).map((e) => e.seq);
        expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));

        await a.db
          .updateTable('audit_log')
          .set({ outcome: 'failure' })
          .where('org_id', '=', org.id)
          .where('seq', '=', 7)
          .execute();
        expect((await verifyAudit(a, verifyOpts)).problems).toEqual([
          expect.objectContaining({ seq: 7, problem: 'edited' }),
        ]);
        await a.db
          .deleteFrom('audit_log')
          .where('org_id', '=', org.id)
          .where('seq', '=', 7)
          .execute();
        expect((await verifyAudit(a, verifyOpts)).problems).toEqual([
          expect.objectContaining({ seq: 7, problem: 'missing' }),
        ]);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('updates an agent only within its organisation and revokes all its sessions', async () => {
      const org = await seedOrg(store);
      const other = await seedOrg(store, 'Other');
      const agent = await seedAgent(store, org.id);
      expect(await store.agents.update(other.id, agent.id, { role: 'admin' })).toBeUndefined();
      expect(
        await store.agents.update(org.id, agent.id, { role: 'supervisor', active: false }),
      ).toMatchObject({ role: 'supervisor', active: false });
      for (const h of ['a', 'b'])
        await store.sessions.create({
          tokenHash: h.repeat(64),
          agentId: agent.id,
          orgId: org.id,
          csrfToken: 'c',
          createdAt: 1,
          expiresAt: 9e12,
        });
      expect((await store.security.revokeAgentSessions(org.id, agent.id, 5)).sort()).toEqual([
        'a'.repeat(64),
        'b'.repeat(64),
      ]);
      expect(await store.sessions.byTokenHash('a'.repeat(64))).toMatchObject({ revokedAt: 5 });
    });
  });
}
