import { useEffect, useRef, useState } from 'preact/hooks';
import { consoleApi } from '../lib/api';
import { t } from '../i18n';

const WARN_BEFORE_MS = 2 * 60_000;
const TOUCH_EVERY_MS = 60_000;
const ACTIVITY = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * Idle timeout without surprises (PCI DSS 8.2.8, issue 10 finding 12): the
 * agent's own activity keeps the session alive (at most one touch a minute);
 * two minutes before the organisation's idle timeout a banner offers "Stay
 * signed in"; when it runs out the console locks in place (views/lock-screen.tsx).
 */
export function IdleGuard({
  idleMinutes,
  onExpired,
}: {
  idleMinutes: number;
  onExpired: () => void;
}) {
  const idleMs = idleMinutes * 60_000;
  const last = useRef(Date.now());
  const touched = useRef(Date.now());
  const [left, setLeft] = useState<number | null>(null);

  const stay = () => {
    last.current = Date.now();
    touched.current = last.current;
    setLeft(null);
    consoleApi.session().catch(() => onExpired());
  };

  useEffect(() => {
    const active = () => {
      last.current = Date.now();
      if (last.current - touched.current > TOUCH_EVERY_MS) stay();
    };
    for (const e of ACTIVITY) window.addEventListener(e, active, { passive: true });
    const timer = setInterval(() => {
      const remaining = idleMs - (Date.now() - last.current);
      if (remaining <= 0) onExpired();
      else setLeft(remaining <= WARN_BEFORE_MS ? remaining : null);
    }, 1000);
    return () => {
      for (const e of ACTIVITY) window.removeEventListener(e, active);
      clearInterval(timer);
    };
  }, [idleMs]);

  if (left === null) return null;
  return (
    <div class="idle-warning" role="alertdialog" aria-live="assertive" data-testid="idle-warning">
      <p>{t('signIn.idleWarning', { count: Math.ceil(left / 1000) })}</p>
      <button type="button" class="btn primary" onClick={stay}>
        {t('signIn.staySignedIn')}
      </button>
    </div>
  );
}
