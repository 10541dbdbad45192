// Issue 12 item 3 (law 6): the consent, retention, export and erasure audit entries commit in the
// change's own transaction. A trigger makes the audit insert fail inside the database (a real
// failed statement, as in store/transaction.test.ts); each path must then leave no change behind.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentRow, Organisation, Store } from '../../store';
import { seedAgent, seedOrg, storeTargets, suiteName } from '../../../test/store-fixtures';
import { createLogger } from '../../logger';
import type { AgentContext } from '../auth';
import { createConsentService } from '../consent';
import { createRetentionService } from '../retention';
import { bindKeyring } from '../security';
import { createDiskStorage, type FileStorage } from '../files';
import { erase, exportSubject } from './index';

async function refuseAuditInserts(store: Store): Promise<void> {
  if (store.dialect === 'sqlite') {
    await sql
      .raw(
        `CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'refused by test'); END`,
      )
      .execute(store.db);
    return;
  }
  await sql
    .raw(
      `CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$`,
    )
    .execute(store.db);
  await sql
    .raw(
      `CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()`,
    )
    .execute(store.db);
}

const auditCount = async (store: Store, orgId: string) =>
  (await store.audit.list(orgId, { limit: 1000 })).length;

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(
    suiteName(target, 'lifecycle audit in the same transaction'),
    () => {
      let store: Store;
      let org: Organisation;
      let admin: AgentRow;
      let ctx: AgentContext;
      let filesDir: string;
      let files: FileStorage;
      beforeEach(async () => {
        store = await target.create();
        filesDir = await mkdtemp(join(tmpdir(), 'parley-audit-atomic-'));
        files = createDiskStorage(filesDir);
        bindKeyring(store, { sealKey: randomBytes(32), auditKey: randomBytes(32) });
        org = await seedOrg(store);
        admin = await seedAgent(store, org.id, 'admin');
        // The services read only the actor and the agent of the context.
        ctx = {
          actor: { kind: 'agent', agentId: admin.id, orgId: org.id, role: 'admin' },
          agent: admin,
          organisation: org,
        } as AgentContext;
      });
      afterEach(async () => {
        await rm(filesDir, { recursive: true, force: true });
        await store.close();
      });

      /** A visitor with a conversation holding one sealed message and a consent. */
      async function chatter() {
        const visitor = await store.visitors.create({
          orgId: org.id,
          name: 'Ann Atomic',
          tokenHash: randomBytes(32).toString('hex'),
          expiresAt: Date.now() + 86_400_000,
        });
        const conv = await store.conversations.create({ orgId: org.id, visitorId: visitor.id });
        await store.messages.appendBatch(
          [
            {
              orgId: org.id,
              conversationId: conv.id,
              senderKind: 'visitor',
              senderId: visitor.id,
              clientMsgId: 'm1',
              text: 'the parcel should go to the back door',
              masked: [],
            },
          ],
          Date.now(),
        );
        return { visitor, conv };
      }

      const consent = (closed: string[] = []) =>
        createConsentService({
          store,
          fileStorage: files,
          chat: {
            // Records which conversations the withdrawal closed.
            close: (_actor: unknown, id: string) => {
              closed.push(id);
              return Promise.resolve(undefined as never);
            },
          },
        });

      it('consent change: a failed audit insert keeps the old settings and adds no version', async () => {
        await refuseAuditInserts(store);
        await expect(
          consent().update(
            ctx,
            { required: false, text: 'A new notice', privacyUrl: null, onWithdrawal: 'close' },
            '127.0.0.1',
          ),
        ).rejects.toThrow();
        expect(await store.consent.settings(org.id)).toBeUndefined();
        expect(await store.consent.versions(org.id)).toEqual([]);
      });

      it('consent given: a failed audit insert records no consent', async () => {
        const { conv } = await chatter();
        await refuseAuditInserts(store);
        await expect(consent().record(conv, 1, { userAgent: 'test' })).rejects.toThrow();
        expect(await store.consent.forConversation(org.id, conv.id)).toBeUndefined();
      });

      it('consent withdrawn: a failed audit insert leaves the consent live and the chat open', async () => {
        const { visitor, conv } = await chatter();
        await consent().record(conv, 1, { userAgent: 'test' });
        await refuseAuditInserts(store);
        const closed: string[] = [];
        await expect(
          consent(closed).withdraw(
            { kind: 'visitor', orgId: org.id, visitorId: visitor.id } as never,
            conv.id,
            '127.0.0.1',
          ),
        ).rejects.toThrow();
        expect((await store.consent.forConversation(org.id, conv.id))?.withdrawnAt).toBeNull();
        expect(closed).toEqual([]);
      });

      it('retention change: a failed audit insert keeps the old periods', async () => {
        const retention = createRetentionService({ store, log: createLogger('silent') });
        await refuseAuditInserts(store);
        await expect(
          retention.update(
            ctx,
            {
              conversationDays: 30,
              conversationAction: 'delete',
              fileDays: null,
              securityEventDays: null,
              auditDays: null,
            },
            '127.0.0.1',
          ),
        ).rejects.toThrow();
        expect(await store.retention.settings(org.id)).toBeUndefined();
      });

      it('retention purge: a failed audit insert leaves the run open; the next purge finishes and audits it', async () => {
        const retention = createRetentionService({ store, log: createLogger('silent') });
        await store.retention.save(
          org.id,
          {
            conversationDays: 30,
            conversationAction: 'delete',
            fileDays: null,
            securityEventDays: null,
            auditDays: null,
          },
          admin.id,
          Date.now(),
        );
        await refuseAuditInserts(store);
        await expect(retention.runOnce('node-test')).rejects.toThrow();
        const open = await store.retention.lastRun(org.id);
        expect(open?.finishedAt).toBeNull();
        await sql
          .raw('DROP TRIGGER refuse_audit' + (store.dialect === 'postgres' ? ' ON audit_log' : ''))
          .execute(store.db);
        expect(await retention.runOnce('node-test')).toEqual({ orgs: 1, complete: true });
        const done = await store.retention.lastRun(org.id);
        expect(done?.id).toBe(open?.id);
        expect(done?.finishedAt).not.toBeNull();
        expect(
          await store.audit.list(org.id, { action: 'retention.purge', limit: 5 }),
        ).toHaveLength(1);
      });

      it('export: a failed audit insert hands nothing out', async () => {
        const { visitor } = await chatter();
        const before = await auditCount(store, org.id);
        await refuseAuditInserts(store);
        await expect(
          exportSubject(store, org, [visitor.id], { kind: 'agent', id: admin.id }),
        ).rejects.toThrow();
        expect(await auditCount(store, org.id)).toBe(before);
      });

      it('erasure: a failed audit insert destroys no key and deletes no message', async () => {
        const { visitor, conv } = await chatter();
        const sealed = await store.db
          .selectFrom('messages')
          .select('text')
          .where('conversation_id', '=', conv.id)
          .execute();
        expect(sealed).toHaveLength(1);
        await refuseAuditInserts(store);
        await expect(
          erase(
            store,
            org.id,
            { visitorId: visitor.id },
            { kind: 'system', id: null },
            undefined,
            files,
          ),
        ).rejects.toThrow();
        expect(await store.dataKeys.openMany(sealed.map((r) => r.text))).toEqual([
          'the parcel should go to the back door',
        ]);
        expect(await store.messages.after(org.id, conv.id, 0, 10)).toHaveLength(1);
        expect((await store.visitors.byId(org.id, visitor.id))?.name).toBe('Ann Atomic');
        expect((await store.conversations.byId(org.id, conv.id))?.status).not.toBe('closed');
      });
    },
  );
}
