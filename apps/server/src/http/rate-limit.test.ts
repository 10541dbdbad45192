import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/test-server';
import { AgentClient, newVisitor, TestSocket, visitorSocket } from '../../test/clients';

let t: TestServer;
// Made before the flood spends this address's session budget.
let spare: { token: string; conversationId: string }[] = [];
beforeAll(async () => {
  t = await startTestServer({
    logLevel: 'warn',
    env: {
      PARLEY_RATE_LIMIT_PER_MINUTE: '400',
      PARLEY_RATE_LIMIT_VISITOR_PER_MINUTE: '40',
      PARLEY_RATE_LIMIT_SESSIONS_PER_MINUTE: '5',
      PARLEY_RATE_LIMIT_CONVERSATIONS_PER_MINUTE: '5',
      PARLEY_WS_MAX_PER_ADDRESS: '6',
      PARLEY_WS_MAX_PER_VISITOR: '2',
      PARLEY_HTTP_MAX_CONNECTIONS_PER_ADDRESS: '40',
      PARLEY_HTTP_HEADERS_TIMEOUT_MS: '1000',
    },
  });
  spare = [await newVisitor(t.url, t.orgKey), await newVisitor(t.url, t.orgKey)];
});
afterAll(async () => {
  await t.close();
});

const post = (path: string, body: unknown, token?: string) =>
  fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });

/** A raw TCP connection; resolves `closed` when the server ends it. */
function raw(): Promise<{ socket: Socket; closed: Promise<number> }> {
  const port = Number(new URL(t.url).port);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    const closed = new Promise<number>((r) => socket.once('close', () => r(Date.now() - started)));
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', () => undefined);
    setTimeout(() => reject(new Error('connect timed out')), 5000).unref();
  });
}

describe('abuse limits (issue 11 item 2)', () => {
  it('floods of sessions get 429 with Retry-After while a real visitor and agent keep chatting', async () => {
    const real = await newVisitor(t.url, t.orgKey, 'Real Visitor');
    const agent = new AgentClient(t.url);
    await agent.login(t.admin.email, t.admin.password);
    const results = await Promise.all(
      Array.from({ length: 30 }, () => post('/api/visitor/session', { orgKey: t.orgKey })),
    );
    const limited = results.filter((r) => r.status === 429);
    // One session went to the real visitor: at most 4 more in this minute.
    expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(4);
    expect(limited.length).toBeGreaterThanOrEqual(26);
    const first = limited[0];
    expect(Number(first?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await first?.json()) as { error: { code: string } }).error.code).toBe(
      'too_many_requests',
    );
    // The real visitor still chats: send → ack, and the agent sees it.
    const vs = await visitorSocket(t.url, real.token);
    await vs.resume(real.conversationId);
    vs.send({
      type: 'send',
      clientMsgId: 'real-1',
      conversationId: real.conversationId,
      text: 'still here',
    });
    await vs.next('ack', (f) => f.clientMsgId === 'real-1');
    const msgs = (await (
      await agent.request('GET', `/api/conversations/${real.conversationId}/messages`)
    ).json()) as { messages: { text: string }[] };
    expect(msgs.messages.map((m) => m.text)).toContain('still here');
    vs.close();
  });

  it('limits each visitor token separately from its address', async () => {
    const token = spare[0]?.token ?? '';
    const statuses: number[] = [];
    // The conversation start in beforeAll counted once for this token.
    for (let i = 0; i < 44; i++)
      statuses.push(
        (
          await fetch(`${t.url}/api/visitor/conversations`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).status,
      );
    expect(statuses.slice(0, 39).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(39).every((s) => s === 429)).toBe(true);
  });

  it('caps sockets per address (429 on upgrade) and per visitor (4029 on auth)', async () => {
    const v = spare[1];
    if (!v) return expect.fail('no spare visitor');
    const a = await visitorSocket(t.url, v.token);
    const b = await visitorSocket(t.url, v.token);
    const c = await TestSocket.open(`${t.wsUrl}/ws/visitor`, { origin: new URL(t.url).origin });
    c.send({ type: 'auth', token: v.token });
    expect(await c.closed).toBe(4029);
    expect(c.closeReason).toBe('too_many_requests');
    const more: TestSocket[] = [];
    for (let i = 0; i < 4; i++)
      more.push(await TestSocket.open(`${t.wsUrl}/ws/visitor`, { origin: new URL(t.url).origin }));
    await expect(
      TestSocket.open(`${t.wsUrl}/ws/visitor`, { origin: new URL(t.url).origin }),
    ).rejects.toThrow(/429/);
    for (const s of [a, b, ...more]) s.close();
  });

  it('closes slowloris connections that never finish their headers, and caps connections per address', async () => {
    const slow = await Promise.all(Array.from({ length: 10 }, () => raw()));
    for (const s of slow) s.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const times = await Promise.all(slow.map((s) => s.closed));
    for (const ms of times) expect(ms).toBeLessThan(3000);
    const many = await Promise.all(Array.from({ length: 45 }, () => raw()));
    const closedAtOnce = await Promise.all(
      many.map((s) =>
        Promise.race([
          s.closed.then(() => true),
          new Promise((r) => setTimeout(() => r(false), 300)),
        ]),
      ),
    );
    expect(closedAtOnce.filter(Boolean).length).toBeGreaterThanOrEqual(5);
    for (const s of many) s.socket.destroy();
  });

  it('limits every route per address, with the stable code', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 450; i++) {
      last = await fetch(`${t.url}/healthz`);
      if (last.status === 429) break;
    }
    expect(last?.status).toBe(429);
    expect(last?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await last?.json()) as { error: { code: string } }).error.code).toBe(
      'too_many_requests',
    );
  });
});
