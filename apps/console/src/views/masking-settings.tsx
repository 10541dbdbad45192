import { useEffect, useState } from 'preact/hooks';
import { MaskingRuleTestResultSchema } from '@parley/protocol';
import type {
  CustomMaskingRule,
  MaskingRuleTestResult,
  MaskingSettings,
  SessionInfo,
} from '@parley/protocol';
import { call } from '../lib/api';
import { maskingApi } from '../lib/masking-api';
import { errorOf } from '../lib/errors';

const explain = (e: unknown): string => errorOf(e);
const PAN_DISPLAYS = [
  ['last4', 'Last four digits', '•••• •••• •••• 4242'],
  ['bin_last4', 'First six and last four', '4242 42•• •••• 4242'],
  ['none', 'No digits', '•••• •••• •••• ••••'],
] as const;
const EMPTY_RULE = { id: '', pattern: '', label: '', flags: '' };

/** Each built-in rule in words (rule ids as in @parley/masking RULE_IDS). */
const RULE_NAMES: Readonly<Record<string, string>> = {
  pan: 'Card numbers',
  cvv: 'Card security codes (CVV)',
  expiry: 'Card expiry dates',
  iban: 'Bank account numbers (IBAN)',
  ssn: 'US Social Security numbers',
  uk_nino: 'UK National Insurance numbers',
  email: 'E-mail addresses',
  phone: 'Phone numbers',
  aws_access_key: 'AWS access keys',
  github_token: 'GitHub tokens',
  stripe_key: 'Stripe keys',
  slack_token: 'Slack tokens',
  google_api_key: 'Google API keys',
  openai_key: 'OpenAI API keys',
  npm_token: 'npm tokens',
  jwt: 'Login tokens (JWT)',
  private_key: 'Private keys',
};
// The PCI floor (PCI_FLOOR_RULES in @parley/masking): the server refuses to switch these off.
const LOCKED = new Set(['pan', 'cvv', 'expiry']);

