// Issue 12 items 3 and 6: an admin erases a conversation or a visitor; the data keys are destroyed
// (a copy of the ciphertext taken before no longer opens), the content is gone, the act audited.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, newVisitor, visitorSocket } from '../../../test/clients';

async function chatted(t: TestServer, text: string, name: string) {
  const v = await newVisitor(t.url, t.orgKey, name);
  const vs = await visitorSocket(t.url, v.token);
  vs.send({ type: 'send', clientMsgId: 'm1', conversationId: v.conversationId, text });
  await vs.next('ack', (f) => f.clientMsgId === 'm1');
  vs.close();
  return v;
}

describe('erasure (crypto-shredding) through the admin route', () => {
  let t: TestServer;
  let admin: AgentClient;
  beforeAll(async () => {
    t = await startTestServer();
    admin = new AgentClient(t.url);
    await admin.login(t.admin.email, t.admin.password);
  });
  afterAll(async () => {
    await t.close();
  });

  it('erases a conversation: key destroyed, earlier ciphertext unreadable, messages gone, audited without content', async () => {
    // Letters only: digits glued to letters are held by the masker (a possible piece of a card).
    const tag = randomBytes(6)
      .toString('hex')
      .replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)] ?? 'g');
    const text = `my flat is on the fourth floor ${tag}`;
    const v = await chatted(t, text, `Otto ${tag}`);
    const store = t.server.store;
    const copy = await store.db
      .selectFrom('messages')
      .select('text')
      .where('conversation_id', '=', v.conversationId)
      .execute();
    expect(copy).toHaveLength(1);
    expect(await store.dataKeys.openMany(copy.map((r) => r.text))).toEqual([text]);

    const res = await admin.request('POST', '/api/privacy/erase', {
      conversationId: v.conversationId,
      confirm: true,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { erased: unknown }).erased).toEqual({
      conversations: 1,
      visitors: 0,
      messages: 1,
      files: 0,
      keys: 1,
    });
    // The copy taken before (as a backup would hold it) no longer opens: its key is gone.
    expect(await store.dataKeys.openMany(copy.map((r) => r.text))).toEqual([undefined]);
    expect(await store.messages.after(t.orgId, v.conversationId, 0, 10)).toEqual([]);
    expect((await store.conversations.byId(t.orgId, v.conversationId))?.status).toBe('closed');

    const [entry] = await store.audit.list(t.orgId, { action: 'privacy.erase', limit: 1 });
    expect(entry?.resourceId).toBe(v.conversationId);
    expect(JSON.stringify(entry)).not.toContain(tag);
  });

  it('erases a visitor with every conversation: name gone, token revoked', async () => {
    // Letters only: digits glued to letters are held by the masker (a possible piece of a card).
    const tag = randomBytes(6)
      .toString('hex')
      .replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)] ?? 'g');
    const v = await chatted(t, `call me back ${tag}`, `Petra ${tag}`);
    const res = await admin.request('POST', '/api/privacy/erase', {
      visitorId: v.visitorId,
      confirm: true,
    });
    expect(res.status).toBe(200);
    const visitor = await t.server.store.visitors.byId(t.orgId, v.visitorId);
    expect(visitor?.name).toBeNull();
    expect(visitor?.revokedAt).not.toBeNull();
    expect(await t.server.store.messages.after(t.orgId, v.conversationId, 0, 10)).toEqual([]);
  });

  it('refuses without confirmation, and to agents who are not admins', async () => {
    const v = await chatted(t, 'hello there', 'Quinn');
    const unconfirmed = await admin.request('POST', '/api/privacy/erase', {
      conversationId: v.conversationId,
    });
    expect(unconfirmed.status).toBe(400);
    const plain = await t.createAgent('agent');
    const agent = new AgentClient(t.url);
    await agent.login(plain.email, plain.password);
    const denied = await agent.request('POST', '/api/privacy/erase', {
      conversationId: v.conversationId,
      confirm: true,
    });
    expect(denied.status).toBe(403);
    expect(await t.server.store.messages.after(t.orgId, v.conversationId, 0, 10)).toHaveLength(1);
  });
});
