import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../types';
import type { OffsetSegment, ReportRange, ReportsRepo } from '../report-types';

const DAY_MS = 86_400_000;
/** bigint sums come back as strings from PostgreSQL; null when a bucket has none. */
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const keyOf = (v: unknown): string | null =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' ? String(v) : null;

/** A whole number of ms, written into the SQL as a literal (computed here, never input). */
function lit(n: number): RawBuilder<number> {
  if (!Number.isSafeInteger(n)) throw new Error('report offsets are whole milliseconds');
  return sql.lit(n);
}

/** The offset of the organisation's zone at `at`: one CASE over the range's pieces. */
function offset(at: RawBuilder<number>, zone: OffsetSegment[] | undefined): RawBuilder<number> {
  if (!zone || zone.length === 0) return sql.lit(0);
  if (zone.length === 1) return lit(zone[0]!.offsetMs);
  const whens = zone
    .slice(0, -1)
    .map((z) => sql`when ${at} < ${lit(z.until)} then ${lit(z.offsetMs)}`);
  return sql`(case ${sql.join(whens, sql` `)} else ${lit(zone.at(-1)!.offsetMs)} end)`;
}

/**
 * The bucket of a row: its local day (the same integer division on both
 * dialects, after adding the zone's offset at that instant), its team, or its
 * agent. `at` is the time the row is counted at.
 */
function bucket(range: ReportRange, at: RawBuilder<number>): RawBuilder<unknown> {
  switch (range.by) {
    case 'day':
      return sql`cast((${at} + ${offset(at, range.zone)}) / ${sql.lit(DAY_MS)} as bigint)`;
    case 'team':
      return sql`c.team_id`;
    case 'agent':
      return sql`c.agent_id`;
  }
}

/**
 * Report figures straight from the store: one grouped scan of an
 * organisation's range each, along (org_id, created_at) (0078-reports).
 * Tenancy: every query is scoped by organisation (law 3).
 */
export function reportsRepo(db: Kysely<Database>): ReportsRepo {
  return {
    async conversations(orgId, range) {
      const { from, to } = range;
      const k = bucket(range, sql<number>`c.created_at`);
      const r = await sql<Record<string, unknown>>`
        select ${k} as k,
          count(*) as conversations,
          sum(case when c.status = 'closed' and c.first_response_at is null then 1 else 0 end) as missed,
          sum(c.assigned_at - c.created_at) as waiting_sum,
          count(c.assigned_at) as waiting_count,
          sum(c.first_response_at - c.created_at) as first_sum,
          count(c.first_response_at) as first_count,
          sum(case when c.closed_at is not null then c.closed_at - c.assigned_at end) as handling_sum,
          sum(case when c.closed_at is not null and c.assigned_at is not null then 1 else 0 end) as handling_count
        from conversations c
        where c.org_id = ${orgId} and c.created_at >= ${from} and c.created_at < ${to}
        group by ${k}`.execute(db);
      return r.rows.map((row) => ({
        key: keyOf(row.k),
        conversations: num(row.conversations),
        missed: num(row.missed),
        waitingSum: num(row.waiting_sum),
        waitingCount: num(row.waiting_count),
        firstResponseSum: num(row.first_sum),
        firstResponseCount: num(row.first_count),
        handlingSum: num(row.handling_sum),
        handlingCount: num(row.handling_count),
      }));
    },

    // Driven from the conversations' range: SQLite keeps a CROSS JOIN's order (else it scanned
    // every rating of the installation); to PostgreSQL it is an inner join like any other.
    async ratings(orgId, range) {
      const { from, to } = range;
      const k = bucket(range, sql<number>`c.created_at`);
      const r = await sql<Record<string, unknown>>`
        select ${k} as k, r.score as score, count(*) as n
        from conversations c
        cross join conversation_ratings r
        where r.conversation_id = c.id and r.org_id = c.org_id
          and c.org_id = ${orgId} and c.created_at >= ${from} and c.created_at < ${to}
        group by ${k}, r.score`.execute(db);
      return r.rows.map((row) => ({
        key: keyOf(row.k),
        score: num(row.score),
        count: num(row.n),
      }));
    },

    async payments(orgId, range) {
      const { from, to } = range;
      const k = bucket(range, sql<number>`p.created_at`);
      const r = await sql<Record<string, unknown>>`
        select ${k} as k, p.status as status, p.currency as currency,
          count(*) as n, sum(p.amount - p.amount_refunded) as amount
        from payments p
        join conversations c on c.id = p.conversation_id and c.org_id = p.org_id
        where p.org_id = ${orgId} and p.created_at >= ${from} and p.created_at < ${to}
        group by ${k}, p.status, p.currency`.execute(db);
      return r.rows.map((row) => ({
        key: keyOf(row.k),
        status: String(row.status),
        currency: String(row.currency),
        count: num(row.n),
        amount: num(row.amount),
      }));
    },
  };
}
