import { useState } from 'preact/hooks';
import type { SessionInfo } from '@parley/protocol';
import { accountApi } from '../lib/account-api';
import { ApiError, consoleApi } from '../lib/api';
import { explainWebAuthn, passkeyApi, passkeysSupported } from '../lib/passkey-api';
import { SsoSignIn, ssoErrorFromUrl } from './sso-sign-in';
import { t } from '../i18n';
import { errorOf } from '../lib/errors';

interface Props {
  notice: string | null;
  onSignedIn: (session: SessionInfo) => void;
}

function explain(e: unknown): string {
  if (e instanceof ApiError && e.code === 'bad_request') return t('signIn.badRequest');
  return errorOf(e);
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
        <h1 id="signin-title">{t('signIn.title')}</h1>
        {notice && <p class="info">{notice}</p>}
        <label for="email">{t('signIn.email')}</label>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="username"
          required
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <label for="password">{t('signIn.password')}</label>
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
          {busy ? t('signIn.signingIn') : t('signIn.submit')}
        </button>
        {canMailLink &&
          (linkSent ? (
            <p class="info" role="status" data-testid="unlock-link-sent">
              {t('signIn.unlockLinkSent')}
            </p>
          ) : (
            <button type="button" class="btn" onClick={mailLink} data-testid="mail-unlock-link">
              {t('signIn.mailUnlockLink')}
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
            {t('signIn.withPasskey')}
          </button>
        )}
        <SsoSignIn />
      </form>
    </main>
  );
}
