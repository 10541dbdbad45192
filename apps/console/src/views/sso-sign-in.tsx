import { useState } from 'preact/hooks';

const SSO_ERRORS: Record<string, string> = {
  sso_failed: 'Single sign-on did not complete. Try again, or ask an administrator.',
  sso_not_configured: 'Single sign-on is not set up for this organisation.',
  ip_not_allowed: "Your network address is not on the organisation's allowlist.",
};

/** The error the SSO callback sent back (`/?sso_error=code`), in words; the URL is cleaned. */
export function ssoErrorFromUrl(): string | null {
  const code = new URLSearchParams(location.search).get('sso_error');
  if (!code) return null;
  history.replaceState(null, '', location.pathname);
  return SSO_ERRORS[code] ?? SSO_ERRORS.sso_failed ?? null;
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
        Sign in with single sign-on
      </button>
    );
  return (
    <div class="sso-signin">
      <label for="sso-org">Organisation key</label>
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
        Continue with single sign-on
      </button>
    </div>
  );
}
