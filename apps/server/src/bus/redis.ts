import { Redis } from 'ioredis';
import { countFault } from '../lib/fault-counters';
import type { Logger } from '../logger';
import { HandlerRegistry, type Bus, type BusEvent, type BusHandler } from './bus';
import { Outbox, type OutboxOptions } from './outbox';

export interface RedisBusOptions {
  outbox?: OutboxOptions;
  /** Deadline of one Redis command (publish, subscribe); default 2 s. */
  commandTimeoutMs?: number;
  /** How long boot waits for Redis before starting anyway and connecting in the background. */
  connectTimeoutMs?: number;
}

const RESUBSCRIBE_RETRY_MS = 1000;

/**
 * The Redis bus for several nodes: one connection publishes, one subscribes;
 * a Redis channel is subscribed while at least one local handler wants it.
 *
 * Outages are contained (issue 18): a publish that fails goes to the outbox
 * and is re-published when Redis is back; a subscribe that fails stays wanted
 * and is retried; after a reconnect every wanted channel is subscribed again
 * and its subscribers resync from the store, so nothing committed during the
 * outage waits for the next message to appear.
 */
export async function createRedisBus(
  url: string,
  log: Logger,
  prefix = 'parley:',
  options: RedisBusOptions = {},
): Promise<Bus> {
  const common = {
    maxRetriesPerRequest: 3,
    commandTimeout: options.commandTimeoutMs ?? 2000,
    keepAlive: 10_000,
    connectTimeout: 5000,
  };
  const pub = new Redis(url, common);
  const sub = new Redis(url, common);
  for (const [name, conn] of [
    ['pub', pub],
    ['sub', sub],
  ] as const)
    conn.on('error', (err: Error) =>
      log.warn({ conn: name, err: err.message }, 'bus: redis error'),
    );
  const registry = new HandlerRegistry((topic, err) =>
    log.error(
      {
        topic,
        err: err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 200) : 'unknown',
      },
      'bus: a subscriber failed; the others were served',
    ),
  );
  const outbox = new Outbox(
    (topic, payload) => pub.publish(prefix + topic, payload),
    log,
    options.outbox,
  );
  const pending = new Set<string>(); // wanted, but Redis has not confirmed the SUBSCRIBE
  const inflight = new Map<string, Promise<void>>();
  let retryTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const scheduleRetry = () => {
    if (closed || retryTimer || pending.size === 0) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void restore([...pending]);
    }, RESUBSCRIBE_RETRY_MS);
    retryTimer.unref();
  };

  /** Subscribes the channels of these topics; on success their subscribers resync. Never rejects. */
  const restore = async (wanted: string[], resync = true): Promise<boolean> => {
    const live = wanted.filter((t) => registry.has(t));
    if (live.length === 0) return true;
    try {
      await sub.subscribe(...live.map((t) => prefix + t));
    } catch (err) {
      for (const t of live) pending.add(t);
      log.warn(
        { topics: live.length, err: err instanceof Error ? err.message : 'unknown' },
        'bus: subscribe failed; retrying',
      );
      scheduleRetry();
      return false;
    }
    for (const t of live) {
      const wasPending = pending.delete(t);
      if (wasPending) countFault('busResubscribes');
      if (resync || wasPending) registry.resync(t);
    }
    return true;
  };

  sub.on('message', (channel: string, payload: string) => {
    let event: BusEvent;
    try {
      event = JSON.parse(payload) as BusEvent;
    } catch {
      log.warn({ channel }, 'bus: dropped an unparseable event');
      return;
    }
    registry.dispatch(channel.slice(prefix.length), event);
  });
  pub.on('ready', () => void outbox.flush());
  await waitReady([pub, sub], options.connectTimeoutMs ?? 5000, log);
  // Registered after the first connection: from here on 'ready' means a reconnect.
  sub.on('ready', () => {
    const wanted = registry.topics();
    if (wanted.length === 0) return;
    countFault('busResubscribes', wanted.length);
    log.info({ topics: wanted.length }, 'bus: reconnected; restoring subscriptions');
    void restore(wanted);
  });

  return {
    publish(topic: string, event: BusEvent) {
      return outbox.publish(topic, JSON.stringify(event));
    },
    async subscribe(topic: string, handler: BusHandler, hooks) {
      const first = registry.add(topic, handler, hooks);
      if (first) {
        const attempt = restore([topic], false).then(() => undefined);
        inflight.set(topic, attempt);
        await attempt;
        if (inflight.get(topic) === attempt) inflight.delete(topic);
      } else {
        await inflight.get(topic);
      }
      return () => {
        if (!registry.remove(topic, handler)) return;
        pending.delete(topic);
        sub.unsubscribe(prefix + topic).catch(() => undefined);
      };
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      outbox.close();
      sub.disconnect();
      pub.disconnect();
    },
  };
}

/** Waits until both connections are ready, or starts anyway after the timeout (ioredis keeps reconnecting). */
async function waitReady(conns: Redis[], ms: number, log: Logger): Promise<void> {
  const ready = (c: Redis) =>
    c.status === 'ready'
      ? Promise.resolve()
      : new Promise<void>((resolve) => c.once('ready', () => resolve()));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), ms);
    timer.unref();
  });
  const late = await Promise.race([Promise.all(conns.map(ready)).then(() => false), timedOut]);
  clearTimeout(timer);
  if (late)
    log.warn('bus: redis not reachable at start; serving and reconnecting in the background');
}
