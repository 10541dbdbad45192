import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { createLocalBus, createRedisBus, type Bus, type BusEvent } from './index';

const redisUrl = process.env.REDIS_URL;
const log = pino({ level: 'silent' });

const drivers: { name: string; skip: boolean; open: () => Promise<Bus> }[] = [
  { name: 'local bus', skip: false, open: async () => createLocalBus() },
  {
    name: redisUrl ? 'redis bus' : 'redis bus (skipped: REDIS_URL not set)',
    skip: !redisUrl,
    open: () => createRedisBus(redisUrl!, log, `parley-test-${randomUUID()}:`),
  },
];

/** Subscribes (resolved once the subscription is in place) and returns the next event. */
async function nextEvent(bus: Bus, topic: string): Promise<{ event: Promise<BusEvent> }> {
  let deliver!: (e: BusEvent) => void;
  const next = new Promise<BusEvent>((resolve) => (deliver = resolve));
  await bus.subscribe(topic, (e) => deliver(e));
  return { event: next };
}

for (const driver of drivers) {
  describe.skipIf(driver.skip)(driver.name, () => {
    it('delivers a published event to every subscriber of the topic, and not to others', async () => {
      const bus = await driver.open();
      const got: string[] = [];
      const unsubA = await bus.subscribe('conv:a', (e) => got.push(`a1:${e.frame}`));
      await bus.subscribe('conv:a', (e) => got.push(`a2:${e.frame}`));
      await bus.subscribe('conv:b', (e) => got.push(`b:${e.frame}`));
      await bus.publish('conv:a', { audience: 'all', frame: '{"x":1}' });
      await expect.poll(() => got.length).toBe(2);
      expect(got.sort()).toEqual(['a1:{"x":1}', 'a2:{"x":1}']);
      unsubA();
      await bus.publish('conv:a', { audience: 'all', frame: '2' });
      await expect.poll(() => got.length).toBe(3);
      expect(got[2]).toBe('a2:2');
      await bus.close();
    });

    it('regression (issue 18 finding 1): a handler that throws neither stops the other handlers nor fails the publisher', async () => {
      const bus = await driver.open();
      const got: string[] = [];
      await bus.subscribe('conv:t', () => {
        throw new RangeError('Maximum call stack size exceeded');
      });
      await bus.subscribe('conv:t', (e) => got.push(e.frame));
      await expect(bus.publish('conv:t', { audience: 'all', frame: 'a' })).resolves.toBeUndefined();
      await bus.publish('conv:t', { audience: 'all', frame: 'b' });
      await expect.poll(() => got).toEqual(['a', 'b']);
      await bus.close();
    });

    it('keeps the publish order of events on one topic', async () => {
      const bus = await driver.open();
      const seqs: number[] = [];
      await bus.subscribe('conv:o', (e) => seqs.push(e.seq ?? -1));
      for (let i = 1; i <= 50; i++)
        await bus.publish('conv:o', { audience: 'all', seq: i, frame: '' });
      await expect.poll(() => seqs.length).toBe(50);
      expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      await bus.close();
    });
  });
}

describe.skipIf(!redisUrl)(
  redisUrl ? 'redis bus across nodes' : 'redis bus across nodes (skipped: REDIS_URL not set)',
  () => {
    it('carries events between two nodes', async () => {
      const prefix = `parley-test-${randomUUID()}:`;
      const a = await createRedisBus(redisUrl!, log, prefix);
      const b = await createRedisBus(redisUrl!, log, prefix);
      const received = (await nextEvent(b, 'org:1')).event;
      await a.publish('org:1', {
        audience: 'agent',
        frame: '{"type":"pong"}',
        conversationId: 'c',
      });
      await expect(received).resolves.toEqual({
        audience: 'agent',
        frame: '{"type":"pong"}',
        conversationId: 'c',
      });
      await a.close();
      await b.close();
    });
  },
);
