import { useEffect, useState } from 'preact/hooks';
import type { ConsentSettings, ConsentSettingsUpdate } from '@parley/protocol';
import { privacyApi } from '../lib/privacy-api';
import { explain, useAction } from '../lib/use-action';

const date = (ms: number) => (ms === 0 ? 'built in' : new Date(ms).toLocaleString());

/** The pre-chat consent section of the privacy page (issue 12 item 1). */
export function ConsentSection() {
  const [s, setS] = useState<ConsentSettings | null>(null);
  const [form, setForm] = useState<ConsentSettingsUpdate | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const { busy, error, setError, run } = useAction();

  const load = (next: ConsentSettings) => {
    setS(next);
    setForm({
      required: next.required,
      text: next.text,
      privacyUrl: next.privacyUrl,
      onWithdrawal: next.onWithdrawal,
    });
  };
  useEffect(() => {
    privacyApi.consent().then(load, (e: unknown) => setError(explain(e)));
  }, []);

  const save = () =>
    run(async () => {
      if (!form || !s) return;
      setSaved(null);
      const before = s.version;
      const next = await privacyApi.saveConsent({
        ...form,
        text: form.text.trim(),
        privacyUrl: form.privacyUrl?.trim() ? form.privacyUrl.trim() : null,
      });
      load(next);
      setSaved(
        next.version !== before
          ? `Saved as version ${next.version}. Visitors accept the new notice from now on.`
          : 'Saved.',
      );
    });

  return (
    <form
      class="card privacy-card"
      aria-labelledby="consent-h"
      data-testid="consent-settings"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2 id="consent-h">Pre-chat consent</h2>
      <p>
        The chat shows this notice before the first message. Changing the text or the link makes a
        new version; consents already given keep the version they were given to.
      </p>
      {!form || !s ? (
        <p>{error ?? 'Loading…'}</p>
      ) : (
        <>
          <label class="check">
            <input
              type="checkbox"
              checked={form.required}
              onChange={(e) => setForm({ ...form, required: e.currentTarget.checked })}
            />{' '}
            Consent is required before chatting
          </label>
          <label for="consent-text-input">Notice (version {s.version})</label>
          <textarea
            id="consent-text-input"
            rows={4}
            maxLength={2000}
            required
            minLength={10}
            value={form.text}
            onInput={(e) => setForm({ ...form, text: e.currentTarget.value })}
          />
          <label for="consent-url">Privacy policy link (optional)</label>
          <input
            id="consent-url"
            type="url"
            maxLength={500}
            placeholder="https://shop.example/privacy"
            value={form.privacyUrl ?? ''}
            onInput={(e) => setForm({ ...form, privacyUrl: e.currentTarget.value })}
          />
          <fieldset>
            <legend>When a visitor withdraws consent</legend>
            <label class="check">
              <input
                type="radio"
                name="on-withdrawal"
                checked={form.onWithdrawal === 'erase'}
                onChange={() => setForm({ ...form, onWithdrawal: 'erase' })}
              />{' '}
              End the chat and erase the visitor's data at once
            </label>
            <label class="check">
              <input
                type="radio"
                name="on-withdrawal"
                checked={form.onWithdrawal === 'close'}
                onChange={() => setForm({ ...form, onWithdrawal: 'close' })}
              />{' '}
              End the chat; retention deletes it on schedule
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
              {busy ? 'Saving…' : 'Save consent settings'}
            </button>
          </div>
          <details>
            <summary>Earlier versions ({s.versions.length})</summary>
            <ol class="consent-versions" reversed>
              {s.versions.map((v) => (
                <li key={v.version}>
                  <strong>
                    Version {v.version} · {date(v.createdAt)}
                  </strong>
                  <p>{v.text}</p>
                  {v.privacyUrl && <p>{v.privacyUrl}</p>}
                </li>
              ))}
            </ol>
          </details>
        </>
      )}
    </form>
  );
}
