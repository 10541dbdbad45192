/**
 * What the browser knows about its network. `navigator.onLine === false` is
 * reliable ("certainly offline"), and the `offline` event fires the moment the
 * network goes away, while a WebSocket on a dead network may stay "open" until
 * the ping timeout (50 s): so the socket listens to this too (issue 11 item 7).
 */
export interface NetworkSignal {
  isOnline(): boolean;
  /** Calls `listener` on every online/offline change; returns the unsubscribe. */
  subscribe(listener: (online: boolean) => void): () => void;
}

/** The page's own network signal, or null outside a browser (Node tests, workers without it). */
export function browserNetwork(): NetworkSignal | null {
  const w = globalThis as {
    navigator?: { onLine?: boolean };
    addEventListener?: (type: string, fn: () => void) => void;
    removeEventListener?: (type: string, fn: () => void) => void;
  };
  if (typeof w.addEventListener !== 'function' || typeof w.removeEventListener !== 'function')
    return null;
  const add = w.addEventListener.bind(w);
  const remove = w.removeEventListener.bind(w);
  return {
    isOnline: () => w.navigator?.onLine !== false,
    subscribe(listener) {
      const online = (): void => listener(true);
      const offline = (): void => listener(false);
      add('online', online);
      add('offline', offline);
      return () => {
        remove('online', online);
        remove('offline', offline);
      };
    },
  };
}

/** Whole seconds left until `at` (epoch ms), never below zero: the "Reconnecting in N s" figure. */
export function secondsUntil(at: number | null, now: number = Date.now()): number {
  if (at === null) return 0;
  return Math.max(0, Math.ceil((at - now) / 1000));
}
