import { useEffect, useState } from 'preact/hooks';
import { secondsUntil, type SocketStatus } from '@parley/realtime-client';
import { t } from '../i18n';

// The workspace header's connection wording, in one place (keys in full for i18n.test.ts).
const TEXT: Record<Exclude<SocketStatus, 'reconnecting'>, string> = {
  connecting: 'connection.connecting',
  connected: 'connection.connected',
  offline: 'connection.offline',
};

/**
 * The agent's live connection in the workspace header: "Offline…" the moment
 * the browser loses its network, "Reconnecting in N s…" counting down to the
 * next try (issue 11 item 7).
 */
export function ConnectionStatus({
  status,
  retryAt,
}: {
  status: SocketStatus;
  retryAt: number | null;
}) {
  const [, tick] = useState(0);
  useEffect(() => {
    if (status !== 'reconnecting') return;
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [status]);
  return (
    <span class={`conn ${status}`} data-testid="connection-status" role="status">
      {status === 'reconnecting'
        ? t('connection.reconnecting', { seconds: secondsUntil(retryAt) })
        : t(TEXT[status])}
    </span>
  );
}
