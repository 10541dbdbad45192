import {
  ParleyError,
  REPORT_MAX_DAYS,
  type RatingReport,
  type ReportGrouping,
} from '@parley/protocol';
import type { AgentActor } from '../auth';
import { audit } from '../audit';
import type { PaymentFigures, ReportRange, Store } from '../../store';
import { mayReadReports } from './policy';
import { ratingReport } from './ratings';
import { dayLabel, localMidnight, nextDay, offsetSegments } from './zone';

const DAY = 86_400_000;

/** Sums per bucket, before averages: buckets add up to the totals exactly. */
export interface Sums {
  conversations: number;
  missed: number;
  waiting: [sum: number, count: number];
  firstResponse: [sum: number, count: number];
  handling: [sum: number, count: number];
  ratings: [sum: number, count: number];
  payments: { count: number; succeeded: number; failed: number; amounts: Map<string, number> };
}

export interface Bucket extends Sums {
  key: string | null;
  label: string;
}

export interface Report {
  from: number;
  to: number;
  timeZone: string;
  by: ReportGrouping;
  totals: Sums;
  buckets: Bucket[];
}

export const emptySums = (): Sums => ({
  conversations: 0,
  missed: 0,
  waiting: [0, 0],
  firstResponse: [0, 0],
  handling: [0, 0],
  ratings: [0, 0],
  payments: { count: 0, succeeded: 0, failed: 0, amounts: new Map() },
});

function addPayment(s: Sums, p: PaymentFigures): void {
  s.payments.count += p.count;
  if (p.status === 'succeeded') {
    s.payments.succeeded += p.count;
    s.payments.amounts.set(p.currency, (s.payments.amounts.get(p.currency) ?? 0) + p.amount);
  } else if (p.status === 'failed') s.payments.failed += p.count;
}

function addSums(into: Sums, b: Sums): void {
  into.conversations += b.conversations;
  into.missed += b.missed;
  for (const k of ['waiting', 'firstResponse', 'handling', 'ratings'] as const) {
    into[k][0] += b[k][0];
    into[k][1] += b[k][1];
  }
  into.payments.count += b.payments.count;
  into.payments.succeeded += b.payments.succeeded;
  into.payments.failed += b.payments.failed;
  for (const [c, a] of b.payments.amounts)
    into.payments.amounts.set(c, (into.payments.amounts.get(c) ?? 0) + a);
}

/** How a report was asked for, for its audit entry. */
export interface ReportRead {
  format: 'json' | 'csv';
  ip?: string | null | undefined;
}

type RangeQuery = {
  from?: number | undefined;
  to?: number | undefined;
  /** Whole local days of the organisation's zone, both included; they win over from/to. */
  fromDay?: string | undefined;
  toDay?: string | undefined;
};

/** from/to of a query, its days turned into the instants they start and end in the zone. */
function inZone(q: RangeQuery, timeZone: string): RangeQuery {
  return {
    from: q.fromDay !== undefined ? localMidnight(timeZone, q.fromDay) : q.from,
    to: q.toDay !== undefined ? localMidnight(timeZone, nextDay(q.toDay)) : q.to,
  };
}

export interface ReportService {
  /**
   * The figures of a range [from, to) (the last 30 days by default) per day,
   * team or agent; days are the organisation's local days (its business-hours
   * time zone).
   */
  overview(
    actor: AgentActor,
    q: RangeQuery & { by: ReportGrouping },
    read?: ReportRead,
  ): Promise<Report>;
  /** Ratings of the conversations started in a range: count, average, distribution, per agent. */
  ratings(actor: AgentActor, q: RangeQuery, read?: ReportRead): Promise<RatingReport>;
}

/** The range a report covers, checked: same rule for every report. */
function rangeOf(actor: AgentActor, q: RangeQuery): { from: number; to: number } {
  if (!mayReadReports(actor, actor.orgId)) throw new ParleyError('forbidden');
  const to = q.to ?? Date.now() + 1;
  const from = q.from ?? to - 30 * DAY;
  if (from >= to) throw new ParleyError('bad_request', '`from` must be before `to`.');
  if (to - from > REPORT_MAX_DAYS * DAY)
    throw new ParleyError('bad_request', `A report covers at most ${REPORT_MAX_DAYS} days.`);
  return { from, to };
}

/**
 * Reading a report is audited (DESIGN.md law 6): it shows agents' names and
 * their figures, and a CSV leaves the installation. Written before the
 * figures are returned, so a report nobody could audit is not shown (law 7).
 */
