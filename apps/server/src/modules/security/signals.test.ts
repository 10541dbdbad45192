import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecurityEventType } from '@parley/protocol';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { newVisitor, visitorSocket } from '../../../test/clients';
import type { SecurityEvents } from './events';
import { createSignals } from './signals';

type Emitted = {
  orgId: string;
  type: SecurityEventType;
  ip: string | null;
  detail: Record<string, unknown>;
};

/** Records what would be stored; the real store path is covered by the server test below. */
function recorder() {
  const emitted: Emitted[] = [];
  const events: SecurityEvents = {
    emit: (orgId, type, input) => {
      emitted.push({ orgId, type, ip: input.ip ?? null, detail: input.detail ?? {} });
      return Promise.resolve();
    },
    start: () => undefined,
    idle: () => Promise.resolve(),
    stop: () => Promise.resolve(),
  };
  return { emitted, events };
}

describe('aggregated security signals', () => {
  it('turns a flood of 10,000 from one source into one event now and one summary a window, with the totals', async () => {
    let clock = 1_000_000;
    const { emitted, events } = recorder();
    const s = createSignals({ events, windowMs: 3_600_000, now: () => clock });
    for (let i = 0; i < 10_000; i++) {
      clock += 1;
      s.report('org-1', 'blocked_retry', 'block-1', {
        ip: '203.0.113.9',
        detail: { blockId: 'b1' },
      });
    }
    expect(emitted).toHaveLength(1);
    expect(emitted[0]!.detail).toMatchObject({ count: 1, total: 1, blockId: 'b1' });
    await s.flush();
    expect(emitted).toHaveLength(2);
    expect(emitted[1]!.detail).toMatchObject({ count: 9_999, total: 10_000, summary: true });
    expect(emitted[1]!.detail.lastAt).toBe(clock);
    await s.stop();
  });

  it('stays silent below the threshold and reports the occurrence that crosses it', async () => {
    const { emitted, events } = recorder();
    const s = createSignals({ events, windowMs: 3_600_000 });
    for (let i = 0; i < 29; i++)
      s.report('', 'rate_limit_storm', '198.51.100.1|http', { threshold: 30 });
    expect(emitted).toHaveLength(0);
    s.report('', 'rate_limit_storm', '198.51.100.1|http', { threshold: 30 });
    expect(emitted).toHaveLength(1);
    expect(emitted[0]!.detail).toMatchObject({ count: 30, total: 30 });
    await s.stop();
  });

  it('folds a distributed flood (many sources) into one source "*" with the number of sources', async () => {
    const { emitted, events } = recorder();
    const s = createSignals({ events, windowMs: 3_600_000, maxKeysPerType: 10 });
    for (let i = 0; i < 5_000; i++)
      s.report('org-1', 'identity_forged', `10.0.${Math.floor(i / 250)}.${i % 250}|bad_signature`, {
        ip: `10.0.${Math.floor(i / 250)}.${i % 250}`,
      });
    await s.flush();
    // 10 sources one event each, then "*": one event and one summary.
    expect(emitted.length).toBeLessThanOrEqual(12);
    const folded = emitted.filter((e) => e.detail.source === 'many');
    expect(folded.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...folded.map((e) => Number(e.detail.total)))).toBe(4_990);
    expect(Math.max(...folded.map((e) => Number(e.detail.sources)))).toBe(4_990);
    expect(emitted.reduce((n, e) => n + Number(e.detail.count), 0)).toBe(5_000);
    await s.stop();
  });
});

describe('visitor-side signals on a running server', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      logLevel: 'warn',
      env: {
        PARLEY_SIGNAL_CARD_TESTING_PER_MINUTE: '3',
        PARLEY_SIGNAL_SESSION_BURST_PER_MINUTE: '5',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });
  const events = (type: SecurityEventType) =>
    t.server.store.security.events(t.orgId, { type, limit: 500 });

  it('card testing: many hidden cards from one visitor make one event with the count', async () => {
    const v = await newVisitor(t.url, t.orgKey, 'Carla Cards');
    const ws = await visitorSocket(t.url, v.token);
    const cards = [
      '4242 4242 4242 4242',
      '5555 5555 5555 4444',
      '4000 0566 5566 5556',
      '4242424242424242',
      '5555555555554444',
      '4000056655665556',
    ];
    for (const [i, card] of cards.entries()) {
      ws.send({
        type: 'send',
        clientMsgId: `c${i}`,
        conversationId: v.conversationId,
        text: `try ${card}`,
      });
      await ws.next('ack', (f) => f.clientMsgId === `c${i}`);
    }
    ws.close();
    await t.server.signals.flush();
    await expect.poll(async () => (await events('card_testing')).length).toBeGreaterThanOrEqual(1);
    const rows = (await events('card_testing')).filter((e) => e.detail.visitorId === v.visitorId);
    expect(rows.length).toBeLessThanOrEqual(2);
    expect(rows.reduce((n, e) => n + Number(e.detail.count), 0)).toBe(6);
    expect(JSON.stringify(rows)).not.toMatch(/4242|4444|5556/);
  });

  it('session burst: a flood of new sessions makes a handful of events with the total', async () => {
    for (let i = 0; i < 15; i++) await newVisitor(t.url, t.orgKey, `Burst ${i}`);
    await t.server.signals.flush();
    const rows = await events('session_burst');
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.length).toBeLessThanOrEqual(2);
    expect(Math.max(...rows.map((e) => Number(e.detail.total)))).toBeGreaterThanOrEqual(15);
  });
});
