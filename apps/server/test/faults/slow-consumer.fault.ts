import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { faultCounters } from '../../src/lib/fault-counters';
import { AgentClient, newVisitor, visitorSocket, type TestSocket } from '../clients';
import { startTestServer, type TestServer } from '../test-server';
import { waitFor } from './kit';
import { recordFigure } from './figures';

const MESSAGES = 6000;
const CHUNK = 500; // 2 MB: a quarter of the 8 MiB bound
const TEXT = 'slow consumer fault '.repeat(199); // ~4 KB: 6,000 of them pass the 8 MiB bound and the kernel buffers

describe('fault: a slow consumer', () => {
  let t: TestServer;
  beforeAll(async () => {
    // Rate limits out of the way: the fault is the reader, not the sender.
    t = await startTestServer({
      logLevel: 'warn',
      env: { PARLEY_WS_RATE_BURST: '100000', PARLEY_WS_RATE_PER_SECOND: '100000' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('regression (issue 18 finding 1): a visitor socket that stops reading is cut off with slow_consumer, instead of write → close → send → write recursing until the stack overflows and failing every later send', async () => {
    const v = await newVisitor(t.url, t.orgKey);
    const agent = new AgentClient(t.url);
    expect((await agent.login(t.admin.email, t.admin.password)).status).toBe(200);
    expect(
      (await agent.request('POST', `/api/conversations/${v.conversationId}/accept`)).status,
    ).toBe(200);
    const reader = await agent.socket();
    await reader.next('ready');
    await reader.resume(v.conversationId);

    const slow = await visitorSocket(t.url, v.token);
    await slow.resume(v.conversationId);
    const raw = (slow.ws as unknown as { _socket: Socket })._socket;
    raw.pause(); // stops reading: the server's buffer for this socket grows

    const sender: TestSocket = await visitorSocket(t.url, v.token);
    await sender.resume(v.conversationId);
    const cutoffsBefore = faultCounters.slowConsumerCutoffs;
    const started = Date.now();
    // In bursts of CHUNK, each answered and read by the reader before the next: the reader runs
    // in this process beside the server, so one burst of all 24 MB could leave it behind by
    // more than the bound on a loaded machine (it failed once so in CI), while the slow socket,
    // which reads nothing, passes the bound either way.
    const answered = () =>
      sender.frames.filter((f) => f.type === 'ack' || f.type === 'error').length;
    for (let from = 0; from < MESSAGES; from += CHUNK) {
      for (let i = from; i < Math.min(MESSAGES, from + CHUNK); i++)
        sender.send({
          type: 'send',
          clientMsgId: `slow-${i}`,
          conversationId: v.conversationId,
          text: TEXT,
        });
      const upTo = Math.min(MESSAGES, from + CHUNK);
      await waitFor(`sends up to ${upTo} answered`, () => answered() >= upTo, 90_000, 50);
      await waitFor(`the reader up to ${upTo}`, () => reader.messages().length >= upTo, 60_000, 50);
    }
    const errors = sender.frames.filter((f) => f.type === 'error');
    expect(errors).toEqual([]);
    const acks = sender.frames.filter((f) => f.type === 'ack');
    expect(acks).toHaveLength(MESSAGES);

    // The other subscriber got everything, once, in order.
    await waitFor(
      'the reading agent got every message',
      () => reader.messages().length >= MESSAGES,
      60_000,
      100,
    );
    const seqs = reader.messages().map((m) => m.seq);
    expect(new Set(seqs).size).toBe(MESSAGES);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    // The slow socket was cut off by the server, once.
    expect(faultCounters.slowConsumerCutoffs).toBeGreaterThan(cutoffsBefore);
    raw.resume();
    const code = await Promise.race([
      slow.closed,
      new Promise((r) => setTimeout(() => r('open'), 10_000)),
    ]);
    expect([4008, 1006]).toContain(code);
    recordFigure('slow consumer', {
      messages: MESSAGES,
      acked: acks.length,
      seconds: (Date.now() - started) / 1000,
      slowSocketClose: code,
    });

    // The node serves on: a new message is acked and delivered.
    sender.send({
      type: 'send',
      clientMsgId: 'after',
      conversationId: v.conversationId,
      text: 'after',
    });
    await sender.next('ack', (a) => a.clientMsgId === 'after', 10_000);
    await reader.next('message', (m) => m.text === 'after', 10_000);
    reader.close();
    sender.close();
  });
});
