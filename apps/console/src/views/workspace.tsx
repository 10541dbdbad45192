import { useEffect, useReducer, useRef } from 'preact/hooks';
import type { SessionInfo } from '@parley/protocol';
import { ConsoleClient } from '../lib/client';
import { conversationLists } from '../lib/state';
import { ConversationPane } from './conversation-pane';
import { LockScreen } from './lock-screen';
import { Sidebar } from './sidebar';
import { RoutingAlerts, StatusPicker } from './routing-bits';
import { deskTitle } from '../lib/notify';
import { ConnectionStatus } from './connection-status';
import { t } from '../i18n';

interface Props {
  session: SessionInfo;
  onSignOut: () => void;
  onExpired: () => void;
  /** Idle lock: content leaves the page, the client stays (selection, drafts) with its socket closed. */
  locked?: boolean;
  onUnlocked?: (session: SessionInfo) => void;
}

export function Workspace({ session, onSignOut, onExpired, locked = false, onUnlocked }: Props) {
  const [, bump] = useReducer((n: number, _: null) => n + 1, 0);
  const rerender = (): void => bump(null);
  const clientRef = useRef<ConsoleClient | null>(null);
  if (!clientRef.current) clientRef.current = new ConsoleClient(session, rerender, onExpired);
  const client = clientRef.current;

  useEffect(() => {
    if (locked) return;
    client.start();
    const online = (): void => client.retryNow();
    window.addEventListener('online', online);
    // Using the console keeps the agent from turning "away" (docs/routing.md).
    const active = (): void => client.noteActivity();
    for (const type of ['keydown', 'pointerdown'] as const)
      window.addEventListener(type, active, { passive: true });
    return () => {
      window.removeEventListener('online', online);
      for (const type of ['keydown', 'pointerdown'] as const)
        window.removeEventListener(type, active);
      client.stop();
    };
  }, [client, locked]);

  const s = client.state;
  const lists = conversationLists(s, session.agent.id);
  const selected = s.selectedId ? s.conversations[s.selectedId] : undefined;

  useEffect(() => {
    if (locked) return;
    document.title = deskTitle(lists.waiting.length, s.unread);
  }, [lists.waiting.length, s.unread, locked]);

  if (locked)
    return (
      <LockScreen session={session} onUnlocked={(s) => onUnlocked?.(s)} onSignOut={onSignOut} />
    );

  return (
    <div class="app">
      <header class="topbar">
        <div class="topbar-left">
          <span class="brand">Parley</span>
          <span class="org">{session.organisation.name}</span>
        </div>
        <div class="topbar-right">
          <ConnectionStatus status={client.status} retryAt={client.retryAt} />
          <StatusPicker client={client} />
          <a class="btn small" href="/history">
            {t('history.link')}
          </a>
          {session.agent.role !== 'agent' && (
            <a class="btn small" href="/reports">
              {t('workspace.navReports')}
            </a>
          )}
          {session.agent.role === 'admin' && (
            <a class="btn small" href="/agents">
              {t('workspace.navAdmin')}
            </a>
          )}
          {session.agent.role === 'admin' && (
            <a class="btn small" href="/settings/masking">
              {t('workspace.navMasking')}
            </a>
          )}
          {session.agent.role === 'admin' && (
            <a class="btn small" href="/settings/organisation">
              {t('workspace.navOrganisation')}
            </a>
          )}
          {session.agent.role === 'admin' && (
            <a class="btn small" href="/settings/teams">
              {t('workspace.navTeams')}
            </a>
          )}
          {session.agent.role === 'admin' && (
            <a class="btn small" href="/settings/customer">
              {t('workspace.navCustomer')}
            </a>
          )}
          {session.agent.role === 'admin' && (
            <a class="btn small" href="/settings/canned-replies">
              {t('workspace.navCanned')}
            </a>
          )}
          {session.agent.role === 'admin' && (
            <a class="btn small" href="/settings/visitor-identity">
              {t('workspace.navIdentity')}
            </a>
          )}
          {session.agent.role === 'admin' && (
            <a class="btn small" href="/settings/api-tokens">
              {t('workspace.navApiTokens')}
            </a>
          )}
          {session.agent.role === 'admin' && (
            <a class="btn small" href="/settings/webhooks">
              {t('workspace.navWebhooks')}
            </a>
          )}
          {session.agent.role === 'admin' && (
            <a class="btn small" href="/settings/privacy">
              {t('workspace.navPrivacy')}
            </a>
          )}
          {session.agent.role === 'admin' && (
            <a class="btn small" href="/settings/blocks">
              {t('workspace.navBlocks')}
            </a>
          )}
          <a class="btn small" href="/settings/passkeys">
            {t('workspace.navPasskeys')}
          </a>
          <a
            class="agent-name"
            href="/profile"
            data-testid="agent-name"
            title={t('workspace.yourAccount')}
          >
            {session.agent.name}
          </a>
          <button type="button" class="btn small" onClick={onSignOut}>
            {t('workspace.signOut')}
          </button>
        </div>
      </header>
      <RoutingAlerts client={client} />
      {s.notice && (
        <p class="banner warn" role="alert" data-testid="notice">
          {s.notice}
          <button type="button" class="link" onClick={() => client.dismissNotice()}>
            {t('workspace.dismiss')}
          </button>
        </p>
      )}
      <div class="layout">
        <Sidebar
          lists={lists}
          selectedId={s.selectedId}
          unread={s.unread}
          onSelect={(id) => void client.select(id)}
        />
        {selected ? (
          <ConversationPane key={selected.id} client={client} conversation={selected} />
        ) : (
          <section class="pane empty-pane">
            <p>
              {lists.waiting.length > 0 ? t('workspace.pickWaiting') : t('workspace.noneSelected')}
            </p>
          </section>
        )}
      </div>
    </div>
  );
}
