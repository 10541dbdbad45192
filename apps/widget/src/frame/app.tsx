import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Availability, VisitorConversation, WidgetConfig } from '@parley/protocol';
import { normaliseOrigin } from '../shared/bridge';
import { ApiError, visitorApi } from './api';
import { ChatView } from './chat-view';
import { Outbox } from './outbox';
import { connectParent, type ParentBridge } from './parent-bridge';
import { pickConversation, VisitorStore } from './session';
import { StartForm } from './start-form';
import { EarlierConversations } from './earlier';
import { OfflineForm, type OfflineInput } from './offline-form';
import { prepareVisitorChallenge, solveVisitorChallenge } from './proof-of-work';
import { browserStore, parseStoragePreference } from './storage';
import { errorOf, errorText, lang, loaderLabels, t } from './i18n';
import { applyBranding } from './theme';

type View =
  | { kind: 'loading' }
  | { kind: 'unavailable'; message: string }
  | { kind: 'start'; notice: string | null }
  | { kind: 'chat'; token: string; conversationId: string; closed: boolean; browsing?: boolean };

const params = new URLSearchParams(location.search);
const orgKey = params.get('org') ?? '';
const hostOrigin = normaliseOrigin(params.get('host'));
// The loader has an identity token for us and posts it after `ready`: wait for it before any session.
const identityExpected = params.get('identity') === '1';
// The team the website named (loader data-team); otherwise the visitor may pick one.
const siteTeam = /^[A-Za-z0-9-]{1,64}$/.test(params.get('team') ?? '')
  ? (params.get('team') ?? '')
  : '';
