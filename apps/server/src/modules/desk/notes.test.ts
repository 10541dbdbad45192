import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Note } from '@parley/protocol';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, newVisitor, visitorSocket } from '../../../test/clients';

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

const CARD = '4242 4242 4242 4242';

async function addNote(c: AgentClient, conversationId: string, clientId: string, text: string) {
  const res = await c.request('POST', `/api/conversations/${conversationId}/notes`, {
    clientId,
    text,
  });
  return { status: res.status, body: (await res.json()) as { note: Note } };
}

describe('internal notes', () => {
  it('reach agents live but never a visitor socket, live or on resume, nor the visitor history', async () => {
    const v = await newVisitor(t.url, t.orgKey);
    await admin.request('POST', `/api/conversations/${v.conversationId}/accept`);
    const agentSocket = await admin.socket();
    await agentSocket.next('ready');
    const vs = await visitorSocket(t.url, v.token);
    await vs.resume(v.conversationId);

    const { status, body } = await addNote(
      admin,
      v.conversationId,
      'note-1',
      `Customer read out ${CARD}; secret-note-marker`,
    );
    expect(status).toBe(200);
    expect(body.note.text).not.toContain('4242 4242');
    expect(body.note.masked).toContain('pan');
    const live = await agentSocket.next('note', (f) => f.note.id === body.note.id);
    expect(live.conversationId).toBe(v.conversationId);
    expect(live.note.text).toBe(body.note.text);

    // A message sent after the note: once the visitor has it, the note would have arrived before.
    const ackFrame = agentSocket.next('ack', (f) => f.clientMsgId === 'after-note');
    await agentSocket.resume(v.conversationId);
    agentSocket.send({
      type: 'send',
      clientMsgId: 'after-note',
      conversationId: v.conversationId,
      text: 'Thanks, one moment.',
    });
    await ackFrame;
    await vs.next('message', (f) => f.text === 'Thanks, one moment.');
    const seen = JSON.stringify(vs.frames);
    expect(seen).not.toContain('secret-note-marker');
    expect(vs.frames.some((f) => (f.type as string) === 'note')).toBe(false);

    // Resume from zero on a new socket: every message, no note.
    vs.close();
    const again = await visitorSocket(t.url, v.token);
    const resumed = await again.resume(v.conversationId, 0);
    expect(resumed.lastSeq).toBe(1);
    expect(again.messages(v.conversationId).map((m) => m.text)).toEqual(['Thanks, one moment.']);
    expect(JSON.stringify(again.frames)).not.toContain('secret-note-marker');
    again.close();

    // The visitor's own export of their view (REST history) and conversation list.
    const auth = { authorization: `Bearer ${v.token}` };
    const history = await fetch(
      `${t.url}/api/visitor/conversations/${v.conversationId}/messages?afterSeq=0`,
      { headers: auth },
    );
    expect(history.status).toBe(200);
    const text = await history.text();
    expect(text).toContain('Thanks, one moment.');
    expect(text).not.toContain('secret-note-marker');
    const list = await fetch(`${t.url}/api/visitor/conversations`, { headers: auth });
    expect(await list.text()).not.toContain('secret-note-marker');

    // A visitor token opens no note route.
    const asVisitor = await fetch(`${t.url}/api/conversations/${v.conversationId}/notes`, {
      headers: auth,
    });
    expect(asVisitor.status).toBe(401);
    agentSocket.close();
  });

  it('are stored masked, once per client id, listed to agents of the organisation only', async () => {
    const v = await newVisitor(t.url, t.orgKey);
    const first = await addNote(admin, v.conversationId, 'note-2', `order 48213 and ${CARD}`);
    const retry = await addNote(admin, v.conversationId, 'note-2', `order 48213 and ${CARD}`);
    expect(retry.body.note.id).toBe(first.body.note.id);
    // A note is never joined with later texts: a bare number that could be a card's start stays hidden.
    expect(first.body.note.text).not.toMatch(/48213|4242/);

    const rows = await t.server.store.db
      .selectFrom('conversation_notes')
      .select('text')
      .where('conversation_id', '=', v.conversationId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.text).not.toMatch(/48213|4242/);
    expect(t.logs.join('\n')).not.toContain('48213');

    const colleague = await t.createAgent('agent');
    const c = new AgentClient(t.url);
    await c.login(colleague.email, colleague.password);
    const listed = (await (
      await c.request('GET', `/api/conversations/${v.conversationId}/notes`)
    ).json()) as { notes: Note[] };
    expect(listed.notes.map((n) => n.id)).toEqual([first.body.note.id]);
    expect(listed.notes[0]?.author.name).toBe('Admin');

    const other = await t.server.store.orgs.create({ name: 'Elsewhere', allowedOrigins: [] });
    const outsider = await t.createAgent('admin', other.id);
    const o = new AgentClient(t.url);
    await o.login(outsider.email, outsider.password);
    expect((await o.request('GET', `/api/conversations/${v.conversationId}/notes`)).status).toBe(
      404,
    );
    expect((await addNote(o, v.conversationId, 'x-1', 'hi')).status).toBe(404);
    // The conversation's sequence did not move: a note is no message.
    const conv = await t.server.store.conversations.byId(t.orgId, v.conversationId);
    expect(conv?.lastSeq).toBe(0);
  });
});
