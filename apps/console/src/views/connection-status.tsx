import { useEffect, useState } from 'preact/hooks';
import { secondsUntil, type SocketStatus } from '@parley/realtime-client';

// The workspace header's connection wording, in one place.
const TEXT = {
  connecting: 'Connecting…',
  connected: 'Live',
  offline: 'Offline…',
  reconnecting: (seconds: number) => `Reconnecting in ${seconds} s…`,
} as const;

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
      {status === 'reconnecting' ? TEXT.reconnecting(secondsUntil(retryAt)) : TEXT[status]}
    </span>
  );
}
