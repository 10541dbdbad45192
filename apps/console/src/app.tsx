import { VisitorIdentitySettingsPage } from './views/visitor-identity-settings';
import { ApiTokensSettingsPage } from './views/api-tokens-settings';
import { WebhooksSettingsPage } from './views/webhooks-settings';
import { PrivacySettingsPage } from './views/privacy-settings';
import { BlocksSettingsPage } from './views/blocks-settings';
import { ApiReferencePage } from './views/api-reference';
import { ReportsPage } from './views/reports';
import { HistoryPage } from './views/history';
import { useEffect, useState } from 'preact/hooks';
import type { SessionInfo } from '@parley/protocol';
import { accountApi } from './lib/account-api';
import { ApiError, consoleApi, setCsrfToken } from './lib/api';
import { clearDrafts } from './lib/drafts';
import { browserStorage, ConsoleOutbox } from './lib/outbox';
import { AdminConsole } from './views/admin';
import { IdleGuard } from './views/idle-guard';
import { LockScreen } from './views/lock-screen';
import { MaskingSettingsPage } from './views/masking-settings';
import { BrandingSettingsPage } from './views/branding-settings';
import { OrganisationSettingsPage } from './views/organisation-settings';
import { ProfilePage } from './views/profile';
import { PasskeysPage } from './views/passkeys';
import { SsoSettingsPage } from './views/sso-settings';
import { CannedSettingsPage } from './views/canned-settings';
import { TeamsSettingsPage } from './views/teams-settings';
import { CustomerSettingsPage } from './views/customer-settings';
import { SignIn } from './views/sign-in';
import { SignInStep } from './views/sign-in-step';
import { UnlockLinkPage } from './views/unlock-link';
import { Workspace } from './views/workspace';
import { t } from './i18n';

type View =
  | { kind: 'loading' }
  | { kind: 'signin'; notice: string | null }
  | { kind: 'ready'; session: SessionInfo }
  | { kind: 'down' };

export function App() {
  const [view, setView] = useState<View>({ kind: 'loading' });
  // The idle lock (issue 10 item 15): the view stays mounted behind it where it can.
  const [locked, setLocked] = useState(false);

  const signedIn = (session: SessionInfo): void => {
    setCsrfToken(session.csrfToken);
    setLocked(session.locked === true);
    setView({ kind: 'ready', session });
  };
  const signedOut = (notice: string | null): void => {
    setCsrfToken(null);
    setLocked(false);
    clearDrafts();
    setView({ kind: 'signin', notice });
  };
  const signOut = (): void => {
    // Signing out on purpose leaves nothing of this agent's unsent replies in the browser.
    if (view.kind === 'ready') new ConsoleOutbox(browserStorage(), view.session.agent.id).clear();
    consoleApi.logout().then(
      () => signedOut(t('workspace.signedOut')),
      () => signedOut(t('workspace.signedOut')),
    );
  };
  /** The server ended or locked the session: ask which, and lock in place when it is the lock. */
  const lostSession = (notice: string): void => {
    consoleApi.session().then(
      (s) => (s.locked ? setLocked(true) : signedOut(notice)),
      () => signedOut(notice),
    );
  };
  const lockNow = (): void => {
    setLocked(true);
    accountApi.lock().catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 401) signedOut(t('workspace.signedOutIdle'));
    });
  };

  useEffect(() => {
    if (location.pathname === '/unlock') return;
    consoleApi
      .session()
      .then(signedIn, (e: unknown) =>
        e instanceof ApiError && e.status === 401 ? signedOut(null) : setView({ kind: 'down' }),
      );
  }, []);

  // The e-mailed unlock link works without a session.
  if (location.pathname === '/unlock') return <UnlockLinkPage />;

  const page = render();
  if (view.kind !== 'ready' || (view.session.stage ?? 'ok') !== 'ok' || locked) return page;
  return (
    <>
      <IdleGuard idleMinutes={view.session.idleMinutes ?? 15} onExpired={lockNow} />
      {page}
    </>
  );

  function render() {
    switch (view.kind) {
      case 'loading':
        return <p class="centered">{t('workspace.loading')}</p>;
      case 'down':
        return (
          <p class="centered" role="alert">
            {t('workspace.serverDown')}{' '}
            <button type="button" class="link" onClick={() => location.reload()}>
              {t('workspace.tryAgain')}
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
        if (locked && !isWorkspace(location.pathname))
          return <LockScreen session={view.session} onUnlocked={signedIn} onSignOut={signOut} />;
        if (location.pathname === '/settings/masking')
          return <MaskingSettingsPage session={view.session} />;
        if (location.pathname === '/settings/passkeys')
          return <PasskeysPage session={view.session} />;
        if (location.pathname === '/settings/sso')
          return <SsoSettingsPage session={view.session} />;
        if (location.pathname === '/settings/customer')
          return <CustomerSettingsPage session={view.session} />;
        if (location.pathname === '/settings/canned-replies')
          return <CannedSettingsPage session={view.session} />;
        if (location.pathname === '/settings/teams')
          return <TeamsSettingsPage session={view.session} />;
        if (location.pathname === '/settings/visitor-identity')
          return <VisitorIdentitySettingsPage session={view.session} />;
        if (location.pathname === '/settings/organisation')
          return <OrganisationSettingsPage session={view.session} />;
        if (location.pathname === '/settings/branding')
          return <BrandingSettingsPage session={view.session} />;
        if (location.pathname === '/settings/api-tokens')
          return <ApiTokensSettingsPage session={view.session} />;
        if (location.pathname === '/settings/webhooks')
          return <WebhooksSettingsPage session={view.session} />;
        if (location.pathname === '/settings/privacy')
          return <PrivacySettingsPage session={view.session} />;
        if (location.pathname === '/settings/blocks')
          return <BlocksSettingsPage session={view.session} />;
        if (location.pathname === '/api-docs') return <ApiReferencePage session={view.session} />;
        if (location.pathname === '/reports') return <ReportsPage session={view.session} />;
        if (location.pathname === '/history') return <HistoryPage session={view.session} />;
        if (location.pathname === '/profile')
          return (
            <ProfilePage
              session={view.session}
              onSession={signedIn}
              onSignedOut={(notice) => signedOut(notice)}
            />
          );
        if (['/agents', '/security', '/security/events', '/audit'].includes(location.pathname)) {
          return <AdminConsole session={view.session} path={location.pathname} />;
        }
        return (
          <Workspace
            key={view.session.agent.id}
            session={view.session}
            locked={locked}
            onUnlocked={signedIn}
            onSignOut={signOut}
            onExpired={() => lostSession(t('workspace.sessionEnded'))}
          />
        );
    }
  }
}

const NOT_WORKSPACE = [
  '/settings/masking',
  '/settings/organisation',
  '/settings/branding',
  '/settings/visitor-identity',
  '/settings/api-tokens',
  '/settings/webhooks',
  '/settings/privacy',
  '/settings/teams',
  '/settings/blocks',
  '/api-docs',
  '/reports',
  '/history',
  '/profile',
  '/agents',
  '/security',
  '/security/events',
  '/audit',
];
const isWorkspace = (path: string) => !NOT_WORKSPACE.includes(path);
