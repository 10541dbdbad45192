import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createLocalBus } from '../bus';
import { createLogger } from '../logger';
import type { ChatService } from '../modules/chat';
import type { Store } from '../store';
import { Connection } from './connection';

// Frame batching (issue 18, must 7): every frame written to a socket in one turn of the event
// loop leaves in one write, in the order written, and a close sends what was written before it.
// A real ws server and client on loopback; the chat and store are not reached by these paths.

interface Pair {
  server: Connection;
  raw: WebSocket;
  client: WebSocket;
  received: string[];
  /** Calls that reached the TCP socket (write or writev). */
  writes: number[];
}

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    for (const c of s.clients) c.terminate();
    await new Promise((r) => s.close(r));
  }
});

async function pair(): Promise<Pair> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  servers.push(wss);
  await once(wss, 'listening');
  const { port } = wss.address() as AddressInfo;
  const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
  const received: string[] = [];
  client.on('message', (d: Buffer) => received.push(d.toString()));
  const [raw] = (await once(wss, 'connection')) as [WebSocket];
  await once(client, 'open');
  const socket = (raw as unknown as { _socket: Record<string, unknown> })._socket;
  const writes: number[] = [];
  for (const name of ['_write', '_writev'] as const) {
    const original = socket[name] as (...args: unknown[]) => unknown;
    socket[name] = function (this: unknown, ...args: unknown[]) {
      writes.push(name === '_writev' ? (args[0] as unknown[]).length : 1);
      return original.apply(this, args);
    };
  }
  const server = new Connection(
    raw,
    {
      chat: {} as ChatService,
      bus: createLocalBus(),
      store: {} as Store,
      log: createLogger('silent'),
      rate: { burst: 100, perSecond: 100 },
      authenticateVisitor: () => Promise.reject(new Error('not in this test')),
    },
    undefined,
  );
  return { server, raw, client, received, writes };
}

const until = async (cond: () => boolean): Promise<void> => {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in 5 s');
    await new Promise((r) => setImmediate(r));
  }
};

describe('Connection frame batching', () => {
  it('sends the frames of one turn in one socket write, in order', async () => {
    const p = await pair();
    const frames = Array.from({ length: 20 }, (_, i) => JSON.stringify({ type: 'pong', n: i }));
    for (const f of frames) p.server.write(f);
    expect(p.writes).toEqual([]); // held until the turn ends
    await until(() => p.received.length === frames.length);
    expect(p.received).toEqual(frames);
    expect(p.writes.length).toBe(1);
  });

  it('writes each later turn again (nothing stays corked)', async () => {
    const p = await pair();
    p.server.write('{"type":"pong","n":1}');
    await until(() => p.received.length === 1);
    p.server.write('{"type":"pong","n":2}');
    p.server.write('{"type":"pong","n":3}');
    await until(() => p.received.length === 3);
    expect(p.received.map((f) => (JSON.parse(f) as { n: number }).n)).toEqual([1, 2, 3]);
    expect(p.writes.length).toBe(2);
  });

  it('flushes what was written before a close, then the error frame and the close code', async () => {
    const p = await pair();
    p.server.write('{"type":"pong","n":1}');
    p.server.write('{"type":"pong","n":2}');
    p.server.close('rate_limited');
    p.server.write('{"type":"pong","n":3}'); // after the close: dropped
    const [code] = (await once(p.client, 'close')) as [number];
    expect(p.received.slice(0, 2)).toEqual(['{"type":"pong","n":1}', '{"type":"pong","n":2}']);
    expect(JSON.parse(p.received[2] ?? '{}')).toMatchObject({
      type: 'error',
      code: 'rate_limited',
    });
    expect(p.received).toHaveLength(3);
    expect(code).toBe(4029);
  });
});
