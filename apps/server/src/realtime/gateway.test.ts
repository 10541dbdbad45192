import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '@parley/protocol';
import { startTestServer, type TestServer } from '../../test/test-server';
import { AgentClient, TestSocket, newVisitor, visitorSocket } from '../../test/clients';

let t: TestServer;
let agent: AgentClient;

beforeAll(async () => {
  t = await startTestServer();
  agent = new AgentClient(t.url);
  const res = await agent.login(t.admin.email, t.admin.password);
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await t.close();
});

async function countMessages(conversationId: string): Promise<number> {
  return (await t.server.store.messages.after(t.orgId, conversationId, 0, 10_000)).length;
}

describe('realtime protocol', () => {
  it('acks a message only with its committed seq and fans it out to the agent', async () => {
    const v = await newVisitor(t.url, t.orgKey);
    const vs = await visitorSocket(t.url, v.token);
    await vs.resume(v.conversationId);
    const as = await agent.socket();
    await as.next('ready');
    expect(
      (await agent.request('POST', `/api/conversations/${v.conversationId}/accept`)).status,
    ).toBe(200);
    await as.resume(v.conversationId);
    vs.send({
      type: 'send',
      clientMsgId: 'c-1',
      conversationId: v.conversationId,
      text: 'Hello, where is my order?',
    });
    const ack = await vs.next('ack', (f) => f.clientMsgId === 'c-1');
    const stored = await t.server.store.messages.after(t.orgId, v.conversationId, ack.seq - 1, 1);
    expect(stored[0]?.text).toBe('Hello, where is my order?');
    const seen = await as.next('message', (f) => f.seq === ack.seq);
    expect(seen.sender.kind).toBe('visitor');
    expect(seen.text).toBe('Hello, where is my order?');

    as.send({
      type: 'send',
      clientMsgId: 'a-1',
      conversationId: v.conversationId,
      text: 'Let me check that for you.',
    });
    const reply = await vs.next('message', (f) => f.sender.kind === 'agent');
    expect(reply.text).toBe('Let me check that for you.');
    expect(reply.seq).toBe(ack.seq + 1);
    vs.close();
    as.close();
  });

  it('answers a repeated clientMsgId with the same ack and stores nothing new', async () => {
    const v = await newVisitor(t.url, t.orgKey);
    const vs = await visitorSocket(t.url, v.token);
    vs.send({ type: 'send', clientMsgId: 'dup', conversationId: v.conversationId, text: 'once' });
    const first = await vs.next('ack');
    vs.frames.length = 0;
    vs.send({ type: 'send', clientMsgId: 'dup', conversationId: v.conversationId, text: 'once' });
    const second = await vs.next('ack');
    expect(second.seq).toBe(first.seq);
    expect(await countMessages(v.conversationId)).toBe(1);
    vs.close();
  });

  it('answers malformed and unknown frames with typed errors and keeps the socket', async () => {
    const v = await newVisitor(t.url, t.orgKey);
    const vs = await visitorSocket(t.url, v.token);
    vs.send('{not json');
    expect((await vs.next('error')).code).toBe('invalid_frame');
    vs.frames.length = 0;
    vs.send({ type: 'teleport', to: 'mars' });
    expect((await vs.next('error')).code).toBe('unknown_frame_type');
    vs.frames.length = 0;
    vs.send({ type: 'send', clientMsgId: 'x', conversationId: v.conversationId });
    expect((await vs.next('error')).code).toBe('invalid_frame');
    vs.frames.length = 0;
    vs.send({ type: 'ping' });
    await vs.next('pong');
    expect(await countMessages(v.conversationId)).toBe(0);
    vs.close();
  });

  it('refuses a message to someone else’s conversation and stores nothing', async () => {
    const a = await newVisitor(t.url, t.orgKey);
    const b = await newVisitor(t.url, t.orgKey);
    const sa = await visitorSocket(t.url, a.token);
    sa.send({ type: 'send', clientMsgId: 'intrude', conversationId: b.conversationId, text: 'hi' });
    const err = await sa.next('error');
    expect(err.code).toBe('conversation_not_found');
    expect(err.clientMsgId).toBe('intrude');
    sa.send({ type: 'resume', conversationId: b.conversationId, afterSeq: 0 });
    await expect.poll(() => sa.frames.filter((f) => f.type === 'error').length).toBe(2);
    expect(await countMessages(b.conversationId)).toBe(0);
    sa.close();
  });

  it('closes an oversize frame with 1009 and a flood with 4029', async () => {
    const v = await newVisitor(t.url, t.orgKey);
    const big = await visitorSocket(t.url, v.token);
    big.send('x'.repeat(LIMITS.maxFrameBytes + 1));
    expect(await big.closed).toBe(1009);

    const flood = await visitorSocket(t.url, v.token);
    for (let i = 0; i < LIMITS.rateBurst + 20; i++) flood.send({ type: 'ping' });
    expect(await flood.closed).toBe(4029);
    expect(flood.closeReason).toBe('rate_limited');
  });

  it('closes a socket with a forged or unknown token with 4001', async () => {
    const s = await TestSocket.open(`${t.wsUrl}/ws/visitor`, { origin: t.url });
    s.send({ type: 'auth', token: 'A'.repeat(43) });
    expect(await s.closed).toBe(4001);
    expect(s.closeReason).toBe('invalid_token');
  });

  it('refuses a visitor socket from an origin the organisation does not allow', async () => {
    const v = await newVisitor(t.url, t.orgKey);
    const s = await TestSocket.open(`${t.wsUrl}/ws/visitor`, { origin: 'https://evil.example' });
    s.send({ type: 'auth', token: v.token });
    expect(await s.closed).toBe(4003);
    expect(s.closeReason).toBe('origin_not_allowed');
  });

  it('refuses agent sockets without a session or from a foreign origin', async () => {
    await expect(TestSocket.open(`${t.wsUrl}/ws/agent`, { origin: t.url })).rejects.toThrow(/401/);
    await expect(
      TestSocket.open(`${t.wsUrl}/ws/agent`, {
        origin: 'https://evil.example',
        cookie: agent.cookie,
      }),
    ).rejects.toThrow(/403/);
  });

  it('closes a socket that never authenticates', async () => {
    const s = await TestSocket.open(`${t.wsUrl}/ws/visitor`, { origin: t.url });
    s.send({ type: 'resume', conversationId: 'x', afterSeq: 0 });
    expect(await s.closed).toBe(4001);
  });

  it('shows the agent typing to the visitor', async () => {
    const v = await newVisitor(t.url, t.orgKey);
    await agent.request('POST', `/api/conversations/${v.conversationId}/accept`);
    const vs = await visitorSocket(t.url, v.token);
    await vs.resume(v.conversationId);
    const as = await agent.socket();
    await as.next('ready');
    as.send({ type: 'typing', conversationId: v.conversationId, typing: true });
    const typing = await vs.next('typing');
    expect(typing).toMatchObject({ from: 'agent', typing: true });
    vs.close();
    as.close();
  });

  it('tells agents about new and accepted conversations live', async () => {
    const as = await agent.socket();
    await as.next('ready');
    const v = await newVisitor(t.url, t.orgKey);
    const created = await as.next('conversation', (f) => f.conversation.id === v.conversationId);
    expect(created.conversation.status).toBe('waiting');
    await agent.request('POST', `/api/conversations/${v.conversationId}/accept`);
    const accepted = await as.next(
      'conversation',
      (f) => f.conversation.id === v.conversationId && f.conversation.status === 'active',
    );
    expect(accepted.conversation.agent?.name).toBe('Admin');
    as.close();
  });

  it('resumes after a network cut mid-stream with every missed message once and in order', async () => {
    // A rate limit high enough for a burst of 120 messages from one socket.
    const fast = await startTestServer({
      env: { PARLEY_WS_RATE_BURST: '1000', PARLEY_WS_RATE_PER_SECOND: '1000' },
    });
    const fastAgent = new AgentClient(fast.url);
    await fastAgent.login(fast.admin.email, fast.admin.password);
    const v = await newVisitor(fast.url, fast.orgKey);
    await fastAgent.request('POST', `/api/conversations/${v.conversationId}/accept`);
    const vs = await visitorSocket(fast.url, v.token);
    await vs.resume(v.conversationId);
    const as = await fastAgent.socket();
    await as.next('ready');
    const total = 120;
    // Numbers spelled in letters: a bare number in a message is held as a possible piece of a card.
    const label = (i: number) => String(i).replace(/\d/g, (d) => 'abcdefghij'[Number(d)] ?? '');
    const sending = (async () => {
      for (let i = 1; i <= total; i++) {
        as.send({
          type: 'send',
          clientMsgId: `m-${i}`,
          conversationId: v.conversationId,
          text: `update ${label(i)}`,
        });
        if (i % 10 === 0) {
          await as
            .next('ack', (f) => f.clientMsgId === `m-${i}`)
            .catch((e: unknown) => {
              throw new Error(
                `${String(e)}; frames: ${JSON.stringify(as.frames.filter((f) => f.type === 'error'))}`,
              );
            });
        }
      }
    })();
    await vs.next('message', (f) => f.text === `update ${label(20)}`);
    vs.cut();
    const seenBefore = vs.messages(v.conversationId).map((m) => m.seq);
    await sending;
    await as.next('ack', (f) => f.clientMsgId === `m-${total}`);

    const again = await visitorSocket(fast.url, v.token);
    const lastSeen = Math.max(...seenBefore);
    const resumed = await again.resume(v.conversationId, lastSeen);
    const replayed = again.messages(v.conversationId).map((m) => m.seq);
    const all = [...seenBefore, ...replayed];
    expect(all).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(resumed.lastSeq).toBe(total);
    again.close();
    as.close();
    await fast.close();
  });
});

