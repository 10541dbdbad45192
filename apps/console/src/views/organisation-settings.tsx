import { useEffect, useState } from 'preact/hooks';
import type { PaymentSettings, SessionInfo } from '@parley/protocol';
import { t } from '../i18n';
import {
  embedSnippet,
  organisationApi,
  parseCurrency,
  withOrigin,
  type OrganisationSettings,
} from '../lib/organisation-api';
import { errorOf } from '../lib/errors';
import { pageTitle } from './format';

const explain = (e: unknown): string => errorOf(e);

/** One section's outcome: an error (role=alert) or a confirmation (role=status). */
type Outcome = { error: string } | { notice: string } | null;

function OutcomeLine({ outcome, testid }: { outcome: Outcome; testid: string }) {
  if (!outcome) return null;
  return 'error' in outcome ? (
    <p class="error" role="alert" data-testid={`${testid}-error`} id={`${testid}-error`}>
      {outcome.error}
    </p>
  ) : (
    <p class="saved" role="status" data-testid={`${testid}-status`}>
      {outcome.notice}
    </p>
  );
}

/** Admin page: organisation name, widget greeting, embedding origins, embed snippet, payment currencies. */
export function OrganisationSettingsPage({ session }: { session: SessionInfo }) {
  const [org, setOrg] = useState<OrganisationSettings | null>(null);
  const [pay, setPay] = useState<PaymentSettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [profile, setProfile] = useState({ name: '', greeting: '' });
  const [origin, setOrigin] = useState('');
  const [currency, setCurrency] = useState('');
  const [profileOutcome, setProfileOutcome] = useState<Outcome>(null);
  const [originsOutcome, setOriginsOutcome] = useState<Outcome>(null);
  const [snippetOutcome, setSnippetOutcome] = useState<Outcome>(null);
  const [currenciesOutcome, setCurrenciesOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);

  const applyOrg = (v: OrganisationSettings): void => {
    setOrg(v);
    setProfile({ name: v.name, greeting: v.greeting });
  };

  useEffect(() => {
    if (session.agent.role !== 'admin') return;
    document.title = pageTitle(t('workspace.navOrganisation'));
    organisationApi.get().then(applyOrg, (e: unknown) => setLoadError(explain(e)));
    organisationApi
      .payments()
      .then(setPay, (e: unknown) => setCurrenciesOutcome({ error: explain(e) }));
  }, []);

  /** Runs one save; true when it went through. */
  async function run<T>(
    request: Promise<T>,
    apply: (v: T) => void,
    report: (o: Outcome) => void,
    notice: string,
  ): Promise<boolean> {
    setBusy(true);
    report(null);
    try {
      apply(await request);
      report({ notice });
      return true;
    } catch (e) {
      report({ error: explain(e) });
      return false;
    } finally {
      setBusy(false);
    }
  }

  if (session.agent.role !== 'admin')
    return (
      <p class="centered" role="alert">
        Only administrators can change the organisation's settings.
      </p>
    );

  const snippet = org ? embedSnippet(location.origin, org.key) : '';

  async function copySnippet(): Promise<void> {
    try {
      await navigator.clipboard.writeText(snippet);
      setSnippetOutcome({ notice: 'Copied to the clipboard.' });
    } catch {
      // No clipboard permission (e.g. plain http): select the text so Ctrl+C copies it.
      const code = document.querySelector('[data-testid="embed-snippet"]');
      if (code) window.getSelection()?.selectAllChildren(code);
      setSnippetOutcome({ notice: 'Selected: press Ctrl+C (⌘C on a Mac) to copy.' });
    }
  }

  return (
    <div class="app admin">
      <header class="topbar">
        <div class="topbar-left">
          <a class="brand" href="/">
            Parley
          </a>
          <span class="org">{org?.name ?? session.organisation.name}</span>
        </div>
        <div class="topbar-right">
          <a class="btn small" href="/settings/branding" data-testid="branding-link">
            {t('branding.title')}
          </a>
          <a class="btn small" href="/">
            Back to conversations
          </a>
          <span class="agent-name">{session.agent.name}</span>
        </div>
      </header>
      <main class="admin-main org-settings" data-testid="organisation-settings">
        <h1>Organisation</h1>
        {loadError && (
          <p class="error" role="alert" data-testid="organisation-error">
            {loadError}
          </p>
        )}
        {!org ? (
          !loadError && <p>Loading…</p>
        ) : (
          <div class="settings-grid">
            <form
              class="card settings-card"
              aria-labelledby="org-profile-title"
              data-testid="organisation-profile"
              onSubmit={(ev) => {
                ev.preventDefault();
                void run(
                  organisationApi.save({ name: profile.name, greeting: profile.greeting }),
                  applyOrg,
                  setProfileOutcome,
                  'Saved. The widget shows the new greeting to new visitors.',
                );
              }}
            >
              <h2 id="org-profile-title">Name and greeting</h2>
              <label for="org-name">Organisation name</label>
              <input
                id="org-name"
                required
                maxLength={120}
                value={profile.name}
                onInput={(e) => setProfile({ ...profile, name: e.currentTarget.value })}
              />
              <label for="org-greeting">Widget greeting</label>
              <textarea
                id="org-greeting"
                rows={3}
                maxLength={500}
                value={profile.greeting}
                onInput={(e) => setProfile({ ...profile, greeting: e.currentTarget.value })}
              />
              <p class="hint">Shown to visitors when they open the chat.</p>
              <div>
                <button type="submit" class="btn primary" disabled={busy}>
                  Save name and greeting
                </button>
              </div>
              <OutcomeLine outcome={profileOutcome} testid="profile" />
            </form>

            <section class="card settings-card" aria-labelledby="origins-title">
              <h2 id="origins-title">Websites allowed to embed the chat</h2>
              <p class="hint">
                The widget only appears on these origins: scheme, host and optional port, no path
                (for example <code>https://shop.example.com</code>).
              </p>
              {org.allowedOrigins.length === 0 ? (
                <p class="empty-note" data-testid="allowed-origins-empty">
                  No website may embed the chat yet.
                </p>
              ) : (
                <ul class="chip-list" data-testid="allowed-origins">
                  {org.allowedOrigins.map((o) => (
                    <li key={o} class="chip" data-testid="allowed-origin" data-origin={o}>
                      <code>{o}</code>
                      {o === location.origin && <span class="hint">this server</span>}
                      <button
                        type="button"
                        class="btn small"
                        aria-label={`Remove ${o}`}
                        disabled={busy}
                        onClick={() =>
                          void run(
                            organisationApi.save({
                              allowedOrigins: org.allowedOrigins.filter((x) => x !== o),
                            }),
                            applyOrg,
                            setOriginsOutcome,
                            `Removed ${o}.`,
                          )
                        }
                      >
                        Remove
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              <form
                class="add-row"
                onSubmit={(ev) => {
                  ev.preventDefault();
                  const next = withOrigin(org.allowedOrigins, origin);
                  if (next.length === org.allowedOrigins.length) {
                    setOriginsOutcome(
                      origin.trim() === ''
                        ? { error: 'Type an origin such as https://shop.example.com.' }
                        : { notice: `${origin.trim()} is already allowed.` },
                    );
                    return;
                  }
                  const added = next[next.length - 1]!;
                  void run(
                    organisationApi.save({ allowedOrigins: next }),
                    applyOrg,
                    setOriginsOutcome,
                    `Saved: ${added} may embed the chat.`,
                  ).then((ok) => ok && setOrigin(''));
                }}
              >
                <label for="new-origin">Website origin</label>
                <input
                  id="new-origin"
                  type="text"
                  inputMode="url"
                  autocomplete="off"
                  spellcheck={false}
                  placeholder="https://shop.example.com"
                  value={origin}
                  aria-describedby={
                    originsOutcome && 'error' in originsOutcome ? 'origins-error' : undefined
                  }
                  onInput={(e) => setOrigin(e.currentTarget.value)}
                />
                <button type="submit" class="btn" disabled={busy}>
                  Add origin
                </button>
              </form>
              <OutcomeLine outcome={originsOutcome} testid="origins" />
            </section>

            <section class="card settings-card" aria-labelledby="snippet-title">
              <h2 id="snippet-title">Embed snippet</h2>
              <p class="hint">
                Paste this into the pages of an allowed website, anywhere in the HTML.
              </p>
              <pre class="snippet">
                <code data-testid="embed-snippet">{snippet}</code>
              </pre>
              <div>
                <button type="button" class="btn" onClick={() => void copySnippet()}>
                  Copy snippet
                </button>
              </div>
              <OutcomeLine outcome={snippetOutcome} testid="snippet" />
            </section>

            <section class="card settings-card" aria-labelledby="currencies-title">
              <h2 id="currencies-title">Payment currencies</h2>
              <p class="hint">
                Agents can request payments in these currencies.
                {pay && !pay.enabled && ' Payments are off on this server (no vault configured).'}
              </p>
              {pay && (
                <>
                  <ul class="chip-list" data-testid="payment-currencies">
                    {pay.currencies.map((c) => (
                      <li key={c} class="chip" data-testid="payment-currency" data-currency={c}>
                        <code>{c}</code>
                        <button
                          type="button"
                          class="btn small"
                          aria-label={`Remove ${c}`}
                          disabled={busy || pay.currencies.length === 1}
                          title={
                            pay.currencies.length === 1 ? 'At least one currency is needed.' : ''
                          }
                          onClick={() =>
                            void run(
                              organisationApi.saveCurrencies(pay.currencies.filter((x) => x !== c)),
                              setPay,
                              setCurrenciesOutcome,
                              `Removed ${c}.`,
                            )
                          }
                        >
                          Remove
                        </button>
                      </li>
                    ))}
                  </ul>
                  <form
                    class="add-row"
                    onSubmit={(ev) => {
                      ev.preventDefault();
                      const code = parseCurrency(currency);
                      if (!code) {
                        setCurrenciesOutcome({
                          error: 'A currency is three letters, for example EUR or USD.',
                        });
                        return;
                      }
                      if (pay.currencies.includes(code)) {
                        setCurrenciesOutcome({ notice: `${code} is already allowed.` });
                        return;
                      }
                      if (pay.currencies.length >= 20) {
                        setCurrenciesOutcome({ error: 'At most 20 currencies can be allowed.' });
                        return;
                      }
                      void run(
                        organisationApi.saveCurrencies([...pay.currencies, code]),
                        setPay,
                        setCurrenciesOutcome,
                        `Saved: agents can request payments in ${code}.`,
                      ).then((ok) => ok && setCurrency(''));
                    }}
                  >
                    <label for="new-currency">Currency code</label>
                    <input
                      id="new-currency"
                      class="currency-input"
                      autocomplete="off"
                      spellcheck={false}
                      maxLength={3}
                      placeholder="EUR"
                      value={currency}
                      aria-describedby={
                        currenciesOutcome && 'error' in currenciesOutcome
                          ? 'currencies-error'
                          : undefined
                      }
                      onInput={(e) => setCurrency(e.currentTarget.value)}
                    />
                    <button type="submit" class="btn" disabled={busy}>
                      Add currency
                    </button>
                  </form>
                </>
              )}
              <OutcomeLine outcome={currenciesOutcome} testid="currencies" />
            </section>
          </div>
        )}
      </main>
    </div>
  );
}
