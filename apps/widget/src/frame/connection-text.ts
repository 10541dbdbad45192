import { secondsUntil, type SocketStatus } from '@parley/realtime-client';

// The chat frame's connection wording, kept together so the translation catalogs can take it whole.
export const CONNECTION_TEXT = {
  connecting: 'Connecting…',
  connected: 'Connected',
  offline: 'Offline…',
  reconnecting: (seconds: number) => `Reconnecting in ${seconds} s…`,
} as const;

/** What the status line says: honest about the network, with the retry countdown (issue 11 item 7). */
export function connectionText(
  status: SocketStatus,
  retryAt: number | null,
  now = Date.now(),
): string {
  if (status === 'reconnecting') return CONNECTION_TEXT.reconnecting(secondsUntil(retryAt, now));
  return CONNECTION_TEXT[status];
}
