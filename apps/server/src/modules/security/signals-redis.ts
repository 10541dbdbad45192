import { Redis } from 'ioredis';
import type { SecurityEventType } from '@parley/protocol';
import type { Logger } from '../../logger';
import type { SecurityEvents } from './events';
import { createSignals, type SignalInput, type Signals } from './signals';

type Detail = Record<string, string | number | boolean | null>;

// One occurrence, atomically (issue 11 item 5 across nodes). KEYS: window count, window pending,
// raised flag, stats hash, sources (HyperLogLog). ARGV: threshold, now, window-key ttl, raised
// ttl (to the end of the next window: a source stays raised while it is active), source or ''.
// Answers {raise, count, total, firstAt, lastAt, sources}; raise 1 for the one occurrence on any
// node that crosses the threshold.
const OCCUR = `
local total = redis.call('HINCRBY', KEYS[4], 'total', 1)
redis.call('HSETNX', KEYS[4], 'firstAt', ARGV[2])
redis.call('HSET', KEYS[4], 'lastAt', ARGV[2])
redis.call('PEXPIRE', KEYS[4], ARGV[4])
local sources = -1
if ARGV[5] ~= '' then
  redis.call('PFADD', KEYS[5], ARGV[5])
  redis.call('PEXPIRE', KEYS[5], ARGV[4])
  sources = redis.call('PFCOUNT', KEYS[5])
end
local firstAt = tonumber(redis.call('HGET', KEYS[4], 'firstAt'))
if redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('PEXPIRE', KEYS[3], ARGV[4])
  redis.call('INCR', KEYS[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
  return {0, 0, total, firstAt, sources}
end
local c = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if c >= tonumber(ARGV[1]) then
  redis.call('SET', KEYS[3], '1', 'PX', ARGV[4])
  return {1, c, total, firstAt, sources}
end
return {0, 0, total, firstAt, sources}
`;

// A window's summary: exactly one caller (on any node) takes its pending count.
// KEYS: window pending, stats hash, sources. Answers {count, total, firstAt, lastAt, sources}.
const TAKE = `
local c = tonumber(redis.call('GETDEL', KEYS[1]) or '0')
if c == 0 then return {0} end
local s = redis.call('HMGET', KEYS[2], 'total', 'firstAt', 'lastAt')
local sources = -1
if redis.call('EXISTS', KEYS[3]) == 1 then sources = redis.call('PFCOUNT', KEYS[3]) end
return {c, tonumber(s[1] or '0'), tonumber(s[2] or '0'), tonumber(s[3] or '0'), sources}
`;

interface Seen {
  orgId: string;
  type: SecurityEventType;
  key: string;
  ip: string | null;
  detail: Detail;
  onEmit: ((count: number) => void) | undefined;
  /** Windows this node counted an occurrence in (it asks for their summaries). */
  windows: Set<number>;
  folded: boolean;
}

const CONNECT_TIMEOUT_MS = 2000;

type RedisSignalsClient = Redis & {
  parleySignalOccur(...args: (string | number)[]): Promise<number[]>;
  parleySignalTake(...args: string[]): Promise<number[]>;
};

/**
 * The aggregation of modules/security/signals.ts with its counters in Redis,
 * shared by every node (REDIS_URL): a flood spread over N nodes is still one
 * event when it crosses the threshold and one summary a window, not one per
 * node. Windows are aligned to the clock (`floor(now / windowMs)`) so that all
 * nodes end them together; the summary of a window goes to whichever node takes
 * its pending count first (GETDEL). If Redis fails, an occurrence is counted in
 * this node's memory instead (per node, as without Redis) rather than lost.
 * Resolves once Redis answers, or after `connectTimeout` with the memory fallback.
 */
