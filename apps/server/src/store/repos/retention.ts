import type { Compilable, CompiledQuery } from 'kysely';
import type { Connection, Plan } from '../connect';
import type { RetentionRepo, RetentionRunRow, RetentionSettingsRow, Tx } from '../types';

/** Runs a statement in `tx` when given (the change and its audit entry commit together), else on its own. */
function exec<R>(q: Compilable<R> & { execute(): Promise<R[]> }, tx: Tx | undefined): Promise<R[]> {
  return tx ? tx.execute(q) : q.execute();
}

// PostgreSQL returns bigint as a string.
const num = (v: number | string) => Number(v);
const numOrNull = (v: number | string | null) => (v === null ? null : Number(v));

function* run<T = unknown>(query: { compile(): CompiledQuery }): Plan<T[]> {
  return (yield query.compile()) as T[];
}

const settingsRow = (r: {
  org_id: string;
  conversation_days: number | string | null;
  conversation_action: 'delete' | 'anonymise';
  file_days: number | string | null;
  security_event_days: number | string | null;
  audit_days: number | string | null;
  updated_at: number | string;
}): RetentionSettingsRow => ({
  orgId: r.org_id,
  conversationDays: numOrNull(r.conversation_days),
  conversationAction: r.conversation_action,
  fileDays: numOrNull(r.file_days),
  securityEventDays: numOrNull(r.security_event_days),
  auditDays: numOrNull(r.audit_days),
  updatedAt: num(r.updated_at),
});

const runRow = (r: {
  id: string;
  org_id: string;
  started_at: number | string;
  finished_at: number | string | null;
  conversations: number | string;
  files: number | string;
  security_events: number | string;
  audit_entries: number | string;
}): RetentionRunRow => ({
  id: r.id,
  orgId: r.org_id,
  startedAt: num(r.started_at),
  finishedAt: numOrNull(r.finished_at),
  conversations: num(r.conversations),
  files: num(r.files),
  securityEvents: num(r.security_events),
  auditEntries: num(r.audit_entries),
});

