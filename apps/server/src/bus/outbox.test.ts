import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { Outbox } from './outbox';

const log = pino({ level: 'silent' });

/** A publisher whose link is up or down, recording what it delivered. */
function link() {
  const state = { up: true, delivered: [] as string[] };
  const send = async (_topic: string, payload: string) => {
    await Promise.resolve();
    if (!state.up) throw new Error('Connection is closed.');
    state.delivered.push(payload);
  };
  return { state, send };
}

describe('bus outbox', () => {
  it('holds events published while the bus is down and publishes them once each, in order, when it is back', async () => {
    const { state, send } = link();
    const outbox = new Outbox(send, log, { retryMs: 10 });
    await outbox.publish('t', '1');
    state.up = false;
    for (const p of ['2', '3', '4']) await expect(outbox.publish('t', p)).resolves.toBeUndefined();
    expect(outbox.size).toBe(3);
    state.up = true;
    await outbox.publish('t', '5'); // queues behind what waits: order holds
    await expect.poll(() => state.delivered, { timeout: 2000 }).toEqual(['1', '2', '3', '4', '5']);
    expect(outbox.size).toBe(0);
    outbox.close();
  });

  it('is bounded: past its size the oldest events are dropped, the newest kept', async () => {
    const { state, send } = link();
    const outbox = new Outbox(send, log, { max: 3, retryMs: 10 });
    state.up = false;
    for (let i = 1; i <= 6; i++) await outbox.publish('t', String(i));
    expect(outbox.size).toBe(3);
    state.up = true;
    await expect.poll(() => state.delivered, { timeout: 2000 }).toEqual(['4', '5', '6']);
    outbox.close();
  });
});
