import { secondsUntil, type SocketStatus } from '@parley/realtime-client';
import { t } from './i18n';

const KEYS: Record<Exclude<SocketStatus, 'reconnecting'>, string> = {
  connecting: 'status.connecting',
  connected: 'status.connected',
  offline: 'status.offline',
};

/**
 * What the status line says: honest about the network, with the retry countdown (issue 11
 * item 7), in the visitor's language (catalog keys `status.*`).
 */
export function connectionText(
  status: SocketStatus,
  retryAt: number | null,
  now = Date.now(),
): string {
  if (status === 'reconnecting')
    return t('status.reconnecting', { count: secondsUntil(retryAt, now) });
  return t(KEYS[status]);
}