export async function createRedisSignals(deps: {
  events: SecurityEvents;
  redisUrl: string;
  log: Logger;
  prefix?: string;
  windowMs?: number;
  maxKeysPerType?: number;
  now?: () => number;
  /** After a window ends, wait this long for the other nodes' last occurrences (default 250 ms). */
  graceMs?: number;
}): Promise<Signals> {
  const windowMs = deps.windowMs ?? 60_000;
  const maxKeys = deps.maxKeysPerType ?? 50;
  const now = deps.now ?? (() => Date.now());
  const graceMs = deps.graceMs ?? 250;
  const prefix = deps.prefix ?? 'parley:sig:';
  const fallback = createSignals({ events: deps.events, windowMs, maxKeysPerType: maxKeys, now });
  const redis = new Redis(deps.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: 1000,
  }) as RedisSignalsClient;
  redis.on('error', (err: Error) => deps.log.warn({ err: err.message }, 'signals: redis error'));
  redis.defineCommand('parleySignalOccur', { numberOfKeys: 5, lua: OCCUR });
  redis.defineCommand('parleySignalTake', { numberOfKeys: 3, lua: TAKE });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, CONNECT_TIMEOUT_MS);
    timer.unref();
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const seen = new Map<string, Seen>();
  const keysPerType = new Map<string, number>();
  const inFlight = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const k = (id: string, part: string) => `${prefix}${part}:${id}`;

  const emit = (s: Seen, r: number[], extra: Detail) => {
    const [count = 0, total = 0, firstAt = 0, lastAt = 0, sources = -1] = r;
    s.onEmit?.(count);
    track(
      deps.events
        .emit(s.orgId, s.type, {
          ip: s.ip,
          detail: {
            ...s.detail,
            ...extra,
            count,
            total,
            firstAt,
            lastAt,
            windowSeconds: Math.round(windowMs / 1000),
            ...(s.folded && sources >= 0 ? { sources } : {}),
          },
        })
        .catch(() => undefined),
    );
  };

  /** Asks for the summaries of windows up to `last` of every source this node saw in them. */
  const summarise = (last: number) => {
    for (const [id, s] of seen) for (const w of s.windows) if (w <= last) take(id, s, w);
    // Sources idle for a whole window are forgotten here (their Redis keys expire by themselves).
    for (const [id, s] of seen) {
      if (s.windows.size > 0) continue;
      seen.delete(id);
      const tk = `${s.orgId}\0${s.type}`;
      const left = (keysPerType.get(tk) ?? 1) - 1;
      if (left <= 0) keysPerType.delete(tk);
      else keysPerType.set(tk, left);
    }
  };
  const take = (id: string, s: Seen, w: number) => {
    s.windows.delete(w);
    const p = redis
      .parleySignalTake(k(id, `p:${w}`), k(id, 'stats'), k(id, 'src'))
      .then((r) => {
        if ((r[0] ?? 0) > 0) emit(s, r, { summary: true });
      })
      .catch((err: unknown) =>
        deps.log.warn({ err: err instanceof Error ? err.message : 'unknown' }, 'signals: summary'),
      );
    track(p);
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    const at = now();
    const ended = Math.floor(at / windowMs);
    timer = setTimeout(
      () => {
        summarise(ended);
        schedule();
      },
      (ended + 1) * windowMs - at + graceMs,
    );
    timer.unref();
  };
  schedule();

  /** Every summary this node can give now (tests, shutdown): the ended windows and the current one. */
  // Until nothing is in flight: a summary taken from Redis starts its event's write only when
  // the take answers, after a one-time snapshot of the set would have been made.
  const settle = async () => {
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  };
  const flush = async (): Promise<void> => {
    await settle();
    summarise(Math.floor(now() / windowMs));
    await settle();
    await fallback.flush();
  };

  return {
    report(orgId, type, key, input: SignalInput = {}) {
      try {
        const tk = `${orgId}\0${type}`;
        let id = `${orgId}:${type}:${key}`;
        let s = seen.get(id);
        if (!s && (keysPerType.get(tk) ?? 0) >= maxKeys) {
          id = `${orgId}:${type}:*`;
          s = seen.get(id);
          if (!s) {
            s = {
              orgId,
              type,
              key: '*',
              ip: null,
              detail: { source: 'many' },
              onEmit: undefined,
              windows: new Set(),
              folded: true,
            };
            seen.set(id, s);
          }
        }
        if (!s) {
          s = {
            orgId,
            type,
            key,
            ip: input.ip ?? null,
            detail: { ...(input.detail ?? {}) },
            onEmit: input.onEmit,
            windows: new Set(),
            folded: false,
          };
          seen.set(id, s);
          keysPerType.set(tk, (keysPerType.get(tk) ?? 0) + 1);
        }
        const at = now();
        const w = Math.floor(at / windowMs);
        s.windows.add(w);
        const entry = s;
        // Not connected (an outage, or still connecting): this node's memory, without waiting.
        if (redis.status !== 'ready') return fallback.report(orgId, type, key, input);
        const p = redis
          .parleySignalOccur(
            k(id, `c:${w}`),
            k(id, `p:${w}`),
            k(id, 'raised'),
            k(id, 'stats'),
            k(id, 'src'),
            Math.max(1, input.threshold ?? 1),
            at,
            windowMs * 3,
            (w + 2) * windowMs - at,
            entry.folded ? key : '',
          )
          .then((r) => {
            const [raise = 0, count = 0, total = 0, firstAt = 0, sources = -1] = r;
            if (raise === 1) emit(entry, [count, total, firstAt, at, sources], {});
          })
          // Redis is down: counted in this node's memory instead, as a single node would.
          .catch(() => fallback.report(orgId, type, key, input));
        track(p);
      } catch {
        // A signal is never worth failing the request it came from.
      }
    },
    flush,
    async stop() {
      clearTimeout(timer);
      await flush();
      await fallback.stop();
      seen.clear();
      keysPerType.clear();
      redis.disconnect();
    },
  };
}