/** Retention periods, purge runs, the job lease and the batch deletions (0041-retention). */
export function retentionRepo(conn: Connection): RetentionRepo {
  const db = conn.db;
  const settings = async (orgId: string, tx?: Tx) => {
    const [r] = await exec(
      db.selectFrom('retention_settings').selectAll().where('org_id', '=', orgId),
      tx,
    );
    return r && settingsRow(r);
  };
  const runById = async (id: string) => {
    const r = await db
      .selectFrom('retention_runs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r && runRow(r);
  };
  return {
    settings: (orgId) => settings(orgId),
    async save(orgId, input, by, now, tx) {
      const values = {
        conversation_days: input.conversationDays,
        conversation_action: input.conversationAction,
        file_days: input.fileDays,
        security_event_days: input.securityEventDays,
        audit_days: input.auditDays,
        updated_at: now,
        updated_by: by,
      };
      await exec(
        db
          .insertInto('retention_settings')
          .values({ org_id: orgId, ...values })
          .onConflict((oc) => oc.column('org_id').doUpdateSet(values)),
        tx,
      );
      const saved = await settings(orgId, tx);
      if (!saved) throw new Error('retention settings not stored');
      return saved;
    },
    async configured() {
      const rows = await db
        .selectFrom('retention_settings')
        .selectAll()
        .orderBy('org_id')
        .execute();
      return rows.map(settingsRow);
    },
    async acquireLease(name, holder, ttlMs, now) {
      // Take a lapsed lease, or renew our own: one conditional UPDATE, atomic on both dialects.
      const taken = await db
        .updateTable('job_leases')
        .set({ holder, expires_at: now + ttlMs })
        .where('name', '=', name)
        .where((eb) => eb.or([eb('expires_at', '<=', now), eb('holder', '=', holder)]))
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) > 0) return true;
      // No row yet: the first insert wins, the others conflict and do nothing.
      const inserted = await db
        .insertInto('job_leases')
        .values({ name, holder, expires_at: now + ttlMs })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async releaseLease(name, holder) {
      await db
        .updateTable('job_leases')
        .set({ expires_at: 0 })
        .where('name', '=', name)
        .where('holder', '=', holder)
        .execute();
    },
    async openRun(orgId, id, now) {
      const open = await db
        .selectFrom('retention_runs')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('finished_at', 'is', null)
        .orderBy('started_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (open) return runRow(open);
      await db
        .insertInto('retention_runs')
        .values({
          id,
          org_id: orgId,
          started_at: now,
          finished_at: null,
          conversations: 0,
          files: 0,
          security_events: 0,
          audit_entries: 0,
        })
        .execute();
      const created = await runById(id);
      if (!created) throw new Error('retention run not stored');
      return created;
    },
    async addToRun(id, c) {
      await db
        .updateTable('retention_runs')
        .set((eb) => ({
          conversations: eb('conversations', '+', c.conversations),
          files: eb('files', '+', c.files),
          security_events: eb('security_events', '+', c.securityEvents),
          audit_entries: eb('audit_entries', '+', c.auditEntries),
        }))
        .where('id', '=', id)
        .execute();
    },
    async finishRun(id, now, tx) {
      await exec(
        db.updateTable('retention_runs').set({ finished_at: now }).where('id', '=', id),
        tx,
      );
    },
    async lastRun(orgId, tx) {
      const [r] = await exec(
        db
          .selectFrom('retention_runs')
          .selectAll()
          .where('org_id', '=', orgId)
          .orderBy('started_at', 'desc')
          .limit(1),
        tx,
      );
      return r && runRow(r);
    },
    async expiredConversations(orgId, before, mode, limit) {
      let q = db
        .selectFrom('conversations')
        .select('id')
        .where('org_id', '=', orgId)
        .where('status', '=', 'closed')
        .where('closed_at', '<', before);
      if (mode === 'anonymise')
        // Only those that still hold something: an anonymised conversation is not picked again.
        q = q.where((eb) =>
          eb.or([
            eb.exists(
              eb
                .selectFrom('data_keys')
                .select('data_keys.id')
                .where('data_keys.owner_kind', '=', 'conversation')
                .whereRef('data_keys.owner_id', '=', 'conversations.id'),
            ),
            eb.exists(
              eb
                .selectFrom('messages')
                .select('messages.id')
                .whereRef('messages.conversation_id', '=', 'conversations.id'),
            ),
          ]),
        );
      const rows = await q.orderBy('closed_at', 'asc').limit(limit).execute();
      return rows.map((r) => r.id);
    },
    async expiredVisitors(orgId, before, limit) {
      const rows = await db
        .selectFrom('visitors')
        .select('id')
        .where('org_id', '=', orgId)
        .where('created_at', '<', before)
        .where((eb) =>
          eb.and([
            eb.not(
              eb.exists(
                eb
                  .selectFrom('conversations')
                  .select('conversations.id')
                  .whereRef('conversations.visitor_id', '=', 'visitors.id')
                  .where((c) =>
                    c.or([
                      c('conversations.status', '!=', 'closed'),
                      c('conversations.closed_at', '>=', before),
                    ]),
                  ),
              ),
            ),
            eb.exists(
              eb
                .selectFrom('data_keys')
                .select('data_keys.id')
                .where('data_keys.owner_kind', '=', 'visitor')
                .whereRef('data_keys.owner_id', '=', 'visitors.id'),
            ),
          ]),
        )
        .orderBy('created_at', 'asc')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
    async deleteConversations(orgId, ids) {
      if (ids.length === 0) return 0;
      function* plan(): Plan<number> {
        yield* run(
          db
            .deleteFrom('data_keys')
            .where('org_id', '=', orgId)
            .where('owner_kind', '=', 'conversation')
            .where('owner_id', 'in', ids),
        );
        yield* run(
          db.deleteFrom('consents').where('org_id', '=', orgId).where('conversation_id', 'in', ids),
        );
        yield* run(
          db
            .deleteFrom('conversation_notes')
            .where('org_id', '=', orgId)
            .where('conversation_id', 'in', ids),
        );
        // The blind index (0112) has no foreign key: its rows go here, in the same transaction.
        yield* run(
          db
            .deleteFrom('search_terms')
            .where('org_id', '=', orgId)
            .where('conversation_id', 'in', ids),
        );
        // Messages, mask state, files and payment summaries cascade with the conversation.
        return (yield* run(
          db
            .deleteFrom('conversations')
            .where('org_id', '=', orgId)
            .where('id', 'in', ids)
            .returning('id'),
        )).length;
      }
      return conn.runInTransaction(plan());
    },
    async expiredFiles(orgId, before, limit) {
      const rows = await db
        .selectFrom('files')
        .select(['id', 'conversation_id'])
        .where('org_id', '=', orgId)
        .where('created_at', '<', before)
        .orderBy('created_at', 'asc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ id: r.id, conversationId: r.conversation_id }));
    },
    async deleteFiles(orgId, ids) {
      if (ids.length === 0) return 0;
      const r = await db
        .deleteFrom('files')
        .where('org_id', '=', orgId)
        .where('id', 'in', ids)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async deleteSecurityEvents(orgId, before, limit) {
      const ids = (
        await db
          .selectFrom('security_events')
          .select('id')
          .where('org_id', '=', orgId)
          .where('created_at', '<', before)
          .orderBy('created_at', 'asc')
          .limit(limit)
          .execute()
      ).map((r) => r.id);
      if (ids.length === 0) return 0;
      const r = await db.deleteFrom('security_events').where('id', 'in', ids).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async purgeAudit(orgId, before, limit, now) {
      function* plan(): Plan<number> {
        const head = (yield* run<{ seq: number | string }>(
          db
            .selectFrom('audit_log')
            .select('seq')
            .where('org_id', '=', orgId)
            .orderBy('seq', 'desc')
            .limit(1),
        ))[0];
        if (!head) return 0;
        // The newest entry always stays: the next append chains onto it.
        const victims = yield* run<{ seq: number | string; hash: string }>(
          db
            .selectFrom('audit_log')
            .select(['seq', 'hash'])
            .where('org_id', '=', orgId)
            .where('at', '<', before)
            .where('seq', '<', num(head.seq))
            .orderBy('seq', 'asc')
            .limit(limit),
        );
        const last = victims[victims.length - 1];
        if (!last) return 0;
        const upTo = num(last.seq);
        yield* run(db.deleteFrom('audit_log').where('org_id', '=', orgId).where('seq', '<=', upTo));
        yield* run(
          db
            .insertInto('audit_horizon')
            .values({ org_id: orgId, seq: upTo, hash: last.hash, at: now })
            .onConflict((oc) =>
              oc.column('org_id').doUpdateSet({ seq: upTo, hash: last.hash, at: now }),
            ),
        );
        return victims.length;
      }
      return conn.runInTransaction(plan());
    },
    async auditHorizon(orgId) {
      const r = await db
        .selectFrom('audit_horizon')
        .select(['seq', 'hash'])
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      return r && { seq: num(r.seq), hash: r.hash };
    },
  };
}
