import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SecurityEventType } from '@parley/protocol';
import { twoNodes } from '../../../test/cluster';
import { GENEROUS_LIMITS } from '../../../test/limits';
import { createLogger } from '../../logger';
import type { SecurityEvents } from './events';
import { createRedisSignals } from './signals-redis';

const redisUrl = process.env.REDIS_URL;

type Emitted = { type: SecurityEventType; detail: Record<string, unknown> };

function recorder() {
  const emitted: Emitted[] = [];
  const events: SecurityEvents = {
    emit: (_orgId, type, input) => {
      emitted.push({ type, detail: input.detail ?? {} });
      return Promise.resolve();
    },
    start: () => undefined,
    idle: () => Promise.resolve(),
    stop: () => Promise.resolve(),
  };
  return { emitted, events };
}

/** Waits (with a deadline) until the clock is not about to end a window of `windowMs`. */
async function awayFromWindowEnd(windowMs: number, marginMs: number): Promise<void> {
  await expect
    .poll(() => windowMs - (Date.now() % windowMs) > marginMs, {
      timeout: marginMs + 1000,
      interval: 50,
    })
    .toBe(true);
}

describe.skipIf(!redisUrl)(
  redisUrl
    ? 'aggregated signals shared by two nodes over Redis'
    : 'aggregated signals shared by two nodes over Redis (skipped: REDIS_URL not set)',
  () => {
    it('a flood of new sessions spread over both nodes is one event and one summary, not one per node', async () => {
      const c = await twoNodes(redisUrl!, {
        ...GENEROUS_LIMITS,
        PARLEY_VISITOR_POW: 'off',
        PARLEY_SIGNAL_SESSION_BURST_PER_MINUTE: '10',
      });
      try {
        // The whole flood in one minute's window (the windows are aligned to the clock).
        await awayFromWindowEnd(60_000, 15_000);
        const perNode = 40;
        const create = (url: string) =>
          fetch(`${url}/api/visitor/session`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ orgKey: c.org.key }),
          }).then((r) => r.status);
        const statuses = await Promise.all(
          Array.from({ length: 2 * perNode }, (_, i) => create(i % 2 === 0 ? c.a.url : c.b.url)),
        );
        expect(statuses.filter((s) => s === 200)).toHaveLength(2 * perNode);
        await c.a.signals.flush();
        await c.b.signals.flush();
        const events = await c.a.store.security.events(c.org.id, {
          type: 'session_burst',
          limit: 100,
        });
        const raised = events.filter((e) => e.detail.summary !== true);
        const summaries = events.filter((e) => e.detail.summary === true);
        // Per node (without Redis): two raised events, and a summary from each node.
        expect(raised).toHaveLength(1);
        expect(summaries).toHaveLength(1);
        expect(raised[0]!.detail.count).toBe(10);
        expect(summaries[0]!.detail).toMatchObject({ count: 2 * perNode - 10, total: 2 * perNode });
      } finally {
        await c.close();
      }
    }, 60_000);

    it('counters of two nodes over short windows: at most one summary a window, every occurrence counted once', async () => {
      const windowMs = 1000;
      const log = createLogger('silent');
      const prefix = `parley:test:sig:${randomUUID()}:`;
      const { emitted, events } = recorder();
      const node = () => createRedisSignals({ events, redisUrl: redisUrl!, log, prefix, windowMs });
      const a = await node();
      const b = await node();
      try {
        await awayFromWindowEnd(windowMs, 600);
        const firstWindow = Math.floor(Date.now() / windowMs);
        let reported = 0;
        // Three windows of a steady flood from one source, half on each node.
        while (Math.floor(Date.now() / windowMs) < firstWindow + 3) {
          for (let i = 0; i < 20; i++) {
            (reported % 2 === 0 ? a : b).report('org-1', 'blocked_retry', 'block-1', {
              threshold: 5,
            });
            reported += 1;
          }
          await new Promise((r) => setImmediate(r));
        }
        // The windows' ends pass on both nodes, then whatever is left of the current one.
        await expect
          .poll(() => emitted.filter((e) => e.detail.summary === true).length, { timeout: 5000 })
          .toBeGreaterThanOrEqual(2);
        await a.flush();
        await b.flush();
        const raised = emitted.filter((e) => e.detail.summary !== true);
        const summaries = emitted.filter((e) => e.detail.summary === true);
        expect(raised).toHaveLength(1);
        // One summary for each window the flood was active in (three or four), never one per node.
        expect(summaries.length).toBeGreaterThanOrEqual(2);
        expect(summaries.length).toBeLessThanOrEqual(4);
        expect(emitted.reduce((n, e) => n + Number(e.detail.count), 0)).toBe(reported);
      } finally {
        await a.stop();
        await b.stop();
      }
    }, 30_000);
  },
);
