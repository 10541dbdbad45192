import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { errorText } from '../lib/errors';

const SSO_ERRORS = new Set(['sso_failed', 'sso_not_configured', 'ip_not_allowed']);

/** The error the SSO callback sent back (`/?sso_error=code`), in words; the URL is cleaned. */
export function ssoErrorFromUrl(): string | null {
  const code = new URLSearchParams(location.search).get('sso_error');
  if (!code) return null;
  history.replaceState(null, '', location.pathname);
  return errorText(SSO_ERRORS.has(code) ? code : 'sso_failed');
}

/**
 * "Sign in with single sign-on": the organisation's key (from a link's `?org=`,
 * or remembered from last time) starts the IdP's authorization code flow.
 */
export function SsoSignIn() {
  const initial =
    new URLSearchParams(location.search).get('org') ?? localStorage.getItem('parley.sso.org') ?? '';
  const [open, setOpen] = useState(initial !== '');
  const [org, setOrg] = useState(initial);
  if (!open)
    return (
      <button type="button" class="link" onClick={() => setOpen(true)}>
        {t('signIn.withSso')}
      </button>
    );
  return (
    <div class="sso-signin">
      <label for="sso-org">{t('signIn.organisationKey')}</label>
      <input
        id="sso-org"
        value={org}
        autocomplete="organization"
        onInput={(e) => setOrg(e.currentTarget.value)}
      />
      <button
        type="button"
        class="btn"
        disabled={org.trim() === ''}
        onClick={() => {
          localStorage.setItem('parley.sso.org', org.trim());
          location.assign(`/api/auth/sso/start?organisation=${encodeURIComponent(org.trim())}`);
        }}
      >
        {t('signIn.continueSso')}
      </button>
    </div>
  );
}
