import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Connection, Plan } from '../connect';
import type { AuditEntry, AuditLogTable, AuditRepo } from '../types';
import { siemOutboxInserts } from './siem';

/** prev_hash of the first entry of every chain. */
export const GENESIS_HASH = '0'.repeat(64);
const RETRIES = 30;

const columns = [
  'org_id',
  'seq',
  'id',
  'at',
  'actor_kind',
  'actor_id',
  'action',
  'outcome',
  'ip',
  'resource_type',
  'resource_id',
  'detail',
  'prev_hash',
  'hash',
] as const;

function toEntry(r: AuditLogTable): AuditEntry {
  return {
    orgId: r.org_id,
    seq: Number(r.seq),
    id: r.id,
    at: Number(r.at),
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    action: r.action,
    outcome: r.outcome,
    ip: r.ip,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    detail: r.detail,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}

export function auditRepo(conn: Connection): AuditRepo {
  const { db } = conn;
  return {
    async append(input, hash, exportTo = [], tx) {
      // The previous hash is read and the entry inserted in one transaction;
      // the (org_id, seq) key makes a concurrent append (another node) fail
      // instead of forking the chain, and it is retried on the new tail.
      function* plan(): Plan<AuditEntry> {
        // PostgreSQL: appends to one chain queue on a transaction lock, so one inside a longer
        // transaction (tx, below) waits for the tail instead of failing on the key at its commit.
        // SQLite's IMMEDIATE transaction already excludes every other writer.
        if (conn.dialect === 'postgres')
          yield sql`select pg_advisory_xact_lock(hashtext(${`parley.audit:${input.orgId}`}))`.compile(
            db,
          );
        const tail = (yield db
          .selectFrom('audit_log')
          .select(['seq', 'hash'])
          .where('org_id', '=', input.orgId)
          .orderBy('seq', 'desc')
          .limit(1)
          .compile()) as { seq: number; hash: string }[];
        const last = tail[0];
        const seq = last ? Number(last.seq) + 1 : 1;
        const prevHash = last?.hash ?? GENESIS_HASH;
        const id = randomUUID();
        const entry: AuditEntry = { ...input, seq, id, prevHash, hash: hash(prevHash, seq, id) };
        yield db
          .insertInto('audit_log')
          .values({
            org_id: entry.orgId,
            seq: entry.seq,
            id: entry.id,
            at: entry.at,
            actor_kind: entry.actorKind,
            actor_id: entry.actorId,
            action: entry.action,
            outcome: entry.outcome,
            ip: entry.ip,
            resource_type: entry.resourceType,
            resource_id: entry.resourceId,
            detail: entry.detail,
            prev_hash: entry.prevHash,
            hash: entry.hash,
          })
          .compile();
        // Its SIEM outbox rows commit with it (issue 17 item 3).
        for (const q of siemOutboxInserts(db, exportTo, 'audit', entry.orgId, entry.id, entry.at))
          yield q;
        return entry;
      }
      // In the caller's transaction: the entry commits or rolls back with the change it records.
      if (tx) return tx.run(plan());
      for (let attempt = 0; ; attempt++) {
        try {
          return await conn.runInTransaction(plan());
        } catch (err) {
          if (!isUniqueViolation(err) || attempt >= RETRIES) throw err;
          await new Promise((r) => setTimeout(r, Math.random() * 10 * (attempt + 1)));
        }
      }
    },

    async list(orgId, f) {
      let q = db.selectFrom('audit_log').select(columns).where('org_id', '=', orgId);
      if (f.action !== undefined) q = q.where('action', '=', f.action);
      if (f.actorId !== undefined) q = q.where('actor_id', '=', f.actorId);
      if (f.outcome !== undefined) q = q.where('outcome', '=', f.outcome);
      if (f.from !== undefined) q = q.where('at', '>=', f.from);
      if (f.to !== undefined) q = q.where('at', '<', f.to);
      if (f.beforeSeq !== undefined) q = q.where('seq', '<', f.beforeSeq);
      const rows = await q.orderBy('seq', 'desc').limit(f.limit).execute();
      return rows.map(toEntry);
    },

    async chain(orgId, afterSeq, limit) {
      const rows = await db
        .selectFrom('audit_log')
        .select(columns)
        .where('org_id', '=', orgId)
        .where('seq', '>', afterSeq)
        .orderBy('seq', 'asc')
        .limit(limit)
        .execute();
      return rows.map(toEntry);
    },

    async byIds(list) {
      if (list.length === 0) return [];
      const rows = await db
        .selectFrom('audit_log')
        .select(columns)
        .where('id', 'in', list)
        .execute();
      return rows.map(toEntry);
    },

    async chains() {
      const rows = await db
        .selectFrom('audit_log')
        .select('org_id')
        .distinct()
        .orderBy('org_id')
        .execute();
      return rows.map((r) => r.org_id);
    },
  };
}
