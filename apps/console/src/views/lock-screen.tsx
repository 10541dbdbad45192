import { useEffect, useRef, useState } from 'preact/hooks';
import type { SessionInfo } from '@parley/protocol';
import { accountApi } from '../lib/account-api';
import { ApiError } from '../lib/api';
import { errorOf } from '../lib/errors';
import { t } from '../i18n';

const WAITING_POLL_MS = 10_000;

/** A short two-tone chime (Web Audio: no file to fetch, nothing for the CSP to allow). */
function chime(): void {
  try {
    const ctx = new AudioContext();
    const now = ctx.currentTime;
    for (const [i, freq] of [880, 660].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.15, now + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.001, now + i * 0.18 + 0.16);
      osc.connect(gain).connect(ctx.destination);
      osc.start(now + i * 0.18);
      osc.stop(now + i * 0.18 + 0.17);
    }
    setTimeout(() => void ctx.close().catch(() => undefined), 800);
  } catch {
    // No audio here (policy, no device): the count and the title still tell.
  }
}

/**
 * The idle lock (issue 10 item 15): shown IN PLACE of the console's content,
 * which is no longer in the page. The password unlocks it; the view behind it
 * (selected conversation, drafts) is still held by the app and comes back.
 * While locked the waiting count is polled (the only data a locked session
 * gets) and a chime plays when it rises.
 */
export function LockScreen({
  session,
  onUnlocked,
  onSignOut,
}: {
  session: SessionInfo;
  onUnlocked: (session: SessionInfo) => void;
  onSignOut: () => void;
}) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [waiting, setWaiting] = useState<number | null>(null);
  const [chimes, setChimes] = useState(0);
  const last = useRef<number | null>(null);

  useEffect(() => {
    let stopped = false;
    const poll = () =>
      accountApi.waiting().then(
        (n) => {
          if (stopped) return;
          if (last.current !== null && n > last.current) {
            chime();
            setChimes((c) => c + 1);
          }
          last.current = n;
          setWaiting(n);
          document.title =
            n > 0 ? t('signIn.lockedTitleWaiting', { count: n }) : t('signIn.lockedTitle');
        },
        (e: unknown) => {
          if (e instanceof ApiError && e.status === 401) onSignOut();
        },
      );
    void poll();
    const timer = setInterval(() => void poll(), WAITING_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      onUnlocked(await accountApi.unlockSession(password));
    } catch (e) {
      setError(errorOf(e));
      setBusy(false);
    }
  };

  return (
    <main class="signin lock-screen" data-testid="lock-screen" data-chimes={chimes}>
      <form
        class="card signin-card"
        aria-labelledby="lock-title"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p class="brand">Parley</p>
        <h1 id="lock-title">{t('signIn.lockHeading')}</h1>
        <p>
          {t('signIn.lockHint', {
            count: session.idleMinutes ?? 15,
            name: session.agent.name,
          })}
        </p>
        <p class="waiting-count" role="status" aria-live="polite" data-testid="locked-waiting">
          {waiting === null ? ' ' : t('signIn.chatsWaiting', { count: waiting })}
        </p>
        <input
          type="text"
          name="username"
          autocomplete="username"
          value={session.agent.email}
          readOnly
          hidden
        />
        <label for="unlock-password">{t('signIn.password')}</label>
        <input
          id="unlock-password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        {error && (
          <p class="error" role="alert" data-testid="unlock-error">
            {error}
          </p>
        )}
        <button type="submit" class="btn primary" disabled={busy}>
          {t('signIn.unlock')}
        </button>
        <button type="button" class="link" onClick={onSignOut}>
          {t('signIn.signOutInstead')}
        </button>
      </form>
    </main>
  );
}
