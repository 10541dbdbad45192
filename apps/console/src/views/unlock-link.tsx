import { useState } from 'preact/hooks';
import { accountApi } from '../lib/account-api';
import { errorOf } from '../lib/errors';
import { t } from '../i18n';

/**
 * The page an e-mailed unlock link opens (/unlock#token=…). The token is in
 * the fragment, so it reaches no server log or Referer; opening the page does
 * nothing by itself (mail scanners follow links): the button spends it.
 */
export function UnlockLinkPage() {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
  // 'ready', 'busy', 'done', or the error to show.
  const [state, setState] = useState<string>('ready');
  const unlock = () => {
    setState('busy');
    accountApi.useUnlockLink(token).then(
      () => {
        history.replaceState(null, '', '/unlock');
        setState('done');
      },
      (e: unknown) => setState(errorOf(e)),
    );
  };
  return (
    <main class="signin">
      <section class="card signin-card" aria-labelledby="unlock-title">
        <p class="brand">Parley</p>
        <h1 id="unlock-title">{t('signIn.unlockLinkTitle')}</h1>
        {state === 'done' ? (
          <>
            <p role="status" data-testid="unlock-done">
              {t('signIn.unlockLinkDone')}
            </p>
            <a class="btn primary" href="/">
              {t('signIn.goToSignIn')}
            </a>
          </>
        ) : (
          <>
            <p>{t('signIn.unlockLinkHint')}</p>
            {state !== 'ready' && state !== 'busy' && (
              <p class="error" role="alert">
                {state}
              </p>
            )}
            <button
              type="button"
              class="btn primary"
              disabled={!token || state === 'busy'}
              onClick={unlock}
            >
              {t('signIn.unlockMySignIn')}
            </button>
          </>
        )}
      </section>
    </main>
  );
}
