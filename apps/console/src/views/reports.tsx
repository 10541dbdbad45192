import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ReportFigures, ReportGrouping, ReportOverview, SessionInfo } from '@parley/protocol';
import { reportsApi } from '../lib/reports-api';
import { SettingsHeader } from './settings-header';
import './reports.css';
import { t } from '../i18n';
import { pageTitle } from './format';

const DAY = 86_400_000;
// The date fields' days (the agent's own calendar); the server reads them as the
// organisation's local days.
const isoDay = (ms: number) => new Date(ms).toLocaleDateString('en-CA');
/** The day (YYYY-MM-DD) an instant falls on in a zone. */
const zoneDay = (ms: number, timeZone: string) =>
  new Date(ms).toLocaleDateString('en-CA', { timeZone });

/** A duration as people read it: 45 s, 3 min 15 s, 1 h 5 min. */
export function duration(ms: number | null): string {
  if (ms === null) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

const money = (f: ReportFigures) =>
  f.payments.amounts.length === 0
    ? '—'
    : f.payments.amounts
        .map((a) =>
          new Intl.NumberFormat(undefined, { style: 'currency', currency: a.currency }).format(
            a.amount / 100,
          ),
        )
        .join(', ');

const GROUPINGS: { value: ReportGrouping; label: string }[] = [
  { value: 'day', label: 'Day' },
  { value: 'team', label: 'Team' },
  { value: 'agent', label: 'Agent' },
];

/**
 * Reports (issue 17 item 6, docs/operations.md "Reports"): conversations,
 * missed chats, waiting, first-response and handling times, ratings and
 * payments per day, team or agent, for supervisors and admins. The chart
 * (uPlot) is loaded as its own chunk, only on this page.
 */
export function ReportsPage({ session }: { session: SessionInfo }) {
  const today = isoDay(Date.now());
  const [fromDay, setFromDay] = useState(isoDay(Date.now() - 29 * DAY));
  const [toDay, setToDay] = useState(today);
  const [by, setBy] = useState<ReportGrouping>('day');
  const [report, setReport] = useState<ReportOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [Chart, setChart] = useState<ComponentType<{ report: ReportOverview }> | null>(null);

  const load = () => {
    if (fromDay > toDay) {
      setError('The first day must not be after the last.');
      return;
    }
    setError(null);
    reportsApi.overview(fromDay, toDay, by).then(setReport, (err: unknown) => {
      setReport(null);
      setError(err instanceof Error ? err.message : 'The report could not be loaded.');
    });
  };

  // Once on opening; later loads are the form's.
  useEffect(() => {
    document.title = pageTitle(t('workspace.navReports'));
    load();
    import('./report-chart').then(
      (m) => setChart(() => m.default),
      () => undefined, // The table still shows every number.
    );
  }, []);

  return (
    <div class="app admin">
      <SettingsHeader session={session} links={[['/', 'Conversations']]} />
      <main class="admin-main reports" data-testid="reports">
        <h1>Reports</h1>
        <form
          class="report-filters"
          onSubmit={(e) => {
            e.preventDefault();
            load();
          }}
        >
          <label>
            From
            <input
              type="date"
              value={fromDay}
              max={toDay}
              required
              onInput={(e) => setFromDay(e.currentTarget.value)}
            />
          </label>
          <label>
            To
            <input
              type="date"
              value={toDay}
              min={fromDay}
              required
              onInput={(e) => setToDay(e.currentTarget.value)}
            />
          </label>
          <label>
            Per
            <select value={by} onChange={(e) => setBy(e.currentTarget.value as ReportGrouping)}>
              {GROUPINGS.map((g) => (
                <option key={g.value} value={g.value}>
                  {g.label}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="btn">
            Show
          </button>
          <a
            class="btn"
            href={reportsApi.csvUrl(fromDay, toDay, by)}
            download
            data-testid="report-csv"
          >
            Download CSV
          </a>
        </form>
        {error && <p role="alert">{error}</p>}
        {!report && !error && <p role="status">Loading…</p>}
        {report && <ReportBody report={report} Chart={Chart} />}
      </main>
    </div>
  );
}

function ReportBody({
  report,
  Chart,
}: {
  report: ReportOverview;
  Chart: ComponentType<{ report: ReportOverview }> | null;
}) {
  const t = report.totals;
  const cards: [string, string][] = [
    ['Conversations', String(t.conversations)],
    ['Missed', String(t.missed)],
    ['Average wait', duration(t.waiting.averageMs)],
    ['Average first response', duration(t.firstResponse.averageMs)],
    ['Average handling', duration(t.handling.averageMs)],
    ['Rating', t.ratings.average === null ? '—' : `${t.ratings.average} / 5 (${t.ratings.count})`],
    ['Payments', `${t.payments.succeeded} paid, ${t.payments.failed} failed`],
    ['Taken', money(t)],
  ];
  return (
    <>
      <dl class="report-totals" data-testid="report-totals">
        {cards.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {report.rows.length > 0 && Chart && <Chart report={report} />}
      {report.rows.length === 0 ? (
        <p>No conversations in this range.</p>
      ) : (
        <div class="table-scroll" tabIndex={0} role="region" aria-label="Report table">
          <table class="report-table" data-testid="report-table">
            <caption>
              Per {report.by}, {zoneDay(report.from, report.timeZone)} to{' '}
              {zoneDay(report.to - 1, report.timeZone)} ({report.timeZone})
            </caption>
            <thead>
              <tr>
                <th scope="col">
                  {report.by === 'day' ? 'Day' : report.by === 'team' ? 'Team' : 'Agent'}
                </th>
                <th scope="col">Conversations</th>
                <th scope="col">Missed</th>
                <th scope="col">Wait</th>
                <th scope="col">First response</th>
                <th scope="col">Handling</th>
                <th scope="col">Rating</th>
                <th scope="col">Payments</th>
                <th scope="col">Taken</th>
              </tr>
            </thead>
            <tbody>
              {report.rows.map((r) => (
                <tr key={r.key ?? 'none'}>
                  <th scope="row">{r.label}</th>
                  <td>{r.conversations}</td>
                  <td>{r.missed}</td>
                  <td>{duration(r.waiting.averageMs)}</td>
                  <td>{duration(r.firstResponse.averageMs)}</td>
                  <td>{duration(r.handling.averageMs)}</td>
                  <td>{r.ratings.average ?? '—'}</td>
                  <td>
                    {r.payments.succeeded}/{r.payments.count}
                  </td>
                  <td>{money(r)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
