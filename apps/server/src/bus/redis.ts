import { Redis } from 'ioredis';
import { HandlerRegistry, type Bus, type BusEvent, type BusHandler } from './bus';
import type { Logger } from '../logger';

/**
 * The Redis bus for several nodes: one connection publishes, one subscribes;
 * a Redis channel is subscribed while at least one local handler wants it.
 */
export async function createRedisBus(url: string, log: Logger, prefix = 'parley:'): Promise<Bus> {
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  const sub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  await Promise.all([pub.connect(), sub.connect()]);
  const registry = new HandlerRegistry();
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
  for (const conn of [pub, sub])
    conn.on('error', (err: Error) => log.warn({ err: err.message }, 'bus: redis error'));

  return {
    async publish(topic: string, event: BusEvent) {
      await pub.publish(prefix + topic, JSON.stringify(event));
    },
    async subscribe(topic: string, handler: BusHandler) {
      if (registry.add(topic, handler)) await sub.subscribe(prefix + topic);
      return () => {
        if (registry.remove(topic, handler))
          void sub.unsubscribe(prefix + topic).catch(() => undefined);
      };
    },
    async close() {
      sub.disconnect();
      pub.disconnect();
    },
  };
}
