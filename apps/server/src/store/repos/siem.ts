import { randomUUID } from 'node:crypto';
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { Database, SiemOutboxRow, SiemRepo, SiemSource } from '../types';

interface OutboxRecord {
  id: string;
  channel: string;
  source: string;
  org_id: string;
  source_id: string;
  attempts: number | string;
  created_at: number | string;
}

const big = (n: number) => sql`CAST(${n} AS bigint)`;

const toRow = (r: OutboxRecord): SiemOutboxRow => ({
  id: r.id,
  channel: r.channel,
  source: r.source as SiemSource,
  orgId: r.org_id,
  sourceId: r.source_id,
  attempts: Number(r.attempts),
  createdAt: Number(r.created_at),
});

/**
 * The outbox rows of a new audit entry or security event, compiled for the
 * plan that writes the source row: both commit together or not at all.
 */
export function siemOutboxInserts(
  db: Kysely<Database>,
  channels: readonly string[],
  source: SiemSource,
  orgId: string,
  sourceId: string,
  now: number,
): CompiledQuery[] {
  return channels.map((channel) =>
    db
      .insertInto('siem_outbox')
      .values({
        id: randomUUID(),
        channel,
        source,
        org_id: orgId,
        source_id: sourceId,
        status: 'pending',
        attempts: 0,
        next_at: now,
        created_at: now,
      })
      .compile(),
  );
}

/**
 * The SIEM outbox. As in the mail queue, every state change is one conditional
 * statement, so any number of nodes drain it: a claim leases only rows that are
 * due and unowned (or whose owner's lease ran out), and only the owner marks them.
 */
export function siemRepo(db: Kysely<Database>, dialect: 'sqlite' | 'postgres'): SiemRepo {
  const skipLocked = dialect === 'postgres' ? sql`FOR UPDATE SKIP LOCKED` : sql``;
  const ids = (list: readonly string[]) => sql.join(list.map((id) => sql`${id}`));
  return {
    async claim(channel, owner, now, leaseMs, limit) {
      const due = sql`channel = ${channel} AND ((status = 'pending' AND next_at <= ${big(now)}) OR (status = 'sending' AND lease_until <= ${big(now)}))`;
      const res = await sql<OutboxRecord>`
        UPDATE siem_outbox SET
          status = 'sending',
          lease_owner = ${owner},
          lease_until = ${big(now + leaseMs)},
          attempts = attempts + 1
        WHERE id IN (SELECT id FROM siem_outbox WHERE ${due} ORDER BY created_at, id LIMIT ${limit} ${skipLocked})
          AND ${due}
        RETURNING id, channel, source, org_id, source_id, attempts, created_at`.execute(db);
      return res.rows
        .map(toRow)
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    },

    async markDelivered(list, owner, now) {
      if (list.length === 0) return 0;
      const res = await sql`
        UPDATE siem_outbox SET status = 'delivered', delivered_at = ${big(now)}, lease_until = NULL, last_error = NULL
        WHERE id IN (${ids(list)}) AND lease_owner = ${owner} AND status = 'sending'`.execute(db);
      return Number(res.numAffectedRows ?? 0n);
    },

    async markRetry(list, owner, error, nextAt) {
      if (list.length === 0) return 0;
      const res = await sql`
        UPDATE siem_outbox SET status = 'pending', next_at = ${big(nextAt)}, lease_until = NULL, last_error = ${error.slice(0, 300)}
        WHERE id IN (${ids(list)}) AND lease_owner = ${owner} AND status = 'sending'`.execute(db);
      return Number(res.numAffectedRows ?? 0n);
    },

    async backlog(channel) {
      const r = await db
        .selectFrom('siem_outbox')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('channel', '=', channel)
        .where('status', '!=', 'delivered')
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },

    async prune(before) {
      const res = await db
        .deleteFrom('siem_outbox')
        .where('status', '=', 'delivered')
        .where('delivered_at', '<', before)
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}
