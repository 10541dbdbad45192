import type { SecurityEventType } from '@parley/protocol';
import type { SecurityEvents } from './events';

type Detail = Record<string, string | number | boolean | null>;

export interface SignalInput {
  ip?: string | null;
  detail?: Detail;
  /** Occurrences within one window before the first event (default 1: the first one). */
  threshold?: number;
  /** Called with the occurrences an event accounts for, when it is emitted. */
  onEmit?: (count: number) => void;
}

/**
 * Visitor-side intrusion signals (issue 11 item 5): anyone on the internet can
 * cause them, so they are aggregated, never one row per occurrence. Per
 * organisation, type and source key, the occurrence that crosses the threshold
 * raises one event at once; further ones in the same window are counted and
 * raise one summary event when the window ends (`detail.count`,
 * `detail.total`, `detail.firstAt`, `detail.lastAt`). A steady flood from one
 * source is so one event a window. Many sources at once (a distributed flood)
 * fold into one key `*` per type once `maxKeysPerType` is reached.
 */
export interface Signals {
  /** Counts one occurrence. Synchronous and never throws: callers are hot paths. */
  report(orgId: string, type: SecurityEventType, key: string, input?: SignalInput): void;
  /** Emits every pending summary now and resolves when they are recorded (tests, shutdown). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

interface Entry {
  orgId: string;
  type: SecurityEventType;
  key: string;
  ip: string | null;
  detail: Detail;
  threshold: number;
  onEmit: ((count: number) => void) | undefined;
  /** Occurrences in the current window, and those not yet in any event. */
  window: number;
  pending: number;
  total: number;
  firstAt: number;
  lastAt: number;
  raised: boolean;
  sources: Set<string> | undefined;
}

export function createSignals(deps: {
  events: SecurityEvents;
  windowMs?: number;
  maxKeysPerType?: number;
  now?: () => number;
}): Signals {
  const windowMs = deps.windowMs ?? 60_000;
  const maxKeys = deps.maxKeysPerType ?? 50;
  const now = deps.now ?? (() => Date.now());
  const entries = new Map<string, Entry>();
  const keysPerType = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();

  const emit = (e: Entry, detail: Detail) => {
    const count = e.pending;
    e.pending = 0;
    e.onEmit?.(count);
    const p = deps.events
      .emit(e.orgId, e.type, {
        ip: e.ip,
        detail: {
          ...e.detail,
          ...detail,
          count,
          total: e.total,
          firstAt: e.firstAt,
          lastAt: e.lastAt,
          windowSeconds: Math.round(windowMs / 1000),
          ...(e.sources ? { sources: e.sources.size } : {}),
        },
      })
      .catch(() => undefined);
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  /** Ends the current window of every entry: summaries for what was counted, idle entries dropped. */
  function rollover(): void {
    for (const [id, e] of entries) {
      if (e.raised && e.pending > 0) emit(e, { summary: true });
      if (e.window === 0) {
        entries.delete(id);
        const tk = `${e.orgId}\0${e.type}`;
        const left = (keysPerType.get(tk) ?? 1) - 1;
        if (left <= 0) keysPerType.delete(tk);
        else keysPerType.set(tk, left);
        continue;
      }
      e.window = 0;
      // Below the threshold in a window: start counting afresh. A raised source stays
      // raised while it is active, so a steady flood is one summary a window.
      if (!e.raised) e.pending = 0;
    }
  }
  const timer = setInterval(rollover, windowMs);
  timer.unref();

  return {
    report(orgId, type, key, input = {}) {
      try {
        const tk = `${orgId}\0${type}`;
        let id = `${tk}\0${key}`;
        let e = entries.get(id);
        let folded = false;
        if (!e && (keysPerType.get(tk) ?? 0) >= maxKeys) {
          id = `${tk}\0*`;
          e = entries.get(id);
          folded = true;
        }
        const at = now();
        if (!e) {
          e = {
            orgId,
            type,
            key: folded ? '*' : key,
            ip: folded ? null : (input.ip ?? null),
            detail: folded ? { source: 'many' } : { ...(input.detail ?? {}) },
            threshold: Math.max(1, input.threshold ?? 1),
            onEmit: folded ? undefined : input.onEmit,
            window: 0,
            pending: 0,
            total: 0,
            firstAt: at,
            lastAt: at,
            raised: false,
            sources: folded ? new Set() : undefined,
          };
          entries.set(id, e);
          keysPerType.set(tk, (keysPerType.get(tk) ?? 0) + 1);
        }
        if (e.sources && e.sources.size < 100_000) e.sources.add(key);
        e.window += 1;
        e.pending += 1;
        e.total += 1;
        e.lastAt = at;
        if (!e.raised && e.window >= e.threshold) {
          e.raised = true;
          emit(e, {});
        }
      } catch {
        // A signal is never worth failing the request it came from.
      }
    },
    async flush() {
      for (const e of entries.values()) if (e.raised && e.pending > 0) emit(e, { summary: true });
      await Promise.all([...inFlight]);
    },
    async stop() {
      clearInterval(timer);
      await this.flush();
      entries.clear();
      keysPerType.clear();
    },
  };
}
