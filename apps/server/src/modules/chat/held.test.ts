// Law 1 for cards split over messages: at no moment does an agent frame or the store hold a
// piece of the card. Pieces are held (masked) until the sender's state decides them; the state is
// durable and shared, so a restart, another node or a repeated clientMsgId changes nothing.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOLD_WINDOW } from '@parley/masking';
import type { ServerFrame } from '@parley/protocol';
import { createStore, type Store } from '../../store';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, newVisitor, visitorSocket, type TestSocket } from '../../../test/clients';

// A documented test card (Discover), and the same split six ways.
const CARD = '6011000990139424';
const SIX_PIECES = ['60', '110', '0099', '01', '3942', '4'];

function textsOf(frames: readonly ServerFrame[], conversationId: string): string[] {
  const out: string[] = [];
  for (const f of frames)
    if ((f.type === 'message' || f.type === 'redact') && f.conversationId === conversationId)
      out.push(f.text);
  return out;
}

async function send(s: TestSocket, conversationId: string, id: string, text: string) {
  s.send({ type: 'send', clientMsgId: id, conversationId, text });
  return s.next('ack', (f) => f.clientMsgId === id);
}

async function pair(t: TestServer, url = t.url) {
  const a = new AgentClient(url);
  await a.login(t.admin.email, t.admin.password);
  const v = await newVisitor(t.url, t.orgKey);
  await a.request('POST', `/api/conversations/${v.conversationId}/accept`);
  const as = await a.socket();
  await as.next('ready');
  await as.resume(v.conversationId);
  const vs = await visitorSocket(url, v.token);
  return { a, v, as, vs };
}

describe('cards split over messages (held pieces)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('never shows the agent a piece of a card split over six messages with others in between', async () => {
    const { a, v, as, vs } = await pair(t);
    let n = 0;
    for (const piece of SIX_PIECES) {
      await send(vs, v.conversationId, `p${n++}`, piece);
      await send(vs, v.conversationId, `w${n}`, 'hmm, wait');
      await send(as, v.conversationId, `a${n}`, 'go on');
    }
    const last = await as.next('message', (f) => f.text === '•');
    expect(last.masked).toContain('pan');
    // Every frame the agent got, and every stored text, is free of the card's digits.
    const seen = textsOf(as.frames, v.conversationId);
    for (const text of seen) expect(text).not.toMatch(/\d/);
    const stored = await t.server.store.messages.after(t.orgId, v.conversationId, 0, 100);
    for (const m of stored) expect(m.text).not.toMatch(/\d/);
    // The earlier pieces are now known to be part of a card.
    await as.next('redact', (f) => f.masked.includes('pan'));
    // Closing the conversation releases nothing of a card.
    await a.request('POST', `/api/conversations/${v.conversationId}/close`);
    const after = await t.server.store.messages.after(t.orgId, v.conversationId, 0, 100);
    for (const m of after) expect(m.text).not.toMatch(/\d/);
    expect(after.map((m) => m.text).join('')).not.toContain(CARD);
    vs.close();
    as.close();
  });

  it('shows an ordinary number again once no later message can make it part of a card', async () => {
    const { v, as, vs } = await pair(t);
    const ack = await send(vs, v.conversationId, 'o1', 'my order is 12345678');
    const first = await as.next('message', (f) => f.seq === ack.seq);
    expect(first.text).toBe('my order is ••••••••');
    expect(first.masked).toEqual(['held']);
    for (let i = 1; i < HOLD_WINDOW; i++) await send(vs, v.conversationId, `ok${i}`, 'ok');
    expect(as.frames.some((f) => f.type === 'redact' && f.seq === ack.seq)).toBe(false);
    await send(vs, v.conversationId, 'last', 'ok');
    const shown = await as.next('redact', (f) => f.seq === ack.seq);
    expect(shown.text).toBe('my order is 12345678');
    expect(shown.masked).toEqual([]);
    vs.close();
    as.close();
  });

  it('shows held numbers again when the conversation closes', async () => {
    const { a, v, as, vs } = await pair(t);
    const ack = await send(vs, v.conversationId, 'o1', 'ticket 4471 please');
    await a.request('POST', `/api/conversations/${v.conversationId}/close`);
    const shown = await as.next('redact', (f) => f.seq === ack.seq);
    expect(shown.text).toBe('ticket 4471 please');
    vs.close();
    as.close();
  });

  it('regression: a card split between the visitor name and a message is joined', async () => {
    const a = new AgentClient(t.url);
    await a.login(t.admin.email, t.admin.password);
    const v = await newVisitor(t.url, t.orgKey, 'Jo 6011 0009 9013');
    const named = await t.server.store.visitors.byId(t.orgId, v.visitorId);
    expect(named?.name).toBe('Jo •••• •••• ••••');
    await a.request('POST', `/api/conversations/${v.conversationId}/accept`);
    const as = await a.socket();
    await as.next('ready');
    await as.resume(v.conversationId);
    const vs = await visitorSocket(t.url, v.token);
    const ack = await send(vs, v.conversationId, 'p1', '9424');
    const last = await as.next('message', (f) => f.seq === ack.seq);
    expect(last.text).toBe('••••');
    expect(last.masked).toContain('pan');
    // Decided as part of a card, it is never shown: not after the window, not at close.
    for (let i = 0; i < HOLD_WINDOW; i++) await send(vs, v.conversationId, `ok${i}`, 'ok');
    await a.request('POST', `/api/conversations/${v.conversationId}/close`);
    const stored = await t.server.store.messages.after(t.orgId, v.conversationId, 0, 100);
    for (const m of stored) expect(m.text).not.toMatch(/\d/);
    vs.close();
    as.close();
  });

  it('pipelined pieces of one sender share group commits and still never show a piece', async () => {
    const { v, as, vs } = await pair(t);
    const commits = async () =>
      (await t.server.metrics.commitBatch.get()).values.find((x) =>
        x.metricName?.endsWith('_count'),
      )?.value ?? 0;
    const before = await commits();
    // All sent at once, none waiting for the previous ack: each masks on the state the one
    // before it is being stored with (issue 18, must 7).
    const texts = ['before 6pm', ...SIX_PIECES, 'thanks'];
    texts.forEach((text, i) =>
      vs.send({ type: 'send', clientMsgId: `q${i}`, conversationId: v.conversationId, text }),
    );
    const acks = [];
    for (let i = 0; i < texts.length; i++)
      acks.push(await vs.next('ack', (f) => f.clientMsgId === `q${i}`));
    const seqs = acks.map((a) => a.seq);
    expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] ?? 0) + i));
    // Before, a sender with pieces pending committed one message per transaction (8 here).
    expect((await commits()) - before).toBeLessThanOrEqual(4);
    await as.next('message', (f) => f.seq === seqs[seqs.length - 1]);
    await as.next('redact', (f) => f.masked.includes('pan'));
    for (const text of textsOf(as.frames, v.conversationId)) expect(text).not.toContain('0099');
    const stored = await t.server.store.messages.after(t.orgId, v.conversationId, 0, 100);
    expect(stored.map((m) => m.text).join(' ')).not.toMatch(/60|110|0099|3942/);
    vs.close();
    as.close();
  });

  it('regression: a repeated clientMsgId does not move the masker on (the card is still caught)', async () => {
    const { v, as, vs } = await pair(t);
    await send(vs, v.conversationId, 'p1', '6011 0009');
    const again = await send(vs, v.conversationId, 'p1', '6011 0009');
    await send(vs, v.conversationId, 'p1', '6011 0009');
    const ack = await send(vs, v.conversationId, 'p2', '9013 9424');
    expect(again.seq).toBeLessThan(ack.seq);
    const last = await as.next('message', (f) => f.seq === ack.seq);
    expect(last.text).toBe('•••• ••••');
    expect(last.masked).toContain('pan');
    for (const text of textsOf(as.frames, v.conversationId)) expect(text).not.toMatch(/\d/);
    vs.close();
    as.close();
  });
});

