/** Reconnect delays: exponential with "equal jitter" so clients that lost the
 * same server do not come back in lockstep, and never retry instantly. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export type CloseAction = 'reconnect' | 'slow-down' | 'reauthenticate' | 'stop';

/** What to do after the socket closed with `code` (docs/errors.md). */
export function closeAction(code: number): CloseAction {
  switch (code) {
    case 4001:
      return 'reauthenticate';
    case 4003:
    case 4403:
      return 'stop';
    case 4029:
      return 'slow-down';
    default:
      return 'reconnect';
  }
}