const IDENTITY_WAIT_MS = 3000;
/** The token of a continue link from a reply e-mail (`#continue=…`), read once and removed. */
function takeContinueToken(): string | null {
  const m = /(?:^#|&)continue=([A-Za-z0-9_-]{16,256})/.exec(location.hash);
  if (!m) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return m[1] ?? null;
}

export function App() {
  const [config, setConfig] = useState<WidgetConfig | null>(null);
  const [availability, setAvailability] = useState<Availability | null>(null);
  const [leaving, setLeaving] = useState(false);
  const [view, setView] = useState<View>({ kind: 'loading' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [panelOpen, setPanelOpen] = useState(false);
  const [bridge, setBridge] = useState<ParentBridge | null>(null);
  const kv = useMemo(() => browserStore(parseStoragePreference(params.get('storage'))), []);
  const store = useMemo(() => new VisitorStore(kv, orgKey), [kv]);
  const outbox = useMemo(() => new Outbox(kv, store.outboxKey), [kv, store]);
  // The host's identity token: memory only (short-lived; the host signs a new one per page).
  const identity = useRef<{ token: string | null; fresh: boolean }>({ token: null, fresh: false });
  const identified = useRef<() => void>(() => undefined);
  const identityArrived = useMemo(
    () =>
      new Promise<void>((resolve) => {
        identified.current = resolve;
        setTimeout(resolve, identityExpected ? IDENTITY_WAIT_MS : 0);
      }),
    [],
  );
  const takeIdentity = (): string | null => {
    if (!identity.current.fresh) return null;
    identity.current.fresh = false;
    return identity.current.token;
  };

  useEffect(() => {
    const b = connectParent(hostOrigin, (m) => {
      if (m.type !== 'identify') return setPanelOpen(m.type === 'open');
      identity.current = { token: m.token, fresh: m.token !== null };
      identified.current();
      // Signed out on the website: forget the verified session so the next person does not see it.
      if (m.token === null && store.session()?.verified) {
        store.clearSession();
        setView({ kind: 'start', notice: null });
      }
    });
    setBridge(b);
    if (!b.embedded) setPanelOpen(true);
    b.post({ type: 'ready' });
    b.post(loaderLabels(0));
    return () => b.dispose();
  }, []);

  useEffect(() => {
    void boot();
  }, []);

  // Opening the panel moves focus into the chat (the loader focused the iframe).
  useEffect(() => {
    if (panelOpen && bridge?.embedded)
      document.querySelector<HTMLElement>('#composer-input, #visitor-name')?.focus();
  }, [panelOpen, view.kind]);

  const lastUnread = useRef(-1);
  const postUnread = (count: number): void => {
    if (count === lastUnread.current) return;
    lastUnread.current = count;
    bridge?.post({ type: 'unread', count });
    bridge?.post(loaderLabels(count));
  };

  async function boot(): Promise<void> {
    if (!orgKey || !hostOrigin) {
      setView({ kind: 'unavailable', message: t('app.notSetUp') });
      return;
    }
    let cfg: WidgetConfig;
    try {
      cfg = await visitorApi.config(orgKey, hostOrigin, siteTeam || undefined, lang);
      applyBranding(cfg.branding);
      setConfig(cfg);
    } catch (e) {
      const code = e instanceof ApiError ? e.code : '';
      const message =
        code === 'origin_not_allowed' || code === 'organisation_not_found'
          ? errorText(code)
          : t('app.unavailableLater');
      setView({ kind: 'unavailable', message });
      return;
    }
    // Proof of work always asked and no session yet: solve one in a worker now, so "Start chat"
    // never waits for it. In `auto` mode the frame solves only when session creation asks for it
    // (visitor_challenge_required, while sessions per minute are over the threshold).
    if (cfg.proofOfWork === 'always' && !store.session()) prepareVisitorChallenge();
    // Whether anyone can answer now; without an answer the widget behaves as if someone can.
    visitorApi.availability(orgKey, siteTeam || undefined).then(setAvailability, () => undefined);
    const continueToken = takeContinueToken();
    if (continueToken) {
      try {
        const r = await visitorApi.continueChat(orgKey, continueToken);
        store.clearSession();
        store.saveSession(r);
      } catch (e) {
        setView({
          kind: 'start',
          notice: e instanceof ApiError ? errorText(e.code) : t('app.linkUnusable'),
        });
        return;
      }
    }
    await identityArrived;
    let session = store.session();
    // A signed-in customer replaces an anonymous session: the server finds their own conversations.
    if (session && !session.verified && identity.current.token) {
      store.clearSession();
      session = null;
    }
    if (!session) return setView({ kind: 'start', notice: null });
    try {
      const { conversations } = await visitorApi.conversations(session.token);
      const c = pickConversation(conversations);
      setView(
        c
          ? {
              kind: 'chat',
              token: session.token,
              conversationId: c.id,
              closed: c.status === 'closed',
            }
          : { kind: 'start', notice: null },
      );
    } catch (e) {
      if (e instanceof ApiError && e.code === 'chat_unavailable')
        return setView({ kind: 'unavailable', message: errorText(e.code) });
      if (e instanceof ApiError && e.status === 401) store.clearSession();
      setView({ kind: 'start', notice: null });
    }
  }

  async function start(
    name: string | undefined,
    consentVersion: number | undefined,
    teamId?: string,
  ): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      for (let attempt = 0; ; attempt++) {
        let session = store.session();
        if (!session) {
          identity.current.fresh = false;
          const id = identity.current.token ?? undefined;
          try {
            session = await visitorApi.createSession(orgKey, name, id);
          } catch (e) {
            // Busy or protected: solve the proof of work in the background and ask once more.
            if (!(e instanceof ApiError && e.code === 'visitor_challenge_required')) throw e;
            session = await visitorApi.createSession(
              orgKey,
              name,
              id,
              await solveVisitorChallenge(),
            );
          }
          store.saveSession(session);
        }
        try {
          const c = await visitorApi.startConversation(
            session.token,
            name,
            consentVersion,
            siteTeam || teamId,
          );
          setView({
            kind: 'chat',
            token: session.token,
            conversationId: c.id,
            closed: c.status === 'closed',
          });
          return;
        } catch (e) {
          // An expired or revoked token: start over once with a fresh session.
          if (!(e instanceof ApiError && e.status === 401) || attempt > 0) throw e;
          store.clearSession();
        }
      }
    } catch (e) {
      // The notice changed while the form was open: show the new one to be read and accepted.
      if (e instanceof ApiError && e.code === 'consent_outdated')
        await visitorApi.config(orgKey, hostOrigin ?? '').then(setConfig, () => undefined);
      if (e instanceof ApiError && e.code === 'chat_unavailable')
        return setView({ kind: 'unavailable', message: errorText(e.code) });
      setError(errorOf(e));
    } finally {
      setBusy(false);
    }
  }

  async function leaveMessage(input: OfflineInput): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const r = await visitorApi.leaveMessage({ orgKey, ...input });
      store.saveSession(r);
      setView({ kind: 'chat', token: r.token, conversationId: r.conversationId, closed: false });
    } catch (e) {
      setError(errorOf(e));
    } finally {
      setBusy(false);
    }
  }

  const away = availability !== null && !availability.available;
  // Outside business hours the form is the way; when merely nobody is signed in, the visitor
  // may still start a chat and wait, or leave a message instead.
  const offerForm =
    away &&
    availability.leaveMessage &&
    config?.identity !== 'required' &&
    (availability.reason === 'closed' || leaving);
  const title = config?.orgName ?? t('app.chat');
  // The organisation's own offline words in the visitor's language (branding), else its hours text.
  const offlineText = config?.branding?.offline ?? availability?.offlineText ?? '';
  const session = store.session();
  // Another of the visitor's conversations, from the list: an old one to read, or back to the open one.
  const show = (c: VisitorConversation, openElsewhere: boolean): void => {
    const s = store.session();
    if (s)
      setView({
        kind: 'chat',
        token: s.token,
        conversationId: c.id,
        closed: c.status === 'closed',
        browsing: openElsewhere,
      });
  };
  return (
    <div
      class="frame"
      onKeyDown={(e) => {
        if (e.key === 'Escape') bridge?.post({ type: 'close' });
      }}
    >
      <header class="head">
        <div>
          <h1>{title}</h1>
          <p class="sub" data-testid="availability">
            {away
              ? availability.reason === 'closed'
                ? t('app.closedNow')
                : t('app.nobodyNow')
              : (config?.branding?.replyTime ?? t('app.replyTime'))}
          </p>
        </div>
        {bridge?.embedded && (
          <button
            type="button"
            class="icon-btn"
            aria-label={t('app.minimise')}
            onClick={() => bridge.post({ type: 'close' })}
          >
            <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
              <path d="M5 11h14v2H5z" />
            </svg>
          </button>
        )}
      </header>
      <main class="body">
        {view.kind === 'loading' && <p class="centered">{t('app.loading')}</p>}
        {view.kind === 'unavailable' && (
          <p class="centered" role="alert">
            {view.message}
          </p>
        )}
        {view.kind === 'start' && config?.identity === 'required' && !identity.current.token && (
          <p class="centered" role="status">
            {t('app.signIn')}
          </p>
        )}
        {view.kind === 'start' && offerForm && (
          <OfflineForm
            text={offlineText}
            notice={view.notice}
            busy={busy}
            error={error}
            onSubmit={(input) => void leaveMessage(input)}
          />
        )}
        {view.kind === 'start' &&
          !offerForm &&
          (config?.identity !== 'required' || identity.current.token) && (
            <>
              <StartForm
                greeting={config?.greeting ?? ''}
                notice={view.notice ?? (away ? offlineText : null)}
                returning={session !== null}
                busy={busy}
                error={error}
                consent={config?.consent}
                teams={siteTeam ? [] : (config?.teams ?? [])}
                onStart={(n, v, team) => void start(n, v, team)}
                onTeamChange={(team) => {
                  visitorApi
                    .availability(orgKey, team || undefined)
                    .then(setAvailability, () => undefined);
                }}
              />
              {away && availability.leaveMessage && config?.identity !== 'required' && (
                <p class="centered">
                  <button type="button" class="link" onClick={() => setLeaving(true)}>
                    {t('app.leaveInstead')}
                  </button>
                </p>
              )}
              {session && (
                <EarlierConversations token={session.token} currentId={null} onOpen={show} />
              )}
            </>
          )}
        {view.kind === 'chat' && (
          <ChatView
            key={view.conversationId}
            token={view.token}
            conversationId={view.conversationId}
            startedClosed={view.closed}
            greeting={config?.greeting ?? ''}
            outbox={outbox}
            store={store}
            panelOpen={panelOpen}
            onUnread={postUnread}
            onExpired={() => {
              store.clearSession();
              setView({
                kind: 'start',
                notice: t('app.expired'),
              });
            }}
            onUnavailable={() => setView({ kind: 'unavailable', message: t('app.notAvailable') })}
            onForbidden={() => setView({ kind: 'unavailable', message: t('app.notOnSite') })}
            onNewConversation={
              view.browsing ? null : () => setView({ kind: 'start', notice: null })
            }
            earlier={
              <EarlierConversations
                token={view.token}
                currentId={view.conversationId}
                onOpen={show}
              />
            }
            takeIdentity={takeIdentity}
            consent={config?.consent !== undefined}
            onConsentWithdrawn={(outcome) => {
              store.clearSession();
              setView({
                kind: 'start',
                notice: outcome === 'erased' ? t('app.withdrawnErased') : t('app.withdrawnClosed'),
              });
            }}
          />
        )}
      </main>
    </div>
  );
}
