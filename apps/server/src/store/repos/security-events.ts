import { randomUUID } from 'node:crypto';
import type { Connection, Plan } from '../connect';
import type { SecurityEventRow, SecurityEventsRepo } from '../types';
import { siemOutboxInserts } from './siem';

function parseDetail(json: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(json);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function toEventRow(r: {
  id: string;
  org_id: string;
  type: string;
  agent_id: string | null;
  ip: string | null;
  detail: string;
  created_at: number | string;
}): SecurityEventRow {
  return {
    id: r.id,
    orgId: r.org_id,
    type: r.type,
    agentId: r.agent_id,
    ip: r.ip,
    detail: parseDetail(r.detail),
    createdAt: Number(r.created_at),
  };
}

/** Security events (failed sign-ins, lockouts, policy changes); an event and its SIEM outbox rows commit together (security_events). */
export function securityEventsRepo(conn: Connection): SecurityEventsRepo {
  const { db } = conn;
  return {
    async addEvent(input, exportTo = []) {
      const row = {
        id: randomUUID(),
        org_id: input.orgId,
        type: input.type,
        agent_id: input.agentId,
        ip: input.ip,
        detail: JSON.stringify(input.detail),
        created_at: input.createdAt,
      };
      const insert = db.insertInto('security_events').values(row);
      if (exportTo.length === 0) await insert.execute();
      else {
        // The event and its SIEM outbox rows commit together (issue 17 item 3).
        const queries = [
          insert.compile(),
          ...siemOutboxInserts(db, exportTo, 'security', input.orgId, row.id, input.createdAt),
        ];
        await conn.runInTransaction(
          (function* (): Plan<void> {
            for (const q of queries) yield q;
          })(),
        );
      }
      return { ...input, id: row.id };
    },
    async eventsByIds(list) {
      if (list.length === 0) return [];
      const rows = await db
        .selectFrom('security_events')
        .selectAll()
        .where('id', 'in', list)
        .execute();
      return rows.map(toEventRow);
    },
    async events(orgId, filter) {
      let q = db.selectFrom('security_events').selectAll().where('org_id', '=', orgId);
      if (filter.type !== undefined) q = q.where('type', '=', filter.type);
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(filter.limit)
        .execute();
      return rows.map(toEventRow);
    },
    async eventCounts(orgId) {
      const rows = await db
        .selectFrom('security_events')
        .select(['type', (eb) => eb.fn.countAll<number>().as('n')])
        .where('org_id', '=', orgId)
        .groupBy('type')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
    },
  };
}
