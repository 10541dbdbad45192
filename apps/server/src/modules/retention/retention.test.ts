// Issue 12 item 4: retention purges on both dialects, in batches, resumable, one node at a time.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store';
import { storeTargets, suiteName } from '../../../test/store-fixtures';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, newVisitor, visitorSocket } from '../../../test/clients';
import { createLogger } from '../../logger';
import { audit } from '../audit';
import { bindKeyring, keyringOf } from '../security';
import { RETENTION_LEASE, createRetentionService } from './index';

const DAY = 86_400_000;
const log = createLogger('silent');

async function chatted(t: TestServer, text: string) {
  const v = await newVisitor(t.url, t.orgKey, 'Rita Retention');
  const vs = await visitorSocket(t.url, v.token);
  vs.send({ type: 'send', clientMsgId: 'm1', conversationId: v.conversationId, text });
  await vs.next('ack', (f) => f.clientMsgId === 'm1');
  vs.close();
  return v;
}

/** Closes a conversation as if `daysAgo` days had passed since. */
async function closedDaysAgo(store: Store, id: string, daysAgo: number) {
  const at = Date.now() - daysAgo * DAY;
  await store.db
    .updateTable('conversations')
    .set({ status: 'closed', closed_at: at, updated_at: at })
    .where('id', '=', id)
    .execute();
  const conv = await store.db
    .selectFrom('conversations')
    .select('visitor_id')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  await store.db
    .updateTable('visitors')
    .set({ created_at: at - DAY })
    .where('id', '=', conv.visitor_id)
    .execute();
}

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'retention'), () => {
    let t: TestServer;
    let a: Store;
    let b: Store;
    beforeAll(async () => {
      [a, b] = (await target.createNodes(2)) as [Store, Store];
      t = await startTestServer({ store: a, logLevel: 'warn' });
      // The second node shares the installation's keys, as a cluster's nodes do.
      bindKeyring(b, keyringOf(a));
    });
    afterAll(async () => {
      await t.close();
      await a.close();
      await b.close();
    });

    it('the lease: exactly one of two racing nodes wins; a lapsed lease is taken over', async () => {
      const now = Date.now();
      const won = await Promise.all([
        a.retention.acquireLease('race-test', 'node-a', 60_000, now),
        b.retention.acquireLease('race-test', 'node-b', 60_000, now),
      ]);
      expect(won.filter(Boolean)).toHaveLength(1);
      const winner = won[0] ? 'node-a' : 'node-b';
      const loser = won[0] ? 'node-b' : 'node-a';
      // The holder renews; the other cannot take it while it lives.
      expect(await a.retention.acquireLease('race-test', winner, 60_000, now + 1)).toBe(true);
      expect(await b.retention.acquireLease('race-test', loser, 60_000, now + 2)).toBe(false);
      // After it lapses (a crashed holder), the other takes it.
      expect(await b.retention.acquireLease('race-test', loser, 60_000, now + 61_002)).toBe(true);
      expect(await a.retention.acquireLease('race-test', winner, 60_000, now + 61_003)).toBe(false);
      await b.retention.releaseLease('race-test', loser);
      expect(await a.retention.acquireLease('race-test', winner, 60_000, now + 61_004)).toBe(true);
    });

    it('settings: admins set periods; the audit log cannot go below 365 days (PCI DSS 10.5.1)', async () => {
      const admin = new AgentClient(t.url);
      await admin.login(t.admin.email, t.admin.password);
      const initial = (await (await admin.request('GET', '/api/settings/retention')).json()) as {
        conversationDays: number | null;
      };
      expect(initial.conversationDays).toBeNull();
      const low = await admin.request('PUT', '/api/settings/retention', {
        conversationDays: 30,
        conversationAction: 'delete',
        fileDays: null,
        securityEventDays: null,
        auditDays: 90,
      });
      expect(low.status).toBe(400);
      const ok = await admin.request('PUT', '/api/settings/retention', {
        conversationDays: 30,
        conversationAction: 'delete',
        fileDays: 10,
        securityEventDays: 90,
        auditDays: 365,
      });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({
        conversationDays: 30,
        auditDays: 365,
        lastRun: null,
      });
      const [entry] = await a.audit.list(t.orgId, {
        action: 'settings.retention_change',
        limit: 1,
      });
      expect(JSON.parse(entry?.detail ?? '{}')).toMatchObject({ conversationDays: 30 });
    });

    it('deletes expired closed conversations in batches, keeps recent ones, erases their visitors, audits counts', async () => {
      await a.retention.save(
        t.orgId,
        {
          conversationDays: 30,
          conversationAction: 'delete',
          fileDays: null,
          securityEventDays: 90,
          auditDays: null,
        },
        'test',
        Date.now(),
      );
      const old = [];
      for (let i = 0; i < 5; i++) old.push(await chatted(t, `old secret number ${i}`));
      for (const v of old) await closedDaysAgo(a, v.conversationId, 40);
      const recent = await chatted(t, 'recent message');
      await closedDaysAgo(a, recent.conversationId, 5);
      const open = await chatted(t, 'still open');
      await a.security.addEvent({
        orgId: t.orgId,
        type: 'test.old',
        agentId: null,
        ip: null,
        detail: {},
        createdAt: Date.now() - 100 * DAY,
      });
      await a.security.addEvent({
        orgId: t.orgId,
        type: 'test.new',
        agentId: null,
        ip: null,
        detail: {},
        createdAt: Date.now(),
      });

      const retention = createRetentionService({ store: a, log, batchSize: 2 });
      expect(await retention.runOnce('node-a')).toEqual({ orgs: 1, complete: true });
      for (const v of old) {
        expect(await a.conversations.byId(t.orgId, v.conversationId)).toBeUndefined();
        expect((await a.visitors.byId(t.orgId, v.visitorId))?.name).toBeNull();
      }
      expect(await a.messages.after(t.orgId, recent.conversationId, 0, 10)).toHaveLength(1);
      expect(await a.messages.after(t.orgId, open.conversationId, 0, 10)).toHaveLength(1);
      const types = (await a.security.events(t.orgId, { limit: 100 })).map((e) => e.type);
      expect(types).toContain('test.new');
      expect(types).not.toContain('test.old');
      const run = await a.retention.lastRun(t.orgId);
      expect(run).toMatchObject({ conversations: 5, securityEvents: 1 });
      expect(run?.finishedAt).not.toBeNull();
      const [entry] = await a.audit.list(t.orgId, { action: 'retention.purge', limit: 1 });
      expect(JSON.parse(entry?.detail ?? '{}')).toMatchObject({
        conversations: 5,
        securityEvents: 1,
      });
      expect(JSON.stringify(entry)).not.toContain('secret number');
      // Nothing left to do: a second run purges nothing.
      await retention.runOnce('node-a');
      expect(await a.retention.lastRun(t.orgId)).toMatchObject({ conversations: 0 });
    });

    it('anonymises instead: content and keys go, the conversation and its counts stay', async () => {
      await a.retention.save(
        t.orgId,
        {
          conversationDays: 30,
          conversationAction: 'anonymise',
          fileDays: null,
          securityEventDays: null,
          auditDays: null,
        },
        'test',
        Date.now(),
      );
      const v = await chatted(t, 'anonymise me please');
      await closedDaysAgo(a, v.conversationId, 31);
      const sealed = await a.db
        .selectFrom('messages')
        .select('text')
        .where('conversation_id', '=', v.conversationId)
        .execute();
      await createRetentionService({ store: a, log }).runOnce('node-a');
      const conv = await a.conversations.byId(t.orgId, v.conversationId);
      expect(conv?.lastSeq).toBe(1);
      expect(await a.messages.after(t.orgId, v.conversationId, 0, 10)).toEqual([]);
      expect(await a.dataKeys.openMany(sealed.map((r) => r.text))).toEqual([undefined]);
      // Picked once: the next run has nothing to anonymise.
      await createRetentionService({ store: a, log }).runOnce('node-a');
      expect(await a.retention.lastRun(t.orgId)).toMatchObject({ conversations: 0 });
    });

    it('resumes after a crash: the open run continues and its totals add up', async () => {
      await a.retention.save(
        t.orgId,
        {
          conversationDays: 30,
          conversationAction: 'delete',
          fileDays: null,
          securityEventDays: null,
          auditDays: null,
        },
        'test',
        Date.now(),
      );
      const vs = [];
      for (let i = 0; i < 4; i++) vs.push(await chatted(t, `crash ${i}`));
      for (const v of vs) await closedDaysAgo(a, v.conversationId, 45);
      // These four, and the one the anonymise test kept (now due for deletion).
      const due = (
        await a.retention.expiredConversations(t.orgId, Date.now() - 30 * DAY, 'delete', 100)
      ).length;
      expect(due).toBeGreaterThanOrEqual(4);
      // A node that dies after its first batch: its lease check fails from the second batch on.
      let checks = 0;
      const dying = createRetentionService({ store: a, log, batchSize: 2 });
      const store = a;
      const crashAfterOneBatch = async () => {
        checks += 1;
        if (checks > 2) throw new Error('node died');
        return true;
      };
      const original = store.retention.acquireLease.bind(store.retention);
      store.retention.acquireLease = async (name, holder, ttl, now) =>
        name === RETENTION_LEASE && holder === 'dying'
          ? crashAfterOneBatch()
          : original(name, holder, ttl, now);
      await expect(dying.runOnce('dying')).rejects.toThrow('node died');
      store.retention.acquireLease = original;
      const partial = await a.retention.lastRun(t.orgId);
      expect(partial).toMatchObject({ conversations: 2, finishedAt: null });

      // Another node picks the run up.
      expect(
        await createRetentionService({ store: b, log, batchSize: 2 }).runOnce('node-b'),
      ).toEqual({ orgs: 1, complete: true });
      const done = await b.retention.lastRun(t.orgId);
      expect(done).toMatchObject({ id: partial?.id, conversations: due });
      expect(done?.finishedAt).not.toBeNull();
      for (const v of vs)
        expect(await b.conversations.byId(t.orgId, v.conversationId)).toBeUndefined();
      const [entry] = await b.audit.list(t.orgId, { action: 'retention.purge', limit: 1 });
      expect(JSON.parse(entry?.detail ?? '{}')).toMatchObject({
        conversations: due,
        resumed: true,
      });
    });

    it('two nodes racing: one purges, the other finds the lease taken; nothing is purged twice', async () => {
      const vs = [];
      for (let i = 0; i < 3; i++) vs.push(await chatted(t, `race ${i}`));
      for (const v of vs) await closedDaysAgo(a, v.conversationId, 60);
      const results = await Promise.all([
        createRetentionService({ store: a, log, batchSize: 1 }).runOnce('node-a'),
        createRetentionService({ store: b, log, batchSize: 1 }).runOnce('node-b'),
      ]);
      expect(results.filter((r) => r === 'busy').length).toBeGreaterThanOrEqual(1);
      expect(results.filter((r) => r !== 'busy')).toEqual([{ orgs: 1, complete: true }]);
      expect(await a.retention.lastRun(t.orgId)).toMatchObject({ conversations: 3 });
    });

    it('purges audit entries past the period in batches; the chain still verifies from the horizon', async () => {
      await a.retention.save(
        t.orgId,
        {
          conversationDays: null,
          conversationAction: 'delete',
          fileDays: null,
          securityEventDays: null,
          auditDays: 365,
        },
        'test',
        Date.now(),
      );
      const oldAt = Date.now() - 400 * DAY;
      const first = await a.audit.list(t.orgId, { limit: 1000 });
      // Age the oldest entries: their content (and hash) include `at`, so re-record old ones instead.
      for (let i = 0; i < 3; i++)
        await audit.record(a, {
          orgId: t.orgId,
          actor: { kind: 'system', id: null },
          action: 'test.old',
          outcome: 'success',
          at: oldAt,
        });
      void first;
      // Entries older than the period are only those at the head of the chain: re-date the chain's first entries
      // would break their hashes, so the test checks the purge on a fresh organisation's chain.
      const org = await a.orgs.create({ name: 'Old Co', allowedOrigins: [] });
      for (let i = 0; i < 5; i++)
        await audit.record(a, {
          orgId: org.id,
          actor: { kind: 'system', id: null },
          action: 'test.old',
          outcome: 'success',
          at: oldAt + i,
        });
      await audit.record(a, {
        orgId: org.id,
        actor: { kind: 'system', id: null },
        action: 'test.new',
        outcome: 'success',
      });
      await a.retention.save(
        org.id,
        {
          conversationDays: null,
          conversationAction: 'delete',
          fileDays: null,
          securityEventDays: null,
          auditDays: 365,
        },
        'test',
        Date.now(),
      );
      await createRetentionService({ store: a, log, batchSize: 2 }).runOnce('node-a');
      const left = await a.audit.chain(org.id, 0, 100);
      expect(left.map((e) => e.action)).toEqual(['test.new', 'retention.purge']);
      expect(await a.retention.auditHorizon(org.id)).toMatchObject({ seq: 5 });
      const { verifyAudit } = await import('../audit');
      const report = await verifyAudit(a, {
        auditKey: keyringOf(a).auditKey,
        checkpointFile: join(mkdtempSync(join(tmpdir(), 'parley-cp-')), 'cp.jsonl'),
      });
      expect(report.problems.filter((p) => p.orgId === org.id)).toEqual([]);
    });
  });
}