describe('held pieces across a restart and across nodes', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-held-'));
    store = await createStore({ kind: 'sqlite', file: join(dir, 'chat.db') });
    await store.migrate();
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('regression: after a restart between two pieces the second still completes the card', async () => {
    const first = await startTestServer({ store });
    const { v, as, vs } = await pair(first);
    await send(vs, v.conversationId, 'p1', '6011 0009 9013');
    as.close();
    vs.close();
    await first.close(); // the node's memory is gone; the store stays

    const org = await store.orgs.byKey(first.orgKey);
    if (!org) throw new Error('organisation missing');
    const second = await startTestServer({ store, org: { org, admin: first.admin } });
    await store.orgs.update(org.id, { allowedOrigins: [new URL(second.url).origin] });
    const agent = new AgentClient(second.url);
    await agent.login(first.admin.email, first.admin.password);
    const as2 = await agent.socket();
    await as2.next('ready');
    await as2.resume(v.conversationId);
    const vs2 = await visitorSocket(second.url, v.token);
    const ack = await send(vs2, v.conversationId, 'p2', '9424');
    const last = await as2.next('message', (f) => f.seq === ack.seq);
    expect(last.text).toBe('••••');
    expect(last.masked).toContain('pan');
    const stored = await store.messages.after(first.orgId, v.conversationId, 0, 10);
    for (const m of stored) expect(m.text).not.toMatch(/\d/);
    // Not even the SQLite files (main, WAL) hold the first piece.
    for (const f of readdirSync(dir).filter((x) => x.startsWith('chat.db'))) {
      const bytes = readFileSync(join(dir, f)).toString('latin1');
      expect(bytes).not.toContain('6011 0009 9013');
      expect(bytes).not.toContain(CARD);
    }
    as2.close();
    vs2.close();
    await second.close();
  });
});
