import { useEffect, useState } from 'preact/hooks';
import type { SessionInfo } from '@parley/protocol';
import { ApiError, consoleApi, setCsrfToken } from './lib/api';
import { AdminConsole } from './views/admin';
import { IdleGuard } from './views/idle-guard';
import { MaskingSettingsPage } from './views/masking-settings';
import { OrganisationSettingsPage } from './views/organisation-settings';
import { PasskeysPage } from './views/passkeys';
import { SsoSettingsPage } from './views/sso-settings';
import { SignIn } from './views/sign-in';
import { SignInStep } from './views/sign-in-step';
import { Workspace } from './views/workspace';

type View =
  | { kind: 'loading' }
  | { kind: 'signin'; notice: string | null }
  | { kind: 'ready'; session: SessionInfo }
  | { kind: 'down' };

export function App() {
  const [view, setView] = useState<View>({ kind: 'loading' });

  const signedIn = (session: SessionInfo): void => {
    setCsrfToken(session.csrfToken);
    setView({ kind: 'ready', session });
  };
  const signedOut = (notice: string | null): void => {
    setCsrfToken(null);
    setView({ kind: 'signin', notice });
  };

  useEffect(() => {
    consoleApi
      .session()
      .then(signedIn, (e: unknown) =>
        e instanceof ApiError && e.status === 401 ? signedOut(null) : setView({ kind: 'down' }),
      );
  }, []);

  const page = render();
  if (view.kind !== 'ready' || (view.session.stage ?? 'ok') !== 'ok') return page;
  return (
    <>
      <IdleGuard
        idleMinutes={view.session.idleMinutes ?? 15}
        onExpired={() => signedOut('You were signed out after a period of inactivity.')}
      />
      {page}
    </>
  );

  function render() {
    switch (view.kind) {
      case 'loading':
        return <p class="centered">Loading…</p>;
      case 'down':
        return (
          <p class="centered" role="alert">
            Cannot reach the Parley server.{' '}
            <button type="button" class="link" onClick={() => location.reload()}>
              Try again
            </button>
          </p>
        );
      case 'signin':
        return <SignIn notice={view.notice} onSignedIn={signedIn} />;
      case 'ready':
        // Until sign-in is complete (second factor, new password) only the sign-in step is shown.
        if (view.session.stage !== undefined && view.session.stage !== 'ok') {
          return (
            <SignInStep
              session={view.session}
              onDone={signedIn}
              onCancel={() => void consoleApi.logout().finally(() => signedOut(null))}
            />
          );
        }
        if (location.pathname === '/settings/masking')
          return <MaskingSettingsPage session={view.session} />;
        if (location.pathname === '/settings/passkeys')
          return <PasskeysPage session={view.session} />;
        if (location.pathname === '/settings/sso')
          return <SsoSettingsPage session={view.session} />;
        if (location.pathname === '/settings/organisation')
          return <OrganisationSettingsPage session={view.session} />;
        if (['/agents', '/security', '/security/events', '/audit'].includes(location.pathname)) {
          return <AdminConsole session={view.session} path={location.pathname} />;
        }
        return (
          <Workspace
            key={view.session.agent.id}
            session={view.session}
            onSignOut={() => {
              consoleApi.logout().then(
                () => signedOut('You have signed out.'),
                () => signedOut('You have signed out.'),
              );
            }}
            onExpired={() => signedOut('Your session has ended. Please sign in again.')}
          />
        );
    }
  }
}
