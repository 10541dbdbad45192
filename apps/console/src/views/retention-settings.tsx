import { useEffect, useState } from 'preact/hooks';
import {
  AUDIT_RETENTION_FLOOR_DAYS,
  type RetentionSettings,
  type RetentionSettingsUpdate,
} from '@parley/protocol';
import { privacyApi } from '../lib/privacy-api';
import { explain, useAction } from '../lib/use-action';

type Field = 'conversationDays' | 'fileDays' | 'securityEventDays' | 'auditDays';
const FIELDS: { key: Field; label: string; min: number }[] = [
  { key: 'conversationDays', label: 'Closed conversations, days after closing', min: 1 },
  { key: 'fileDays', label: 'Files, days after upload', min: 1 },
  { key: 'securityEventDays', label: 'Security events, days', min: 30 },
  {
    key: 'auditDays',
    label: `Audit log, days (at least ${AUDIT_RETENTION_FLOOR_DAYS}, PCI DSS 10.5.1)`,
    min: AUDIT_RETENTION_FLOOR_DAYS,
  },
];

const when = (ms: number | null) => (ms === null ? 'not finished' : new Date(ms).toLocaleString());

/** The retention section of the privacy page (issue 12 item 4). An empty field keeps forever. */
export function RetentionSection() {
  const [s, setS] = useState<RetentionSettings | null>(null);
  const [form, setForm] = useState<Record<Field, string> & { action: 'delete' | 'anonymise' }>();
  const [saved, setSaved] = useState<string | null>(null);
  const { busy, error, setError, run } = useAction();
  const load = (r: RetentionSettings) => {
    setS(r);
    setForm({
      conversationDays: r.conversationDays?.toString() ?? '',
      fileDays: r.fileDays?.toString() ?? '',
      securityEventDays: r.securityEventDays?.toString() ?? '',
      auditDays: r.auditDays?.toString() ?? '',
      action: r.conversationAction,
    });
  };
  useEffect(() => {
    privacyApi.retention().then(load, (e: unknown) => setError(explain(e)));
  }, []);
  const days = (v: string) => (v.trim() === '' ? null : Number(v));
  /** The first period out of range, in words; null when all are fine. */
  const invalid = (f: NonNullable<typeof form>): string | null => {
    for (const x of FIELDS) {
      const n = days(f[x.key]);
      if (n !== null && (!Number.isInteger(n) || n < x.min || n > 36500))
        return x.key === 'auditDays'
          ? `The audit log must be kept at least ${AUDIT_RETENTION_FLOOR_DAYS} days (PCI DSS 10.5.1).`
          : `${x.label}: a whole number from ${x.min} to 36500, or empty to keep.`;
    }
    return null;
  };
  const save = () =>
    run(async () => {
      if (!form) return;
      setSaved(null);
      const problem = invalid(form);
      if (problem) return setError(problem);
      const input: RetentionSettingsUpdate = {
        conversationDays: days(form.conversationDays),
        conversationAction: form.action,
        fileDays: days(form.fileDays),
        securityEventDays: days(form.securityEventDays),
        auditDays: days(form.auditDays),
      };
      load(await privacyApi.saveRetention(input));
      setSaved('Saved. The next purge (every 15 minutes, on one node) applies it.');
    });
  return (
    <form
      class="card privacy-card"
      aria-labelledby="retention-h"
      data-testid="retention-settings"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2 id="retention-h">Retention</h2>
      <p>
        How long Parley keeps what it holds. Leave a field empty to keep that kind of data until it
        is erased by hand.
      </p>
      {!form || !s ? (
        <p>{error ?? 'Loading…'}</p>
      ) : (
        <>
          {FIELDS.map((f) => (
            <div key={f.key} class="field">
              <label for={`ret-${f.key}`}>{f.label}</label>
              <input
                id={`ret-${f.key}`}
                type="number"
                min={f.min}
                max={36500}
                inputMode="numeric"
                value={form[f.key]}
                onInput={(e) => setForm({ ...form, [f.key]: e.currentTarget.value })}
              />
            </div>
          ))}
          <fieldset>
            <legend>Expired conversations are</legend>
            <label class="check">
              <input
                type="radio"
                name="ret-action"
                checked={form.action === 'delete'}
                onChange={() => setForm({ ...form, action: 'delete' })}
              />{' '}
              Deleted entirely
            </label>
            <label class="check">
              <input
                type="radio"
                name="ret-action"
                checked={form.action === 'anonymise'}
                onChange={() => setForm({ ...form, action: 'anonymise' })}
              />{' '}
              Anonymised: content erased, counts kept for reports
            </label>
          </fieldset>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          {saved && (
            <p class="saved" role="status">
              {saved}
            </p>
          )}
          <div class="actions">
            <button type="submit" class="btn primary" disabled={busy}>
              {busy ? 'Saving…' : 'Save retention'}
            </button>
          </div>
          <p data-testid="retention-last-run">
            {s.lastRun
              ? `Last purge ${when(s.lastRun.startedAt)} (finished ${when(s.lastRun.finishedAt)}): ${s.lastRun.conversations} conversation(s), ${s.lastRun.files} file(s), ${s.lastRun.securityEvents} security event(s), ${s.lastRun.auditEntries} audit entr(ies).`
              : 'No purge has run yet.'}
          </p>
        </>
      )}
    </form>
  );
}
