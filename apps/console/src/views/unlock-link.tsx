import { useState } from 'preact/hooks';
import { accountApi } from '../lib/account-api';
import { ApiError } from '../lib/api';

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
      (e: unknown) => setState(e instanceof ApiError ? e.message : 'Something went wrong.'),
    );
  };
  return (
    <main class="signin">
      <section class="card signin-card" aria-labelledby="unlock-title">
        <p class="brand">Parley</p>
        <h1 id="unlock-title">Unlock your sign-in</h1>
        {state === 'done' ? (
          <>
            <p role="status" data-testid="unlock-done">
              Your sign-in is unlocked. You can sign in again now.
            </p>
            <a class="btn primary" href="/">
              Go to sign-in
            </a>
          </>
        ) : (
          <>
            <p>Sign-in to your account was locked after too many failed attempts.</p>
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
              Unlock my sign-in
            </button>
          </>
        )}
      </section>
    </main>
  );
}
