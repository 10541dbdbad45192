import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryPage, HistoryQueryInput } from '@parley/protocol';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, newVisitor, visitorSocket } from '../../../test/clients';

/**
 * Issue 14 item 10 over real HTTP: a visitor's words sent over the socket are found by the
 * history search (the index written by the real ingest pipeline), a card's digits are not, the
 * filters and the cursor work, and only agents of the organisation may search.
 */
let t: TestServer;
let admin: AgentClient;
let conversationId = '';
const word = `pelican${Date.now().toString(36)}`;

async function history(query: HistoryQueryInput = {}): Promise<HistoryPage> {
  const res = await admin.request('POST', '/api/history', query);
  expect(res.status).toBe(200);
  return (await res.json()) as HistoryPage;
}

beforeAll(async () => {
  t = await startTestServer({ logLevel: 'warn' });
  admin = new AgentClient(t.url);
  expect((await admin.login(t.admin.email, t.admin.password)).ok).toBe(true);
  const v = await newVisitor(t.url, t.orgKey, 'Hilda History');
  conversationId = v.conversationId;
  for (const name of ['Other One', 'Other Two']) await newVisitor(t.url, t.orgKey, name);
  const ws = await visitorSocket(t.url, v.token);
  for (const [n, text] of [
    `My ${word} arrived BROKEN`,
    'card 4000 0000 0000 0002 thanks',
  ].entries()) {
    ws.send({ type: 'send', clientMsgId: `h-${n}`, conversationId, text });
    await ws.next('ack', (f) => f.clientMsgId === `h-${n}`);
  }
  ws.close();
}, 60_000);
afterAll(async () => t?.close());

describe('GET /api/history', () => {
  it('finds the conversation by its words, case and order aside, and names the visitor', async () => {
    const page = await history({ q: `broken ${word.toUpperCase()}` });
    expect(page.conversations.map((c) => c.id)).toEqual([conversationId]);
    expect(page.conversations[0]).toMatchObject({ visitorName: 'Hilda History', verified: false });
    expect((await history({ q: `${word} missing` })).conversations).toEqual([]);
  });

  it('never finds a card by its digits, not even the visible last four', async () => {
    expect((await history({ q: '0002' })).conversations).toEqual([]);
    expect((await history({ q: '4000 0000 0000 0002' })).conversations).toEqual([]);
    expect((await history({ q: 'thanks' })).conversations.map((c) => c.id)).toEqual([
      conversationId,
    ]);
  });

  it('lists every conversation by cursor, and filters by status', async () => {
    const first = await history({ limit: 2 });
    expect(first.conversations).toHaveLength(2);
    expect(first.next).not.toBeNull();
    const second = await history({ limit: 2, cursor: first.next ?? '' });
    expect(second.conversations).toHaveLength(1);
    expect(second.next).toBeNull();
    const ids = [...first.conversations, ...second.conversations].map((c) => c.id);
    expect(new Set(ids).size).toBe(3);
    expect((await history({ status: ['closed'] })).conversations).toEqual([]);
    expect((await history({ status: ['waiting', 'active'] })).conversations).toHaveLength(3);
  });

  it('refuses a bad cursor or filter with 400 and an anonymous caller', async () => {
    for (const bad of [{ cursor: 'nonsense' }, { rating: 9 }, { status: ['lost'] }, { q: 1 }])
      expect((await admin.request('POST', '/api/history', bad)).status).toBe(400);
    const anonymous = await fetch(`${t.url}/api/history`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect([401, 403]).toContain(anonymous.status);
  });
});
