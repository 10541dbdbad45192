import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Participant } from '@parley/protocol';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, newVisitor, visitorSocket } from '../../../test/clients';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

async function signedIn(role: 'agent' | 'supervisor' | 'admin', orgId?: string) {
  const a = await t.createAgent(role, orgId);
  const client = new AgentClient(t.url);
  await client.login(a.email, a.password);
  return { ...a, client };
}

const join = async (c: AgentClient, conversationId: string) => {
  const res = await c.request('POST', `/api/conversations/${conversationId}/join`);
  return { status: res.status, body: (await res.json()) as { participants?: Participant[] } };
};

describe('supervisors watch and join', () => {
  it('a supervisor follows a conversation live, joins it (announced, audited) and both reply', async () => {
    const agent = await signedIn('agent');
    const sup = await signedIn('supervisor');
    const v = await newVisitor(t.url, t.orgKey, 'Wanda Watched');
    await agent.client.request('POST', `/api/conversations/${v.conversationId}/accept`);
    const vs = await visitorSocket(t.url, v.token);
    await vs.resume(v.conversationId);

    // Watching: the supervisor's socket follows the conversation it does not hold.
    const supSocket = await sup.client.socket();
    await supSocket.next('ready');
    await supSocket.resume(v.conversationId);
    const agentSocket = await agent.client.socket();
    await agentSocket.next('ready');
    await agentSocket.resume(v.conversationId);
    agentSocket.send({
      type: 'send',
      clientMsgId: 'a-1',
      conversationId: v.conversationId,
      text: 'Hello Wanda',
    });
    await supSocket.next('message', (f) => f.text === 'Hello Wanda');
    const before = await sup.client.request(
      'GET',
      `/api/conversations/${v.conversationId}/participants`,
    );
    expect(((await before.json()) as { participants: Participant[] }).participants).toEqual([]);

    const joined = await join(sup.client, v.conversationId);
    expect(joined.status).toBe(200);
    expect(joined.body.participants?.map((p) => p.agent.id)).toEqual([sup.id]);
    const name = joined.body.participants?.[0]?.agent.name ?? '';
    expect(name).toMatch(/^supervisor \d+$/);
    const notice = `${name} joined the conversation.`;
    const seen = await vs.next('message', (f) => f.text === notice);
    expect(seen.sender.kind).toBe('system');
    expect(seen.system).toEqual({ code: 'joined', params: { name } });
    await agentSocket.next('message', (f) => f.text === notice);
    // Joining again changes nothing and announces nothing.
    expect((await join(sup.client, v.conversationId)).body.participants).toHaveLength(1);

    // Both reply; the conversation stays with its agent.
    supSocket.send({
      type: 'send',
      clientMsgId: 's-1',
      conversationId: v.conversationId,
      text: 'Supervisor here',
    });
    await supSocket.next('ack', (f) => f.clientMsgId === 's-1');
    agentSocket.send({
      type: 'send',
      clientMsgId: 'a-2',
      conversationId: v.conversationId,
      text: 'Agent again',
    });
    await agentSocket.next('ack', (f) => f.clientMsgId === 'a-2');
    await vs.next('message', (f) => f.text === 'Agent again');
    const conv = await t.server.store.conversations.byId(t.orgId, v.conversationId);
    expect(conv?.agentId).toBe(agent.id);

    // The history keeps the notice, once, in order.
    const history = await t.server.store.messages.after(t.orgId, v.conversationId, 0, 100);
    expect(history.map((m) => m.text)).toEqual([
      'Hello Wanda',
      notice,
      'Supervisor here',
      'Agent again',
    ]);
    const entries = await t.server.store.audit.list(t.orgId, { limit: 100 });
    const joins = entries.filter(
      (e) => e.resourceId === v.conversationId && e.action === 'conversation.join',
    );
    expect(joins).toHaveLength(1);
    expect(joins[0]?.actorId).toBe(sup.id);
    vs.close();
    supSocket.close();
    agentSocket.close();
  });

  it('refuses plain agents, other organisations, and conversations that are not active', async () => {
    const holder = await signedIn('agent');
    const colleague = await signedIn('agent');
    const v = await newVisitor(t.url, t.orgKey);
    // Waiting: a conversation is accepted, not joined.
    const admin = await signedIn('admin');
    expect((await join(admin.client, v.conversationId)).status).toBe(409);
    await holder.client.request('POST', `/api/conversations/${v.conversationId}/accept`);

    expect((await join(colleague.client, v.conversationId)).status).toBe(403);
    const other = await t.server.store.orgs.create({ name: 'Elsewhere', allowedOrigins: [] });
    const outsider = await signedIn('admin', other.id);
    expect((await join(outsider.client, v.conversationId)).status).toBe(404);
    expect(
      (await outsider.client.request('GET', `/api/conversations/${v.conversationId}/participants`))
        .status,
    ).toBe(404);
    const asVisitor = await fetch(`${t.url}/api/conversations/${v.conversationId}/join`, {
      method: 'POST',
      headers: { authorization: `Bearer ${v.token}` },
    });
    expect(asVisitor.status).toBe(401);
    expect(await t.server.store.desk.participants(t.orgId, v.conversationId)).toEqual([]);

    // An admin may join; once closed, nobody may.
    expect((await join(admin.client, v.conversationId)).status).toBe(200);
    await holder.client.request('POST', `/api/conversations/${v.conversationId}/close`);
    const sup = await signedIn('supervisor');
    expect((await join(sup.client, v.conversationId)).status).toBe(409);
  });
});
