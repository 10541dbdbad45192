import { useState } from 'preact/hooks';
import type { SessionInfo } from '@parley/protocol';
import { accountApi } from '../lib/account-api';
import { ApiError, consoleApi } from '../lib/api';
import { explainWebAuthn, passkeyApi, passkeysSupported } from '../lib/passkey-api';
import { SsoSignIn, ssoErrorFromUrl } from './sso-sign-in';

interface Props {
  notice: string | null;
  onSignedIn: (session: SessionInfo) => void;
}

function explain(e: unknown): string {
  if (!(e instanceof ApiError)) return 'Something went wrong. Please try again.';
  switch (e.code) {
    case 'invalid_credentials':
      return 'The e-mail address or password is wrong.';
    case 'account_locked':
      return 'Too many failed attempts: sign-in to this account is locked for 30 minutes. An administrator can unlock it sooner.';
    case 'invite_expired':
      return 'This one-time password has expired. Ask an administrator to invite you again.';
    case 'rate_limited':
      return 'Too many attempts. Wait a minute and try again.';
    case 'bad_request':
      return 'Enter a valid e-mail address and your password.';
    default:
      return e.message;
  }
}

export function SignIn({ notice, onSignedIn }: Props) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(ssoErrorFromUrl);
  const [busy, setBusy] = useState(false);
  // After account_locked: offer an e-mailed unlock link when the server can send one.
  const [canMailLink, setCanMailLink] = useState(false);
  const [linkSent, setLinkSent] = useState(false);

  const withPasskey = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await passkeyApi.signIn());
    } catch (e) {
      setError(explainWebAuthn(e) ?? explain(e));
      setBusy(false);
    }
  };

  const submit = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await consoleApi.login(email.trim(), password));
    } catch (e) {
      setError(explain(e));
      setBusy(false);
      if (e instanceof ApiError && e.code === 'account_locked')
        accountApi.unlockLinkAvailable().then(setCanMailLink, () => setCanMailLink(false));
    }
  };
  const mailLink = () => {
    accountApi.requestUnlockLink(email.trim()).then(
      () => setLinkSent(true),
      (e: unknown) => setError(explain(e)),
    );
  };

  return (
    <main class="signin">
      <form
        class="card signin-card"
        aria-labelledby="signin-title"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p class="brand">Parley</p>
        <h1 id="signin-title">Sign in to the console</h1>
        {notice && <p class="info">{notice}</p>}
        <label for="email">E-mail</label>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="username"
          required
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        {error && (
          <p class="error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        <button type="submit" class="btn primary" disabled={busy}>
          {busy ? 'Signing in… (this can take a second)' : 'Sign in'}
        </button>
        {canMailLink &&
          (linkSent ? (
            <p class="info" role="status" data-testid="unlock-link-sent">
              If this address belongs to a locked account, an unlock link is on its way to it.
            </p>
          ) : (
            <button type="button" class="btn" onClick={mailLink} data-testid="mail-unlock-link">
              E-mail me an unlock link
            </button>
          ))}
        {passkeysSupported() && (
          <button
            type="button"
            class="btn"
            disabled={busy}
            data-testid="signin-passkey"
            onClick={() => void withPasskey()}
          >
            Sign in with a passkey
          </button>
        )}
        <SsoSignIn />
      </form>
    </main>
  );
}
