// Issue 12 items 5 and 6: an admin exports everything about a visitor (JSON + HTML transcript),
// previews an erasure (what will go), and the lookups refuse an unknown person in words.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, newVisitor, visitorSocket } from '../../../test/clients';

describe('access requests (export) and erasure preview', () => {
  let t: TestServer;
  let admin: AgentClient;
  beforeAll(async () => {
    t = await startTestServer({ logLevel: 'warn' });
    admin = new AgentClient(t.url);
    await admin.login(t.admin.email, t.admin.password);
  });
  afterAll(async () => {
    await t.close();
  });

  it('exports a visitor found by a conversation: messages, consents, transcript; audited without content', async () => {
    // Letters only: digits glued to letters are held by the masker (a possible piece of a card).
    const tag = randomBytes(5)
      .toString('hex')
      .replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)] ?? 'g');
    const v = await newVisitor(t.url, t.orgKey, `Erin ${tag}`);
    const vs = await visitorSocket(t.url, v.token);
    vs.send({
      type: 'send',
      clientMsgId: 'm1',
      conversationId: v.conversationId,
      text: `<b>my order ${tag}</b> card 4242 4242 4242 4242`,
    });
    await vs.next('ack', (f) => f.clientMsgId === 'm1');
    vs.close();
    const res = await admin.request('POST', '/api/privacy/export', {
      conversationId: v.conversationId,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as {
      format: string;
      visitors: {
        id: string;
        name: string;
        conversations: { id: string; messages: { text: string }[]; payments: unknown[] }[];
      }[];
      transcriptHtml: string;
    };
    expect(body.format).toBe('parley-data-export/1');
    expect(body.visitors).toHaveLength(1);
    const [who] = body.visitors;
    expect(who).toMatchObject({ id: v.visitorId, name: `Erin ${tag}` });
    expect(who?.conversations[0]?.messages[0]?.text).toContain(`my order ${tag}`);
    // The card number was masked before it was stored: the export cannot hold it.
    expect(JSON.stringify(body)).not.toContain('4242 4242 4242 4242');
    // The transcript is readable and escapes what the visitor wrote.
    expect(body.transcriptHtml).toContain(`&#60;b&#62;my order ${tag}`);
    expect(body.transcriptHtml).not.toContain('<b>my order');
    expect(body.transcriptHtml).not.toMatch(/<script/i);

    const [entry] = await t.server.store.audit.list(t.orgId, {
      action: 'privacy.export',
      limit: 1,
    });
    expect(entry?.resourceId).toBe(v.visitorId);
    // The visitor's message and the chat's notice about the masked card.
    expect(JSON.parse(entry?.detail ?? '{}')).toMatchObject({
      visitors: 1,
      conversations: 1,
      messages: who?.conversations[0]?.messages.length,
    });
    expect(JSON.stringify(entry)).not.toContain(tag);
  });

  it('previews what an erasure removes, then erases by visitor id', async () => {
    const v = await newVisitor(t.url, t.orgKey, 'Paula Preview');
    const vs = await visitorSocket(t.url, v.token);
    for (const id of ['a', 'b'])
      vs.send({
        type: 'send',
        clientMsgId: id,
        conversationId: v.conversationId,
        text: `hi ${id}`,
      });
    await vs.next('ack', (f) => f.clientMsgId === 'b');
    vs.close();
    const res = await admin.request('POST', '/api/privacy/preview', { visitorId: v.visitorId });
    expect(await res.json()).toMatchObject({
      visitors: [{ id: v.visitorId, name: 'Paula Preview', verified: false }],
      conversations: 1,
      messages: 2,
      files: 0,
      payments: 0,
    });
    const erased = await admin.request('POST', '/api/privacy/erase', {
      visitorId: v.visitorId,
      confirm: true,
    });
    expect(((await erased.json()) as { erased: unknown }).erased).toMatchObject({ messages: 2 });
    const after = await admin.request('POST', '/api/privacy/export', { visitorId: v.visitorId });
    const body = (await after.json()) as { visitors: { name: null; erased: boolean }[] };
    expect(body.visitors[0]).toMatchObject({ name: null, erased: true });
  });

  it('an unknown person is data_subject_not_found; agents who are not admins are refused', async () => {
    const none = await admin.request('POST', '/api/privacy/export', {
      email: 'nobody@example.com',
    });
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe(
      'data_subject_not_found',
    );
    const bad = await admin.request('POST', '/api/privacy/export', { visitorId: 'x' });
    expect(bad.status).toBe(400);
    const plain = await t.createAgent('agent');
    const agent = new AgentClient(t.url);
    await agent.login(plain.email, plain.password);
    const v = await newVisitor(t.url, t.orgKey);
    expect(
      (await agent.request('POST', '/api/privacy/export', { visitorId: v.visitorId })).status,
    ).toBe(403);
  });
});
