import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { VisitorBlock } from '@parley/protocol';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, newVisitor, TestSocket, visitorSocket } from '../../../test/clients';
import { storeTargets, suiteName } from '../../../test/store-fixtures';
import { networkAround } from './network';

/**
 * Blocking visitors over real HTTP and sockets (issue 11 item 4): an agent
 * blocks from a conversation, the visitor's sockets close with the neutral
 * chat_unavailable (4403), its tokens and new sessions are refused, every
 * refused retry is counted into a bounded number of security events, and
 * blocks and lifts are audited. The two-node case is in realtime/multinode.test.ts.
 */
const session = (url: string, orgKey: string) =>
  fetch(`${url}/api/visitor/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orgKey, name: 'Retry Rita' }),
  });
const visitorGet = (url: string, token: string) =>
  fetch(`${url}/api/visitor/conversations`, { headers: { authorization: `Bearer ${token}` } });
const code = async (res: Response) =>
  ((await res.json()) as { error?: { code: string; message: string } }).error;

describe('networkAround', () => {
  it('masks the host bits of IPv4 and IPv6 addresses', () => {
    expect(networkAround('203.0.113.77', 24)).toBe('203.0.113.0/24');
    expect(networkAround('::ffff:203.0.113.77', 32)).toBe('203.0.113.77/32');
    expect(networkAround('2001:db8:abcd:12::1', 48)).toBe('2001:db8:abcd:0:0:0:0:0/48');
    expect(networkAround('2001:db8::1', 128)).toBe('2001:db8:0:0:0:0:0:1/128');
    expect(networkAround('203.0.113.77', 33)).toBeUndefined();
    expect(networkAround('not an address', 24)).toBeUndefined();
  });
});

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'blocking visitors'), () => {
    let t: TestServer;
    let admin: AgentClient;
    let agent: AgentClient;

    beforeAll(async () => {
      t = await startTestServer({ logLevel: 'warn', store: await target.create() });
      admin = new AgentClient(t.url);
      expect((await admin.login(t.admin.email, t.admin.password)).ok).toBe(true);
      const a = await t.createAgent('agent');
      agent = new AgentClient(t.url);
      expect((await agent.login(a.email, a.password)).ok).toBe(true);
    });
    afterAll(async () => {
      const store = t?.server.store;
      await t?.close();
      await store?.close();
    });

    const blockList = async () =>
      ((await (await admin.request('GET', '/api/blocks')).json()) as { blocks: VisitorBlock[] })
        .blocks;

    it('an agent blocks a visitor: its socket closes with 4403, its token is refused neutrally, the block is audited', async () => {
      const v = await newVisitor(t.url, t.orgKey, 'Blocked Bob');
      const ws = await visitorSocket(t.url, v.token);
      const other = await newVisitor(t.url, t.orgKey, 'Innocent Ida');
      const otherWs = await visitorSocket(t.url, other.token);

      const res = await agent.request('POST', `/api/conversations/${v.conversationId}/block`, {
        kind: 'visitor',
        reason: 'abusive, card 4242 4242 4242 4242',
        expiresInMinutes: 60,
      });
      expect(res.status).toBe(201);
      const { block } = (await res.json()) as { block: VisitorBlock };
      expect(block).toMatchObject({ kind: 'visitor', visitorId: v.visitorId, status: 'active' });
      expect(block.reason).not.toContain('4242 4242 4242 4242');
      expect(block.expiresAt! - block.createdAt).toBe(3_600_000);

      expect(await ws.closed).toBe(4403);
      expect(ws.closeReason).toBe('chat_unavailable');
      const refused = await visitorGet(t.url, v.token);
      expect(refused.status).toBe(403);
      expect(await code(refused)).toEqual({
        code: 'chat_unavailable',
        message: 'Chat is not available at the moment.',
      });
      // A fresh socket with the same token is refused at auth.
      const again = await TestSocket.open(`${t.wsUrl}/ws/visitor`, {
        origin: new URL(t.url).origin,
      });
      again.send({ type: 'auth', token: v.token });
      expect(await again.closed).toBe(4403);

      // Nobody else is touched.
      expect(otherWs.closeCode).toBeUndefined();
      expect((await visitorGet(t.url, other.token)).status).toBe(200);
      otherWs.close();

      const entries = await t.server.store.audit.list(t.orgId, {
        action: 'visitor.block',
        limit: 5,
      });
      expect(entries[0]).toMatchObject({ outcome: 'success', resourceId: block.id });
    });

    it('a flood of retries by a blocked visitor makes a handful of events with the totals, and the count on the block', async () => {
      const v = await newVisitor(t.url, t.orgKey, 'Flood Fred');
      const res = await agent.request('POST', `/api/conversations/${v.conversationId}/block`, {
        kind: 'visitor',
        reason: 'flooding',
      });
      const { block } = (await res.json()) as { block: VisitorBlock };
      for (let i = 0; i < 60; i++) expect((await visitorGet(t.url, v.token)).status).toBe(403);
      await t.server.signals.flush();
      const events = (
        await t.server.store.security.events(t.orgId, { type: 'blocked_retry', limit: 500 })
      ).filter((e) => e.detail.blockId === block.id);
      expect(events.length).toBeGreaterThanOrEqual(1);
      expect(events.length).toBeLessThanOrEqual(3);
      expect(events.reduce((n, e) => n + Number(e.detail.count), 0)).toBe(60);
      expect(Math.max(...events.map((e) => Number(e.detail.total)))).toBe(60);
      // The counts reach the block's row once written.
      const deadline = Date.now() + 5000;
      let listed: VisitorBlock | undefined;
      while (Date.now() < deadline) {
        listed = (await blockList()).find((b) => b.id === block.id);
        if (listed?.refused === 60) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(listed?.refused).toBe(60);
    });

    it('refuses what an agent may not do: listing, lifting, network blocks; another organisation’s block is a miss', async () => {
      expect((await agent.request('GET', '/api/blocks')).status).toBe(403);
      expect(
        (await agent.request('POST', '/api/blocks', { network: '198.51.100.0/24', reason: 'x' }))
          .status,
      ).toBe(403);
      const [b] = await blockList();
      expect((await agent.request('DELETE', `/api/blocks/${b!.id}`)).status).toBe(403);
      expect((await admin.request('DELETE', '/api/blocks/no-such-block')).status).toBe(404);
      const wide = await admin.request('POST', '/api/blocks', {
        network: '10.0.0.0/4',
        reason: 'x',
      });
      expect(wide.status).toBe(400);
      const bad = await admin.request('POST', '/api/blocks', { network: 'nonsense', reason: 'x' });
      expect(bad.status).toBe(400);
      // Identity blocks need a verified visitor.
      const v = await newVisitor(t.url, t.orgKey, 'Anon Ann');
      const id = await agent.request('POST', `/api/conversations/${v.conversationId}/block`, {
        kind: 'identity',
        reason: 'x',
      });
      expect(id.status).toBe(400);
    });

    it('blocks the visitor’s address (new sessions refused), and a lift lets it back in, both audited', async () => {
      const v = await newVisitor(t.url, t.orgKey, 'Address Al');
      const res = await agent.request('POST', `/api/conversations/${v.conversationId}/block`, {
        kind: 'address',
        reason: 'comes back with new sessions',
      });
      expect(res.status).toBe(201);
      const { block } = (await res.json()) as { block: VisitorBlock };
      expect(block.network).toBe('127.0.0.1/32');
      const fresh = await session(t.url, t.orgKey);
      expect(fresh.status).toBe(403);
      expect((await code(fresh))?.code).toBe('chat_unavailable');

      expect((await admin.request('DELETE', `/api/blocks/${block.id}`)).status).toBe(204);
      expect((await session(t.url, t.orgKey)).status).toBe(200);
      const listed = (await blockList()).find((b) => b.id === block.id);
      expect(listed?.status).toBe('lifted');
      const lifts = await t.server.store.audit.list(t.orgId, {
        action: 'visitor.unblock',
        limit: 5,
      });
      expect(lifts[0]).toMatchObject({ resourceId: block.id });
    });

    it('an admin blocks a network directly; the expiry ends it without a lift', async () => {
      const res = await admin.request('POST', '/api/blocks', {
        network: '127.0.0.0/8',
        reason: 'test range',
        expiresInMinutes: 1,
      });
      expect(res.status).toBe(201);
      const { block } = (await res.json()) as { block: VisitorBlock };
      expect(block).toMatchObject({ kind: 'network', network: '127.0.0.0/8' });
      expect((await session(t.url, t.orgKey)).status).toBe(403);
      // A minute and a bit later (the clock only: timers run as usual), the block has ended.
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(Date.now() + 61_000);
        const later = await session(t.url, t.orgKey);
        expect(later.status, JSON.stringify(await later.clone().json())).toBe(200);
        expect((await blockList()).find((b) => b.id === block.id)?.status).toBe('expired');
      } finally {
        vi.useRealTimers();
      }
    });
  });
}