/** Admin page: which secrets are masked, how card numbers are shown, the organisation's own rules. */
export function MaskingSettingsPage({ session }: { session: SessionInfo }) {
  const [settings, setSettings] = useState<MaskingSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [draft, setDraft] = useState(EMPTY_RULE);
  const [sample, setSample] = useState('');
  const [tried, setTried] = useState<MaskingRuleTestResult | null>(null);
  const [tryError, setTryError] = useState<string | null>(null);

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

  function draftRule(): CustomMaskingRule {
    return {
      id: draft.id.trim(),
      pattern: draft.pattern,
      ...(draft.label.trim() ? { label: draft.label.trim() } : {}),
      ...(draft.flags ? { flags: draft.flags } : {}),
    };
  }

  async function addRule(ev: Event) {
    ev.preventDefault();
    if (!settings) return;
    if (await save({ customRules: [...settings.customRules, draftRule()] })) {
      setDraft(EMPTY_RULE);
      setTried(null);
    }
  }

  async function tryRule() {
    setTryError(null);
    setTried(null);
    try {
      const rule = draftRule();
      const body = { rule: { ...rule, id: rule.id || 'candidate' }, text: sample };
      setTried(await call(MaskingRuleTestResultSchema, '/api/settings/masking/test', 'POST', body));
    } catch (e) {
      setTryError(explain(e));
    }
  }

  if (session.agent.role !== 'admin')
    return (
      <p class="centered" role="alert">
        Only administrators can change masking.
      </p>
    );
  return (
    <div class="app admin">
      <header class="topbar">
        <div class="topbar-left">
          <a class="brand" href="/">
            Parley
          </a>
          <span class="org">{session.organisation.name}</span>
        </div>
        <div class="topbar-right">
          <a class="btn small" href="/">
            Back to conversations
          </a>
          <span class="agent-name">{session.agent.name}</span>
        </div>
      </header>
      <main class="admin-main org-settings masking-settings" data-testid="masking-settings">
        <h1>Masking</h1>
        {error && (
          <p class="error" role="alert" data-testid="masking-error">
            {error}
          </p>
        )}
        {notice && (
          <p class="saved" role="status">
            {notice}
          </p>
        )}
        {!settings ? (
          !error && <p>Loading…</p>
        ) : (
          <div class="settings-grid">
            <section class="card settings-card" aria-labelledby="masking-rules-title">
              <h2 id="masking-rules-title">What is hidden</h2>
              <p class="hint">
                Hidden before anything is stored, logged or shown to an agent. Card numbers, CVVs
                and expiry dates are always hidden: PCI DSS forbids keeping a CVV after
                authorisation (3.3.1) and showing more of a card than its first six and last four
                digits (3.4.1).
              </p>
              <ul class="rule-list">
                {Object.entries(settings.rules).map(([id, on]) => {
                  const locked = LOCKED.has(id);
                  return (
                    <li key={id} class={locked ? 'locked' : undefined}>
                      <label>
                        <input
                          type="checkbox"
                          checked={locked || on}
                          disabled={locked}
                          aria-describedby={locked ? 'masking-floor' : undefined}
                          onChange={() => void save({ rules: { [id]: !on } })}
                        />{' '}
                        {RULE_NAMES[id] ?? id.replace(/_/g, ' ')}
                      </label>
                      {locked && <span class="lock-note">Always on</span>}
                    </li>
                  );
                })}
              </ul>
              <p class="hint" id="masking-floor">
                “Always on” rules cannot be switched off (PCI DSS 3.3.1, 3.4.1).
              </p>
            </section>
            <section class="card settings-card" aria-labelledby="masking-display-title">
              <h2 id="masking-display-title">Card numbers are shown to agents as</h2>
              {PAN_DISPLAYS.map(([value, label, example]) => (
                <label key={value} class="radio">
                  <input
                    type="radio"
                    name="pan-display"
                    checked={settings.panDisplay === value}
                    onChange={() => void save({ panDisplay: value })}
                  />{' '}
                  {label} <code>{example}</code>
                </label>
              ))}
            </section>
            <section class="card settings-card" aria-labelledby="masking-custom-title">
              <h2 id="masking-custom-title">Your own rules</h2>
              {settings.customRules.length === 0 ? (
                <p class="empty-note">None yet.</p>
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
                  Name (a-z, 0-9, _ or -)
                  <input
                    required
                    value={draft.id}
                    onInput={(e) => setDraft({ ...draft, id: e.currentTarget.value })}
                  />
                </label>
                <label>
                  Pattern (RE2 regular expression: no look-around or backreferences)
                  <input
                    required
                    value={draft.pattern}
                    onInput={(e) => setDraft({ ...draft, pattern: e.currentTarget.value })}
                  />
                </label>
                <label>
                  Shown as “[… hidden]”
                  <input
                    value={draft.label}
                    placeholder="secret"
                    onInput={(e) => setDraft({ ...draft, label: e.currentTarget.value })}
                  />
                </label>
                <label>
                  Flags
                  <input
                    value={draft.flags}
                    placeholder="i, m, s, u"
                    maxLength={4}
                    onInput={(e) => setDraft({ ...draft, flags: e.currentTarget.value })}
                  />
                </label>
                <label>
                  Try it on sample text (not saved)
                  <textarea
                    rows={3}
                    maxLength={4096}
                    value={sample}
                    data-testid="masking-sample"
                    onInput={(e) => setSample(e.currentTarget.value)}
                  />
                </label>
                {tryError && (
                  <p class="error" role="alert" data-testid="masking-try-error">
                    {tryError}
                  </p>
                )}
                {tried && (
                  <p class="snippet" role="status" data-testid="masking-sample-result">
                    {tried.text}
                  </p>
                )}
                <div class="add-row">
                  <button
                    type="button"
                    class="btn"
                    disabled={draft.pattern === '' || sample === ''}
                    onClick={() => void tryRule()}
                  >
                    Test
                  </button>
                  <button type="submit" class="btn primary">
                    Add rule
                  </button>
                </div>
              </form>
            </section>
          </div>
        )}
      </main>
    </div>
  );
}