describe('upgrades under a reset', () => {
  it('regression: a client that resets its connection around a refused or admitted upgrade is no uncaught ECONNRESET', async () => {
    const { connect } = await import('node:net');
    const { port } = new URL(t.url);
    const origin = new URL(t.url).origin;
    const upgrade = (path: string, cookie: string) =>
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n` +
      `Origin: ${origin}\r\nCookie: ${cookie}\r\n\r\n`;
    for (let i = 0; i < 40; i++) {
      // A refused upgrade (no session: 401, the server half-closes) and an admitted one.
      const refused = i % 2 === 0;
      await new Promise<void>((resolve) => {
        const s = connect({ host: '127.0.0.1', port: Number(port) }, () => {
          s.write(upgrade('/ws/agent', refused ? 'parley_session=nope' : agent.cookie));
          // RST, not FIN, as a browser that drops the answer: the server's next read fails.
          if (!refused) setImmediate(() => s.resetAndDestroy());
        });
        s.once('data', () => s.resetAndDestroy());
        s.on('error', () => undefined);
        s.on('close', () => resolve());
      });
    }
    // Give the server a moment to read the resets, then check it still serves sockets
    // (an uncaught error would also fail the whole run).
    await new Promise((r) => setTimeout(r, 200));
    const as = await agent.socket();
    await as.next('ready');
    as.close();
  });
});
