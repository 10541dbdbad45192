import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, newVisitor, visitorSocket } from '../../../test/clients';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

describe('conversations', () => {
  it('lets exactly one of two agents accepting at once win', async () => {
    const agents = await Promise.all([t.createAgent(), t.createAgent()]);
    const clients = await Promise.all(
      agents.map(async (a) => {
        const c = new AgentClient(t.url);
        await c.login(a.email, a.password);
        return c;
      }),
    );
    for (let round = 0; round < 10; round++) {
      const v = await newVisitor(t.url, t.orgKey);
      const results = await Promise.all(
        clients.map((c) => c.request('POST', `/api/conversations/${v.conversationId}/accept`)),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 409]);
      const loser = results.find((r) => r.status === 409);
      expect(((await loser!.json()) as { error: { code: string } }).error.code).toBe(
        'conversation_taken',
      );
    }
  });

  it('lists the waiting queue, and closes a conversation so that nothing more is accepted', async () => {
    const a = new AgentClient(t.url);
    await a.login(t.admin.email, t.admin.password);
    const v = await newVisitor(t.url, t.orgKey);
    const queue = (await (await a.request('GET', '/api/conversations?status=waiting')).json()) as {
      conversations: { id: string }[];
    };
    expect(queue.conversations.map((c) => c.id)).toContain(v.conversationId);
    await a.request('POST', `/api/conversations/${v.conversationId}/accept`);
    expect((await a.request('POST', `/api/conversations/${v.conversationId}/close`)).status).toBe(
      200,
    );
    const vs = await visitorSocket(t.url, v.token);
    vs.send({
      type: 'send',
      clientMsgId: 'late',
      conversationId: v.conversationId,
      text: 'hello?',
    });
    expect((await vs.next('error')).code).toBe('conversation_closed');
    vs.close();
  });

  it('tells the visitor live when the agent accepts and closes the conversation', async () => {
    const a = new AgentClient(t.url);
    await a.login(t.admin.email, t.admin.password);
    const v = await newVisitor(t.url, t.orgKey);
    const vs = await visitorSocket(t.url, v.token);
    await vs.resume(v.conversationId);
    await a.request('POST', `/api/conversations/${v.conversationId}/accept`);
    const accepted = await vs.next('conversation', (f) => f.conversation.status === 'active');
    expect(accepted.conversation.agent?.name).toBe('Admin');
    await a.request('POST', `/api/conversations/${v.conversationId}/close`);
    await vs.next('conversation', (f) => f.conversation.status === 'closed');
    vs.close();
  });

  it('keeps agents of another organisation out', async () => {
    const other = await t.server.store.orgs.create({ name: 'Other Org', allowedOrigins: [] });
    const outsider = await t.createAgent('admin', other.id);
    const c = new AgentClient(t.url);
    await c.login(outsider.email, outsider.password);
    const v = await newVisitor(t.url, t.orgKey);
    expect((await c.request('GET', `/api/conversations/${v.conversationId}`)).status).toBe(404);
    expect((await c.request('POST', `/api/conversations/${v.conversationId}/accept`)).status).toBe(
      404,
    );
    const list = (await (await c.request('GET', '/api/conversations')).json()) as {
      conversations: unknown[];
    };
    expect(list.conversations).toEqual([]);
  });

  it('does not show a visitor another visitor’s messages', async () => {
    const a = await newVisitor(t.url, t.orgKey);
    const b = await newVisitor(t.url, t.orgKey);
    const res = await fetch(`${t.url}/api/visitor/conversations/${b.conversationId}/messages`, {
      headers: { authorization: `Bearer ${a.token}` },
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      'conversation_not_found',
    );
  });

  it('refuses visitor REST calls with a bad token', async () => {
    const res = await fetch(`${t.url}/api/visitor/conversations`, {
      headers: { authorization: 'Bearer nope-nope-nope-nope-nope' },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_token');
  });
});

describe('masking on the ingest path', () => {
  it('masks a card number before it is stored, logged or sent to the agent', async () => {
    const a = new AgentClient(t.url);
    await a.login(t.admin.email, t.admin.password);
    const v = await newVisitor(t.url, t.orgKey);
    await a.request('POST', `/api/conversations/${v.conversationId}/accept`);
    const as = await a.socket();
    await as.next('ready');
    await as.resume(v.conversationId);
    const vs = await visitorSocket(t.url, v.token);
    vs.send({
      type: 'send',
      clientMsgId: 'card',
      conversationId: v.conversationId,
      text: 'my card is 4242 4242 4242 4242 thanks',
    });
    const seen = await as.next('message', (m) => m.sender.kind === 'visitor');
    expect(seen.text).not.toMatch(/4242 4242 4242 4242|4242424242424242/);
    expect(seen.text).toMatch(/4242/);
    expect(seen.masked).toContain('pan');
    const stored = await t.server.store.messages.after(t.orgId, v.conversationId, 0, 10);
    expect(stored[0]?.text).toBe(seen.text);
    expect(t.logs.join('\n')).not.toMatch(/4242424242424242|4242 4242 4242 4242/);
    vs.close();
    as.close();
  });

  it('masks a card number split over messages retroactively with a redact frame', async () => {
    const a = new AgentClient(t.url);
    await a.login(t.admin.email, t.admin.password);
    const v = await newVisitor(t.url, t.orgKey);
    await a.request('POST', `/api/conversations/${v.conversationId}/accept`);
    const as = await a.socket();
    await as.next('ready');
    await as.resume(v.conversationId);
    const vs = await visitorSocket(t.url, v.token);
    vs.send({
      type: 'send',
      clientMsgId: 'p1',
      conversationId: v.conversationId,
      text: '4242 4242',
    });
    const first = await vs.next('ack', (f) => f.clientMsgId === 'p1');
    vs.send({
      type: 'send',
      clientMsgId: 'p2',
      conversationId: v.conversationId,
      text: '4242 4242',
    });
    await vs.next('ack', (f) => f.clientMsgId === 'p2');
    const redact = await as.next('redact', (f) => f.seq === first.seq);
    expect(redact.text).not.toMatch(/4242 4242/);
    const stored = await t.server.store.messages.after(t.orgId, v.conversationId, 0, 10);
    const all = stored.map((m) => m.text).join(' ');
    expect(all.replace(/\D/g, '')).not.toMatch(/42424242/);
    vs.close();
    as.close();
  });

  it('badges text the widget already masked: same text, reported as a card', async () => {
    const a = new AgentClient(t.url);
    await a.login(t.admin.email, t.admin.password);
    const v = await newVisitor(t.url, t.orgKey);
    await a.request('POST', `/api/conversations/${v.conversationId}/accept`);
    const as = await a.socket();
    await as.next('ready');
    await as.resume(v.conversationId);
    const vs = await visitorSocket(t.url, v.token);
    const text = 'my card is •••• •••• •••• 4242, exp [expiry hidden]';
    vs.send({ type: 'send', clientMsgId: 'pre-masked', conversationId: v.conversationId, text });
    const seen = await as.next('message', (m) => m.sender.kind === 'visitor');
    expect(seen.text).toBe(text);
    expect(seen.masked).toEqual(['pan', 'expiry']);
    vs.close();
    as.close();
  });

  it('tells the visitor in the conversation that a card number was hidden, once per few minutes', async () => {
    const v = await newVisitor(t.url, t.orgKey);
    const vs = await visitorSocket(t.url, v.token);
    await vs.resume(v.conversationId);
    vs.send({
      type: 'send',
      clientMsgId: 'c1',
      conversationId: v.conversationId,
      text: 'pay with 4242 4242 4242 4242',
    });
    const notice = await vs.next('message', (m) => m.sender.kind === 'system');
    expect(notice.text).toMatch(/we hid a card number.*secure payment link/);
    vs.send({
      type: 'send',
      clientMsgId: 'c2',
      conversationId: v.conversationId,
      text: 'or 5555 5555 5555 4444',
    });
    await vs.next('ack', (f) => f.clientMsgId === 'c2');
    vs.send({
      type: 'send',
      clientMsgId: 'c3',
      conversationId: v.conversationId,
      text: 'no card here',
    });
    await vs.next('ack', (f) => f.clientMsgId === 'c3');
    const stored = await t.server.store.messages.after(t.orgId, v.conversationId, 0, 20);
    expect(stored.map((m) => m.senderKind)).toEqual(['visitor', 'system', 'visitor', 'visitor']);
    expect(stored[1]).toMatchObject({ senderId: null, clientMsgId: null, masked: [] });
    vs.close();
  });

  it('masks the name a visitor gives', async () => {
    const v = await newVisitor(t.url, t.orgKey, 'Jo 4242424242424242');
    const row = await t.server.store.visitors.byId(t.orgId, v.visitorId);
    expect(row?.name).not.toMatch(/4242424242424242/);
  });
});