async function auditRead(
  store: Store,
  actor: AgentActor,
  report: 'overview' | 'ratings',
  range: { from: number; to: number; by?: ReportGrouping },
  read: ReportRead | undefined,
): Promise<void> {
  await audit.record(store, {
    orgId: actor.orgId,
    actor: { kind: 'agent', id: actor.agentId },
    action: read?.format === 'csv' ? 'report.export' : 'report.read',
    outcome: 'success',
    ip: read?.ip ?? null,
    resource: { type: 'report', id: report },
    detail: {
      from: range.from,
      to: range.to,
      ...(range.by ? { by: range.by } : {}),
      format: read?.format ?? 'json',
    },
  });
}

export function createReportService(deps: { store: Store }): ReportService {
  const { store } = deps;
  const labels = async (orgId: string, by: ReportGrouping) => {
    if (by === 'team')
      return new Map((await store.routing.teams(orgId)).map((t) => [t.id, t.name]));
    if (by === 'agent') return new Map((await store.agents.list(orgId)).map((a) => [a.id, a.name]));
    return new Map<string, string>();
  };
  const labelOf = (by: ReportGrouping, key: string | null, names: Map<string, string>) => {
    if (by === 'day') return dayLabel(key);
    if (key === null) return by === 'team' ? 'No team' : 'No agent';
    return names.get(key) ?? (by === 'team' ? 'Deleted team' : 'Deleted agent');
  };

  /** The organisation's zone (its business hours'), UTC when it has set none. */
  const zoneOf = async (orgId: string) => (await store.offline.hours(orgId))?.timeZone ?? 'UTC';

  return {
    async ratings(actor, q, read) {
      const days = q.fromDay !== undefined || q.toDay !== undefined;
      const { from, to } = rangeOf(actor, days ? inZone(q, await zoneOf(actor.orgId)) : q);
      const [rows, names] = await Promise.all([
        store.reports.ratings(actor.orgId, { from, to, by: 'agent' }),
        labels(actor.orgId, 'agent'),
      ]);
      await auditRead(store, actor, 'ratings', { from, to }, read);
      return ratingReport(from, to, rows, names);
    },

    async overview(actor, q, read) {
      if (!mayReadReports(actor, actor.orgId)) throw new ParleyError('forbidden');
      const orgId = actor.orgId;
      const timeZone = await zoneOf(orgId);
      const { from, to } = rangeOf(actor, inZone(q, timeZone));
      const range: ReportRange = { from, to, by: q.by };
      if (q.by === 'day') range.zone = offsetSegments(timeZone, from, to);
      const [conversations, ratings, payments, names] = await Promise.all([
        store.reports.conversations(orgId, range),
        store.reports.ratings(orgId, range),
        store.reports.payments(orgId, range),
        labels(orgId, q.by),
      ]);
      const buckets = new Map<string, Bucket>();
      const at = (key: string | null): Bucket => {
        const id = key ?? '\u0000none';
        let b = buckets.get(id);
        if (!b) {
          b = { ...emptySums(), key, label: labelOf(q.by, key, names) };
          buckets.set(id, b);
        }
        return b;
      };
      for (const c of conversations) {
        const b = at(c.key);
        b.conversations += c.conversations;
        b.missed += c.missed;
        b.waiting = [b.waiting[0] + c.waitingSum, b.waiting[1] + c.waitingCount];
        b.firstResponse = [
          b.firstResponse[0] + c.firstResponseSum,
          b.firstResponse[1] + c.firstResponseCount,
        ];
        b.handling = [b.handling[0] + c.handlingSum, b.handling[1] + c.handlingCount];
      }
      for (const r of ratings) {
        const b = at(r.key);
        b.ratings = [b.ratings[0] + r.score * r.count, b.ratings[1] + r.count];
      }
      for (const p of payments) addPayment(at(p.key), p);
      const totals = emptySums();
      const rows = [...buckets.values()];
      for (const b of rows) addSums(totals, b);
      // Days in order; teams and agents by name, "none" last.
      rows.sort((a, b) =>
        q.by === 'day'
          ? Number(a.key) - Number(b.key)
          : a.key === null
            ? 1
            : b.key === null
              ? -1
              : a.label.localeCompare(b.label),
      );
      await auditRead(store, actor, 'overview', { from, to, by: q.by }, read);
      return { from, to, timeZone, by: q.by, totals, buckets: rows };
    },
  };
}
