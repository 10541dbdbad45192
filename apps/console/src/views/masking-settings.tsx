import { useEffect, useState } from 'preact/hooks';
import type { CustomMaskingRule, MaskingSettings, SessionInfo } from '@parley/protocol';
import { ApiError } from '../lib/api';
import { maskingApi } from '../lib/masking-api';

const explain = (e: unknown): string =>
  e instanceof ApiError ? e.message : 'Something went wrong.';
const PAN_DISPLAYS = [
  ['last4', 'Last four digits (•••• •••• •••• 4242)'],
  ['bin_last4', 'First six and last four (4242 42•• •••• 4242)'],
  ['none', 'No digits (•••• •••• •••• ••••)'],
] as const;
const EMPTY_RULE = { id: '', pattern: '', label: '', flags: '' };

/** Admin page: which secrets are masked, how card numbers are shown, the organisation's own rules. */
export function MaskingSettingsPage({ session }: { session: SessionInfo }) {
  const [settings, setSettings] = useState<MaskingSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [draft, setDraft] = useState(EMPTY_RULE);

  useEffect(() => {
    maskingApi.get().then(setSettings, (e: unknown) => setError(explain(e)));
  }, []);

  async function save(patch: Parameters<typeof maskingApi.save>[0]): Promise<boolean> {
    setError(null);
    setNotice(null);
    try {
      setSettings(await maskingApi.save(patch));
      setNotice('Saved. New messages are masked with these settings.');
      return true;
    } catch (e) {
      setError(explain(e));
      return false;
    }
  }

  async function addRule(ev: Event) {
    ev.preventDefault();
    if (!settings) return;
    const rule: CustomMaskingRule = {
      id: draft.id.trim(),
      pattern: draft.pattern,
      ...(draft.label.trim() ? { label: draft.label.trim() } : {}),
      ...(draft.flags ? { flags: draft.flags } : {}),
    };
    if (await save({ customRules: [...settings.customRules, rule] })) setDraft(EMPTY_RULE);
  }

  if (session.agent.role !== 'admin')
    return <p role="alert">Only administrators can change masking.</p>;
  return (
    <main class="admin-main masking-settings" data-testid="masking-settings">
      <h1>Masking</h1>
      <p>
        <a href="/">Back to conversations</a>
      </p>
      {error && (
        <p class="error" role="alert" data-testid="masking-error">
          {error}
        </p>
      )}
      {notice && <p role="status">{notice}</p>}
      {!settings ? (
        !error && <p>Loading…</p>
      ) : (
        <>
          <section>
            <h2>Rules</h2>
            <p>
              Card numbers, expiry dates and CVVs should stay on: PCI DSS does not allow card data
              in chat.
            </p>
            <ul class="rule-list">
              {Object.entries(settings.rules).map(([id, on]) => (
                <li key={id}>
                  <label>
                    <input
                      type="checkbox"
                      checked={on}
                      onChange={() => void save({ rules: { [id]: !on } })}
                    />{' '}
                    {id.replace(/_/g, ' ')}
                  </label>
                </li>
              ))}
            </ul>
          </section>
          <section>
            <h2>Card numbers shown to agents as</h2>
            {PAN_DISPLAYS.map(([value, label]) => (
              <label key={value} class="radio">
                <input
                  type="radio"
                  name="pan-display"
                  checked={settings.panDisplay === value}
                  onChange={() => void save({ panDisplay: value })}
                />{' '}
                {label}
              </label>
            ))}
          </section>
          <section>
            <h2>Your own rules</h2>
            {settings.customRules.length === 0 ? (
              <p>None yet.</p>
            ) : (
              <ul class="custom-rules">
                {settings.customRules.map((r) => (
                  <li key={r.id}>
                    <code>{r.id}</code>{' '}
                    <code>
                      /{r.pattern}/{r.flags ?? ''}
                    </code>{' '}
                    → [{r.label ?? 'secret'} hidden]{' '}
                    <button
                      type="button"
                      class="btn small"
                      onClick={() =>
                        void save({
                          customRules: settings.customRules.filter((x) => x.id !== r.id),
                        })
                      }
                    >
                      Remove
                    </button>
                  </li>
                ))}
              </ul>
            )}
            <form onSubmit={(ev) => void addRule(ev)} class="custom-rule-form">
              <label>
                Name (a-z, 0-9, _ or -){' '}
                <input
                  required
                  value={draft.id}
                  onInput={(e) => setDraft({ ...draft, id: e.currentTarget.value })}
                />
              </label>
              <label>
                Pattern (JavaScript regular expression){' '}
                <input
                  required
                  value={draft.pattern}
                  onInput={(e) => setDraft({ ...draft, pattern: e.currentTarget.value })}
                />
              </label>
              <label>
                Shown as “[… hidden]”{' '}
                <input
                  value={draft.label}
                  placeholder="secret"
                  onInput={(e) => setDraft({ ...draft, label: e.currentTarget.value })}
                />
              </label>
              <label>
                Flags{' '}
                <input
                  value={draft.flags}
                  placeholder="i, m, s, u"
                  maxLength={4}
                  onInput={(e) => setDraft({ ...draft, flags: e.currentTarget.value })}
                />
              </label>
              <button type="submit" class="btn">
                Add rule
              </button>
            </form>
          </section>
        </>
      )}
    </main>
  );
}
