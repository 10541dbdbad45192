import { useEffect, useState } from 'preact/hooks';
import type { Role, SessionInfo, SsoSettings, UpdateSsoSettingsRequest } from '@parley/protocol';
import { passkeyApi } from '../lib/passkey-api';
import { errorOf } from '../lib/errors';
import { t } from '../i18n';
import { pageTitle } from './format';

const explain = (e: unknown): string => errorOf(e);
const ROLES: Role[] = ['agent', 'supervisor', 'admin'];
const list = (s: string) =>
  s
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

/** "parley-admins = admin" lines ↔ the claim-value → role map. */
export function parseRoleMap(text: string): Record<string, Role> | string {
  const out: Record<string, Role> = {};
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const [value, role] = line.split('=').map((p) => p.trim());
    if (!value || !role || !ROLES.includes(role as Role))
      return `Line ${i + 1}: write "claim value = agent | supervisor | admin".`;
    out[value] = role as Role;
  }
  return out;
}
const showRoleMap = (m: Record<string, Role>) =>
  Object.entries(m)
    .map(([k, v]) => `${k} = ${v}`)
    .join('\n');

/** Admin page: single sign-on with OpenID Connect, and the admins' passkey rule. */
export function SsoSettingsPage({ session }: { session: SessionInfo }) {
  const [s, setS] = useState<SsoSettings | null>(null);
  const [secret, setSecret] = useState('');
  const [roleMap, setRoleMap] = useState('');
  const [amr, setAmr] = useState('');
  const [acr, setAcr] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const apply = (v: SsoSettings) => {
    setS(v);
    setRoleMap(showRoleMap(v.roleMap));
    setAmr(v.mfaAmr.join(', '));
    setAcr(v.mfaAcr.join(', '));
  };
  useEffect(() => {
    document.title = pageTitle(t('settings.ssoTitle'));
    passkeyApi.ssoSettings().then(apply, (e: unknown) => setError(explain(e)));
  }, []);

  if (session.agent.role !== 'admin')
    return <p class="centered">Only administrators can change single sign-on.</p>;

  const save = async () => {
    if (!s) return;
    const map = parseRoleMap(roleMap);
    if (typeof map === 'string') {
      setError(map);
      return;
    }
    const patch: UpdateSsoSettingsRequest = {
      enabled: s.enabled,
      issuer: s.issuer?.trim() || null,
      clientId: s.clientId?.trim() || null,
      scopes: s.scopes.trim(),
      roleClaim: s.roleClaim?.trim() || null,
      roleMap: map,
      defaultRole: s.defaultRole,
      jit: s.jit,
      mfaAmr: list(amr),
      mfaAcr: list(acr),
      requirePasskeyForAdmins: s.requirePasskeyForAdmins,
      ...(secret !== '' ? { clientSecret: secret } : {}),
    };
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      apply(await passkeyApi.saveSsoSettings(patch));
      setSecret('');
      setSaved('Saved.');
    } catch (e) {
      setError(explain(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="app admin">
      <header class="topbar">
        <div class="topbar-left">
          <a class="brand" href="/">
            Parley
          </a>
          <a href="/security">Security settings</a>
        </div>
        <span class="agent-name">{session.agent.name}</span>
      </header>
      <main class="admin-main">
        <h1>Single sign-on</h1>
        {!s ? (
          <p>{error ?? 'Loading…'}</p>
        ) : (
          <form
            class="card sso-settings"
            aria-labelledby="sso-title"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <h2 id="sso-title">OpenID Connect</h2>
            <p>
              Register Parley at your identity provider as a confidential web client with this
              redirect URI and back-channel logout URI:
            </p>
            <dl class="sso-uris">
              <dt>Redirect URI</dt>
              <dd>
                <code data-testid="sso-redirect-uri">{s.redirectUri}</code>
              </dd>
              <dt>Back-channel logout URI</dt>
              <dd>
                <code>{s.backchannelLogoutUri}</code>
              </dd>
            </dl>
            <label class="check">
              <input
                type="checkbox"
                checked={s.enabled}
                onChange={(e) => setS({ ...s, enabled: e.currentTarget.checked })}
              />{' '}
              Allow signing in with single sign-on
            </label>
            <label for="sso-issuer">Issuer URL</label>
            <input
              id="sso-issuer"
              type="url"
              placeholder="https://login.example.com/realms/support"
              value={s.issuer ?? ''}
              onInput={(e) => setS({ ...s, issuer: e.currentTarget.value })}
            />
            <label for="sso-client">Client ID</label>
            <input
              id="sso-client"
              value={s.clientId ?? ''}
              onInput={(e) => setS({ ...s, clientId: e.currentTarget.value })}
            />
            <label for="sso-secret">
              Client secret {s.clientSecretSet ? '(set; leave empty to keep it)' : '(not set)'}
            </label>
            <input
              id="sso-secret"
              type="password"
              autocomplete="off"
              value={secret}
              onInput={(e) => setSecret(e.currentTarget.value)}
            />
            <label for="sso-scopes">Scopes</label>
            <input
              id="sso-scopes"
              value={s.scopes}
              onInput={(e) => setS({ ...s, scopes: e.currentTarget.value })}
            />
            <label for="sso-claim">
              Role claim (e.g. groups; empty: everyone gets the default role)
            </label>
            <input
              id="sso-claim"
              value={s.roleClaim ?? ''}
              onInput={(e) => setS({ ...s, roleClaim: e.currentTarget.value })}
            />
            <label for="sso-map">Role mapping, one per line: claim value = role</label>
            <textarea
              id="sso-map"
              rows={4}
              value={roleMap}
              onInput={(e) => setRoleMap(e.currentTarget.value)}
            />
            <label for="sso-default">Default role</label>
            <select
              id="sso-default"
              value={s.defaultRole}
              onChange={(e) => setS({ ...s, defaultRole: e.currentTarget.value as Role })}
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
            <label class="check">
              <input
                type="checkbox"
                checked={s.jit}
                onChange={(e) => setS({ ...s, jit: e.currentTarget.checked })}
              />{' '}
              Create accounts on first sign-in (just-in-time provisioning)
            </label>
            <label for="sso-amr">
              IdP methods (amr) that count as two-step verification, comma-separated (e.g. mfa, otp,
              hwk)
            </label>
            <input id="sso-amr" value={amr} onInput={(e) => setAmr(e.currentTarget.value)} />
            <label for="sso-acr">Or assurance levels (acr) that count, comma-separated</label>
            <input id="sso-acr" value={acr} onInput={(e) => setAcr(e.currentTarget.value)} />
            <h2>Administrators</h2>
            <label class="check">
              <input
                type="checkbox"
                checked={s.requirePasskeyForAdmins}
                onChange={(e) => setS({ ...s, requirePasskeyForAdmins: e.currentTarget.checked })}
              />{' '}
              Require a passkey (phishing-resistant) for administration
            </label>
            {error && (
              <p class="error" role="alert" data-testid="sso-error">
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
