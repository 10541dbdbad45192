import type { ReportFigures, ReportOverview } from '@parley/protocol';
import type { Report, Sums } from './service';

const mean = ([sum, count]: [number, number]) => ({
  count,
  averageMs: count === 0 ? null : Math.round(sum / count),
});

/** The figures of a bucket or the totals: averages from sums, amounts per currency in order. */
export function presentFigures(s: Sums): ReportFigures {
  return {
    conversations: s.conversations,
    missed: s.missed,
    waiting: mean(s.waiting),
    firstResponse: mean(s.firstResponse),
    handling: mean(s.handling),
    ratings: {
      count: s.ratings[1],
      average: s.ratings[1] === 0 ? null : Math.round((s.ratings[0] / s.ratings[1]) * 100) / 100,
    },
    payments: {
      count: s.payments.count,
      succeeded: s.payments.succeeded,
      failed: s.payments.failed,
      amounts: [...s.payments.amounts]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, amount]) => ({ currency, amount })),
    },
  };
}

export function presentReport(r: Report): ReportOverview {
  return {
    from: r.from,
    to: r.to,
    timeZone: r.timeZone,
    by: r.by,
    totals: presentFigures(r.totals),
    rows: r.buckets.map((b) => ({ key: b.key, label: b.label, ...presentFigures(b) })),
  };
}

const CSV_HEADER = [
  'group',
  'key',
  'conversations',
  'missed',
  'waiting_avg_seconds',
  'first_response_avg_seconds',
  'handling_avg_seconds',
  'ratings',
  'rating_avg',
  'payments',
  'payments_succeeded',
  'payments_failed',
  'amounts_succeeded',
];

/**
 * RFC 4180 quoting; a cell that a spreadsheet would run as a formula (=, +, -, @,
 * tab, CR) is prefixed with a quote (OWASP "CSV injection"): labels are names
 * people typed.
 */
function cell(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10);

/** The report as CSV: one line per bucket, then a line of totals. */
export function presentReportCsv(r: ReportOverview): string {
  const line = (label: string, key: string | null, f: ReportFigures) =>
    [
      label,
      key,
      f.conversations,
      f.missed,
      seconds(f.waiting.averageMs),
      seconds(f.firstResponse.averageMs),
      seconds(f.handling.averageMs),
      f.ratings.count,
      f.ratings.average,
      f.payments.count,
      f.payments.succeeded,
      f.payments.failed,
      f.payments.amounts.map((a) => `${a.currency} ${a.amount}`).join(' '),
    ]
      .map(cell)
      .join(',');
  return [
    CSV_HEADER.join(','),
    ...r.rows.map((row) => line(row.label, row.key, row)),
    line('Total', null, r.totals),
  ]
    .map((l) => `${l}\r\n`)
    .join('');
}
