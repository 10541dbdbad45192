import { useEffect, useState } from 'preact/hooks';
import type { SessionInfo, VisitorIdentitySettings } from '@parley/protocol';
import { visitorIdentityApi } from '../lib/visitor-identity-api';
import { errorOf } from '../lib/errors';
import { t } from '../i18n';
import { pageTitle } from './format';

const explain = (e: unknown): string => errorOf(e);

const MODES: { value: VisitorIdentitySettings['mode']; label: string }[] = [
  { value: 'off', label: 'Off: every visitor is anonymous' },
  { value: 'optional', label: 'Accept both: verified customers get a badge' },
  { value: 'required', label: 'Required: only customers signed in on the website can chat' },
];

/** Admin page: how the website vouches for its signed-in customers (docs/widget.md "Verified visitors"). */
export function VisitorIdentitySettingsPage({ session }: { session: SessionInfo }) {
  const [s, setS] = useState<VisitorIdentitySettings | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = pageTitle(t('workspace.navIdentity'));
    visitorIdentityApi.get().then(setS, (e: unknown) => setError(explain(e)));
  }, []);

  if (session.agent.role !== 'admin')
    return <p class="centered">Only administrators can change visitor verification.</p>;

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      await fn();
    } catch (e) {
      setError(explain(e));
    } finally {
      setBusy(false);
    }
  };
  const save = () =>
    run(async () => {
      if (!s) return;
      setS(
        await visitorIdentityApi.save({
          mode: s.mode,
          algorithm: s.algorithm,
          issuer: s.issuer.trim(),
          audience: s.audience.trim(),
          ...(s.algorithm !== 'HS256' && s.publicKey ? { publicKey: s.publicKey } : {}),
        }),
      );
      setSaved('Saved.');
    });
  const rotate = () =>
    run(async () => {
      const r = await visitorIdentityApi.rotateSecret();
      setSecret(r.secret);
      setS(await visitorIdentityApi.get());
    });

  return (
    <div class="app admin">
      <header class="topbar">
        <div class="topbar-left">
          <a class="brand" href="/">
            Parley
          </a>
          <a href="/settings/organisation">Organisation</a>
        </div>
        <span class="agent-name">{session.agent.name}</span>
      </header>
      <main class="admin-main">
        <h1>Verified visitors</h1>
        {!s ? (
          <p>{error ?? 'Loading…'}</p>
        ) : (
          <form
            class="card visitor-identity"
            aria-labelledby="vi-title"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <h2 id="vi-title">Identity tokens</h2>
            <p>
              Your website signs a short-lived token (JWT) for its signed-in customer and passes it
              to the chat with <code>Parley.identify(token)</code>. Agents then see a verified badge
              with the customer&apos;s name and e-mail. The audience of every token is{' '}
              <code data-testid="vi-audience">{s.audience}</code>.
            </p>
            <fieldset>
              <legend>Verification</legend>
              {MODES.map((m) => (
                <label class="check" key={m.value}>
                  <input
                    type="radio"
                    name="vi-mode"
                    value={m.value}
                    checked={s.mode === m.value}
                    onChange={() => setS({ ...s, mode: m.value })}
                  />{' '}
                  {m.label}
                </label>
              ))}
            </fieldset>
            <label for="vi-alg">Signature</label>
            <select
              id="vi-alg"
              value={s.algorithm}
              onChange={(e) =>
                setS({
                  ...s,
                  algorithm: e.currentTarget.value as VisitorIdentitySettings['algorithm'],
                })
              }
            >
              <option value="HS256">HS256 — a secret shared with your website</option>
              <option value="ES256">ES256 — your website&apos;s EC P-256 key pair</option>
              <option value="RS256">RS256 — your website&apos;s RSA key pair</option>
            </select>
            {s.algorithm === 'HS256' ? (
              <div class="vi-secret">
                <p>
                  Signing secret: {s.hasSecret ? 'set' : 'not set'}. Generating a new one stops the
                  old one at once.
                </p>
                {secret && (
                  <p role="status">
                    Copy it now, it is not shown again:{' '}
                    <code class="vi-secret-value" data-testid="vi-secret">
                      {secret}
                    </code>
                  </p>
                )}
                <button type="button" class="btn" disabled={busy} onClick={() => void rotate()}>
                  {s.hasSecret ? 'Generate a new secret' : 'Generate the secret'}
                </button>
              </div>
            ) : (
              <>
                <label for="vi-key">Public key (PEM, “BEGIN PUBLIC KEY”)</label>
                <textarea
                  id="vi-key"
                  rows={6}
                  value={s.publicKey ?? ''}
                  onInput={(e) => setS({ ...s, publicKey: e.currentTarget.value })}
                />
              </>
            )}
            <label for="vi-issuer">Issuer (the iss your website signs with)</label>
            <input
              id="vi-issuer"
              placeholder="https://shop.example.com"
              value={s.issuer}
              onInput={(e) => setS({ ...s, issuer: e.currentTarget.value })}
            />
            <label for="vi-aud">Audience (aud)</label>
            <input
              id="vi-aud"
              value={s.audience}
              onInput={(e) => setS({ ...s, audience: e.currentTarget.value })}
            />
            {error && (
              <p class="error" role="alert" data-testid="vi-error">
                {error}
              </p>
            )}
            {saved && (
              <p class="saved" role="status">
                {saved}
              </p>
            )}
            <button type="submit" class="btn primary" disabled={busy}>
              Save
            </button>
          </form>
        )}
      </main>
    </div>
  );
}
