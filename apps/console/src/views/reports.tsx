import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ReportFigures, ReportGrouping, ReportOverview, SessionInfo } from '@parley/protocol';
import { GROUPING_LABELS, reportsApi } from '../lib/reports-api';
import { SettingsHeader } from './settings-header';
import './reports.css';
import { formatAmount, t } from '../i18n';
import { pageTitle } from './format';
import { errorOf } from '../lib/errors';

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
    : f.payments.amounts.map((a) => formatAmount(a.amount, a.currency)).join(', ');

const GROUPINGS: ReportGrouping[] = ['day', 'team', 'agent'];

/** A row's name: the server's label, but "no team" / "no agent" in the agent's language. */
const rowLabel = (by: ReportGrouping, key: string | null, label: string) =>
  key !== null || by === 'day' ? label : t(by === 'team' ? 'reports.noTeam' : 'reports.noAgent');

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
      setError(t('reports.badRange'));
      return;
    }
    setError(null);
    reportsApi.overview(fromDay, toDay, by).then(setReport, (err: unknown) => {
      setReport(null);
      setError(errorOf(err));
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
      <SettingsHeader session={session} links={[['/', t('reports.backToConversations')]]} />
      <main class="admin-main reports" data-testid="reports">
        <h1>{t('workspace.navReports')}</h1>
        <form
          class="report-filters"
          onSubmit={(e) => {
            e.preventDefault();
            load();
          }}
        >
          <label>
            {t('reports.from')}
            <input
              type="date"
              value={fromDay}
              max={toDay}
              required
              onInput={(e) => setFromDay(e.currentTarget.value)}
            />
          </label>
          <label>
            {t('reports.to')}
            <input
              type="date"
              value={toDay}
              min={fromDay}
              required
              onInput={(e) => setToDay(e.currentTarget.value)}
            />
          </label>
          <label>
            {t('reports.per')}
            <select value={by} onChange={(e) => setBy(e.currentTarget.value as ReportGrouping)}>
              {GROUPINGS.map((g) => (
                <option key={g} value={g}>
                  {t(GROUPING_LABELS[g])}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="btn">
            {t('reports.show')}
          </button>
          <a
            class="btn"
            href={reportsApi.csvUrl(fromDay, toDay, by)}
            download
            data-testid="report-csv"
          >
            {t('reports.downloadCsv')}
          </a>
        </form>
        {error && <p role="alert">{error}</p>}
        {!report && !error && <p role="status">{t('reports.loading')}</p>}
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
  const sum = report.totals;
  const cards: [string, string][] = [
    [t('reports.conversations'), String(sum.conversations)],
    [t('reports.missed'), String(sum.missed)],
    [t('reports.averageWait'), duration(sum.waiting.averageMs)],
    [t('reports.averageFirstResponse'), duration(sum.firstResponse.averageMs)],
    [t('reports.averageHandling'), duration(sum.handling.averageMs)],
    [
      t('reports.rating'),
      sum.ratings.average === null
        ? '—'
        : t('reports.ratingValue', { average: sum.ratings.average, count: sum.ratings.count }),
    ],
    [
      t('reports.payments'),
      t('reports.paymentsValue', { paid: sum.payments.succeeded, failed: sum.payments.failed }),
    ],
    [t('reports.taken'), money(sum)],
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
        <p>{t('reports.empty')}</p>
      ) : (
        <div class="table-scroll" tabIndex={0} role="region" aria-label={t('reports.table')}>
          <table class="report-table" data-testid="report-table">
            <caption>
              {t('reports.caption', {
                by: t(GROUPING_LABELS[report.by]),
                from: zoneDay(report.from, report.timeZone),
                to: zoneDay(report.to - 1, report.timeZone),
                zone: report.timeZone,
              })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t(GROUPING_LABELS[report.by])}</th>
                <th scope="col">{t('reports.conversations')}</th>
                <th scope="col">{t('reports.missed')}</th>
                <th scope="col">{t('reports.wait')}</th>
                <th scope="col">{t('reports.firstResponse')}</th>
                <th scope="col">{t('reports.handling')}</th>
                <th scope="col">{t('reports.rating')}</th>
                <th scope="col">{t('reports.payments')}</th>
                <th scope="col">{t('reports.taken')}</th>
              </tr>
            </thead>
            <tbody>
              {report.rows.map((r) => (
                <tr key={r.key ?? 'none'}>
                  <th scope="row">{rowLabel(report.by, r.key, r.label)}</th>
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
