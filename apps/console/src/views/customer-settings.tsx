import { useEffect, useState } from 'preact/hooks';
import {
  BusinessHoursEnvelopeSchema,
  type BusinessHours,
  type RatingReport,
  type SessionInfo,
} from '@parley/protocol';
import { call } from '../lib/api';
import { feedbackApi } from '../lib/feedback-api';
import { explain, useAction } from '../lib/use-action';
import { SettingsHeader } from './settings-header';

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** "09:00-17:00, 18:00-20:00" ⇄ spans; empty is closed. */
const spansText = (spans: BusinessHours['week'][number]) =>
  spans.map((s) => `${s.from}-${s.to}`).join(', ');
function parseSpans(text: string): BusinessHours['week'][number] | null {
  if (text.trim() === '') return [];
  const out = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})\s*$/.exec(part);
    if (!m?.[1] || !m[2]) return null;
    out.push({ from: m[1], to: m[2] });
  }
  return out;
}

/**
 * The customer's side (docs/feedback.md): business hours and the offline text (admins), and
 * the ratings of the last 30 days.
 */
export function CustomerSettingsPage({ session }: { session: SessionInfo }) {
  const [hours, setHours] = useState<BusinessHours | null>(null);
  const [days, setDays] = useState<string[]>([]);
  const [report, setReport] = useState<RatingReport | null>(null);
  const [saved, setSaved] = useState(false);
  const { busy, error, setError, run } = useAction();

  useEffect(() => {
    call(BusinessHoursEnvelopeSchema, '/api/settings/hours').then(
      (r) => {
        setHours(r.hours);
        setDays(r.hours.week.map(spansText));
      },
      (e: unknown) => setError(explain(e)),
    );
    feedbackApi.report().then(setReport, () => undefined);
  }, []);

  const save = () =>
    run(async () => {
      if (!hours) return;
      const week = days.map(parseSpans);
      const bad = week.findIndex((w) => w === null);
      if (bad >= 0) throw new Error(`${DAYS[bad]}: write spans like 09:00-17:00, or leave empty.`);
      const r = await call(BusinessHoursEnvelopeSchema, '/api/settings/hours', 'PUT', {
        ...hours,
        week,
      });
      setHours(r.hours);
      setSaved(true);
    }).then(() => undefined);

  return (
    <div class="app admin">
      <SettingsHeader session={session} links={[['/settings/organisation', 'Organisation']]} />
      <main class="admin-main" data-testid="customer-settings">
        <h1>Business hours and ratings</h1>
        <p>
          Outside these hours, or when no agent is signed in, the widget says so and offers a form
          to leave a message; replies go to the customer by e-mail (see docs/feedback.md).
        </p>
        {error && (
          <p class="banner error" role="alert">
            {error}
          </p>
        )}
        {hours && (
          <form
            class="card"
            onSubmit={(e) => {
              e.preventDefault();
              setSaved(false);
              void save();
            }}
          >
            <label>
              <input
                type="checkbox"
                checked={hours.enabled}
                onChange={(e) => setHours({ ...hours, enabled: e.currentTarget.checked })}
              />{' '}
              Use business hours (off: open around the clock)
            </label>
            <label for="hours-tz">Time zone (IANA, e.g. Europe/Berlin)</label>
            <input
              id="hours-tz"
              value={hours.timeZone}
              onInput={(e) => setHours({ ...hours, timeZone: e.currentTarget.value })}
            />
            {DAYS.map((d, i) => (
              <div key={d}>
                <label for={`hours-${i}`}>{d}</label>
                <input
                  id={`hours-${i}`}
                  placeholder="closed"
                  value={days[i] ?? ''}
                  onInput={(e) => {
                    const next = [...days];
                    next[i] = e.currentTarget.value;
                    setDays(next);
                  }}
                />
              </div>
            ))}
            <label for="hours-text">Offline text</label>
            <textarea
              id="hours-text"
              maxLength={300}
              value={hours.offlineText}
              onInput={(e) => setHours({ ...hours, offlineText: e.currentTarget.value })}
            />
            <button type="submit" class="btn primary" disabled={busy}>
              Save
            </button>
            {saved && <span role="status"> Saved.</span>}
          </form>
        )}
        {report && (
          <section class="card ratings-report" data-testid="ratings-report">
            <h2>Ratings, last 30 days</h2>
            <p>
              {report.count} ratings
              {report.average !== null && `, average ${report.average} of 5`}
            </p>
            <table>
              <thead>
                <tr>
                  <th scope="col">Agent</th>
                  <th scope="col">Ratings</th>
                  <th scope="col">Average</th>
                </tr>
              </thead>
              <tbody>
                {report.agents.map((a) => (
                  <tr key={a.agentId ?? '-'}>
                    <td>{a.name ?? 'Nobody assigned'}</td>
                    <td>{a.count}</td>
                    <td>{a.average}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </main>
    </div>
  );
}
