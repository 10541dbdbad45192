import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyRequest } from '@parley/signing';
import type { Store } from '../../store';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, newVisitor, visitorSocket } from '../../../test/clients';
import { waitFor } from '../../../test/faults/kit';
import { seedOrg, storeTargets, suiteName } from '../../../test/store-fixtures';

interface Post {
  path: string;
  body: { id: string; type: string; orgId: string; data: Record<string, unknown> };
  raw: string;
  headers: IncomingMessage['headers'];
}

/** A receiver on loopback that answers `status(n)` to its n-th post and keeps every post. */
async function receiver(status: (n: number) => number = () => 200) {
  const got: Post[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      got.push({
        path: req.url ?? '',
        body: JSON.parse(raw) as Post['body'],
        raw,
        headers: req.headers,
      });
      res.writeHead(status(got.length)).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks?src=parley`;
  return { got, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const signed = (p: Post, secret: string) =>
  verifyRequest({ secret, method: 'POST', path: p.path, body: p.raw, headers: p.headers });

describe('chat webhooks through a real server', () => {
  let t: TestServer;
  let admin: AgentClient;
  beforeAll(async () => {
    t = await startTestServer({
      logLevel: 'warn',
      env: { PARLEY_WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32' },
      webhookRetryBaseMs: 50,
    });
    admin = new AgentClient(t.url);
    await admin.login(t.admin.email, t.admin.password);
  });
  afterAll(async () => t.close());

  const create = async (url: string, events: string[]) => {
    const res = await admin.request('POST', '/api/webhooks', { url, events });
    expect(res.status).toBe(201);
    return (await res.json()) as { endpoint: { id: string }; secret: string };
  };

  it('posts signed conversation and message events with masked text, each retried until taken with one id', async () => {
    const hook = await receiver((n) => (n <= 2 ? 503 : 200));
    try {
      const { endpoint, secret } = await create(hook.url, [
        'conversation.started',
        'message.created',
      ]);
      expect(secret).toMatch(/^whsec_/);
      const v = await newVisitor(t.url, t.orgKey, 'Wendy');
      const ws = await visitorSocket(t.url, v.token);
      ws.send({
        type: 'send',
        conversationId: v.conversationId,
        clientMsgId: 'm1',
        text: 'my card is 4242 4242 4242 4242 thanks',
      });
      await ws.next('ack');
      ws.close();
      const types = () => new Set(hook.got.map((p) => p.body.type));
      await waitFor(
        'both events delivered',
        () =>
          types().has('message.created') &&
          types().has('conversation.started') &&
          hook.got.length >= 4,
      );
      for (const p of hook.got) {
        expect(signed(p, secret)).toMatchObject({ ok: true });
        expect(p.raw).not.toMatch(/4242 ?4242 ?4242/);
        expect(p.headers['x-parley-event']).toBe(p.body.type);
      }
      // Two events, and the two refused posts (whichever events they were) were sent again
      // under the same id until taken: four posts in all, two ids.
      const firstId = hook.got[0]?.body.id;
      const ids = new Set(hook.got.map((p) => p.body.id));
      expect(ids.size).toBe(2);
      expect(hook.got).toHaveLength(4);
      const postsOf = (id: string | undefined) => hook.got.filter((p) => p.body.id === id).length;
      expect(postsOf(firstId)).toBeGreaterThanOrEqual(2);
      const message = hook.got.find((p) => p.body.type === 'message.created')?.body.data as {
        message: { text: string; sender: { kind: string }; masked: string[] };
        conversation: { id: string };
      };
      expect(message.conversation.id).toBe(v.conversationId);
      expect(message.message.sender.kind).toBe('visitor');
      expect(message.message.text).toContain('•••• •••• •••• 4242');
      expect(message.message.masked).toContain('pan');

      // The delivery log shows each delivery with its attempts and last answer.
      const log = (await (
        await admin.request('GET', `/api/webhooks/${endpoint.id}/deliveries`)
      ).json()) as {
        deliveries: Array<{ id: string; attempts: number; status: string; lastStatus: number }>;
      };
      for (const id of ids)
        expect(log.deliveries.find((d) => d.id === id)).toMatchObject({
          status: 'delivered',
          attempts: postsOf(id),
          lastStatus: 200,
        });

      // A replay posts the same delivery again, with the same id.
      const before = hook.got.length;
      const replay = await admin.request('POST', `/api/webhooks/deliveries/${firstId}/replay`);
      expect(replay.status).toBe(200);
      await waitFor('the replay', () => hook.got.length > before);
      expect(hook.got[hook.got.length - 1]?.body.id).toBe(firstId);
      await admin.request('DELETE', `/api/webhooks/${endpoint.id}`);
    } finally {
      await hook.close();
    }
  });

  it('sends only the events an endpoint subscribed to, and none while it is disabled', async () => {
    const hook = await receiver();
    try {
      const { endpoint } = await create(hook.url, ['conversation.closed']);
      const close = async () => {
        const v = await newVisitor(t.url, t.orgKey);
        expect(
          (await admin.request('POST', `/api/conversations/${v.conversationId}/close`)).status,
        ).toBe(200);
        return v.conversationId;
      };
      const patch = (enabled: boolean) =>
        admin.request('PATCH', `/api/webhooks/${endpoint.id}`, { enabled });
      expect((await patch(false)).status).toBe(200);
      await close();
      expect((await patch(true)).status).toBe(200);
      const closed = await close();
      await waitFor('the closed event', () => hook.got.length >= 1);
      await new Promise((r) => setTimeout(r, 300));
      // Started events were not subscribed to; the close while disabled was not queued.
      expect(hook.got.map((p) => p.body.type)).toEqual(['conversation.closed']);
      expect(
        (hook.got[0]?.body.data as { conversation: { id: string; status: string } }).conversation,
      ).toMatchObject({ id: closed, status: 'closed' });
      await admin.request('DELETE', `/api/webhooks/${endpoint.id}`);
    } finally {
      await hook.close();
    }
  });

  it('posts a rating with its masked comment', async () => {
    const hook = await receiver();
    try {
      const { endpoint } = await create(hook.url, ['conversation.rated']);
      const v = await newVisitor(t.url, t.orgKey);
      await admin.request('POST', `/api/conversations/${v.conversationId}/close`);
      const rated = await fetch(`${t.url}/api/visitor/conversations/${v.conversationId}/rating`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${v.token}` },
        body: JSON.stringify({ score: 4, comment: 'fine, card 4242 4242 4242 4242' }),
      });
      expect(rated.status).toBe(200);
      await waitFor('the rating', () => hook.got.length >= 1);
      const data = hook.got[0]?.body.data as { rating: { score: number; comment: string } };
      expect(data.rating.score).toBe(4);
      expect(data.rating.comment).toMatch(/^fine, card /);
      expect(hook.got[0]?.raw).not.toMatch(/4242 ?4242/);
      await admin.request('DELETE', `/api/webhooks/${endpoint.id}`);
    } finally {
      await hook.close();
    }
  });

  it('pings an endpoint on demand', async () => {
    const hook = await receiver();
    try {
      const { endpoint, secret } = await create(hook.url, ['message.created']);
      expect((await admin.request('POST', `/api/webhooks/${endpoint.id}/ping`)).status).toBe(202);
      await waitFor('the ping', () => hook.got.length === 1);
      expect(hook.got[0]?.body.type).toBe('ping');
      expect(signed(hook.got[0] as Post, secret)).toMatchObject({ ok: true });
      await admin.request('DELETE', `/api/webhooks/${endpoint.id}`);
    } finally {
      await hook.close();
    }
  });

  it('refuses bad input, internal targets, plain agents, tokens and other organisations', async () => {
    const bad = await admin.request('POST', '/api/webhooks', {
      url: 'ftp://example.com',
      events: ['message.created'],
    });
    expect(bad.status).toBe(400);
    const none = await admin.request('POST', '/api/webhooks', {
      url: 'https://example.com/x',
      events: [],
    });
    expect(none.status).toBe(400);
    // Loopback is allowed in this test only on 127.0.0.1; the metadata address never is.
    const meta = await admin.request('POST', '/api/webhooks', {
      url: 'http://169.254.169.254/latest',
      events: ['message.created'],
    });
    expect(meta.status).toBe(400);
    expect(((await meta.json()) as { error: { code: string } }).error.code).toBe(
      'webhook_target_not_allowed',
    );

    const agent = await t.createAgent('agent');
    const plain = new AgentClient(t.url);
    await plain.login(agent.email, agent.password);
    expect((await plain.request('GET', '/api/webhooks')).status).toBe(403);

    const created = await admin.request('POST', '/api/api-tokens', {
      name: 'ops',
      scopes: ['settings:manage'],
    });
    const { secret: token } = (await created.json()) as { secret: string };
    const byToken = await fetch(`${t.url}/api/webhooks`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(byToken.status).toBe(403);

    const hook = await receiver();
    try {
      const { endpoint } = await create(hook.url, ['message.created']);
      const other = await seedOrg(t.server.store, 'Other');
      const outsider = await t.createAgent('admin', other.id);
      const them = new AgentClient(t.url);
      await them.login(outsider.email, outsider.password);
      expect((await them.request('GET', `/api/webhooks/${endpoint.id}/deliveries`)).status).toBe(
        404,
      );
      expect((await them.request('DELETE', `/api/webhooks/${endpoint.id}`)).status).toBe(404);
      // Every change is audited, without the secret.
      const audit = JSON.stringify(await t.server.store.audit.list(t.orgId, { limit: 50 }));
      expect(audit).toContain('webhook.create');
      expect(audit).not.toContain('whsec_');
    } finally {
      await hook.close();
    }
  });
});

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'webhook deliveries'), () => {
    let a: Store;
    let b: Store;
    let orgId: string;
    beforeEach(async () => {
      [a, b] = (await target.createNodes(2)) as [Store, Store];
      orgId = (await seedOrg(a)).id;
      await a.webhooks.createEndpoint({
        id: 'e1',
        org_id: orgId,
        url: 'https://example.com/h',
        description: '',
        events: JSON.stringify(['message.created']),
        secret_sealed: 'sealed',
        enabled: 1,
        created_at: 1,
        created_by: 'x',
      });
    });
    afterEach(async () => {
      await a.close();
      await b.close();
    });

    const item = (key: string) => ({
      orgId,
      endpointId: 'e1',
      eventType: 'message.created',
      eventKey: key,
      subject: { conversationId: 'c', seq: 1 },
      occurredAt: 5,
    });

    it('queues an event once, leases each delivery to one node, and lets only the owner mark it', async () => {
      expect(await a.webhooks.enqueue([item('k1'), item('k2')], 10)).toBe(2);
      expect(await b.webhooks.enqueue([item('k1')], 11)).toBe(0);
      const [x, y] = await Promise.all([
        a.webhooks.claim('A', 20, 1000, 10),
        b.webhooks.claim('B', 20, 1000, 10),
      ]);
      expect(x.length + y.length).toBe(2);
      expect(new Set([...x, ...y].map((d) => d.id)).size).toBe(2);
      const mine = x[0] ?? y[0];
      const owner = x.length > 0 ? 'A' : 'B';
      expect(await a.webhooks.markDelivered(mine!.id, owner === 'A' ? 'B' : 'A', 30, 200)).toBe(
        false,
      );
      expect(
        await a.webhooks.markRetry(mine!.id, owner, 40, 503, 'the receiver answered 503'),
      ).toBe(true);
      // Not due yet; then due again, with the failure on the log.
      expect(await a.webhooks.claim('A', 39, 1000, 10)).toHaveLength(0);
      const again = await b.webhooks.claim('B', 40, 1000, 10);
      expect(again.map((d) => d.id)).toContain(mine!.id);
      expect(again.find((d) => d.id === mine!.id)).toMatchObject({ attempts: 2, lastStatus: 503 });
      expect((await a.webhooks.backlog(orgId)).get('e1')).toEqual({ pending: 2, failing: 1 });
    });

    it('makes waiting deliveries due at once when their endpoint is enabled again', async () => {
      await a.webhooks.enqueue([item('k1')], 10);
      const [d] = await a.webhooks.claim('A', 20, 100, 10);
      await a.webhooks.markRetry(d!.id, 'A', 60_000, null, 'endpoint disabled');
      expect(await a.webhooks.claim('A', 30, 100, 10)).toHaveLength(0);
      expect(await a.webhooks.wake('other-org', 'e1', 30)).toBe(0);
      expect(await a.webhooks.wake(orgId, 'e1', 30)).toBe(1);
      expect((await b.webhooks.claim('B', 30, 100, 10)).map((x) => x.id)).toEqual([d!.id]);
    });

    it('takes back a delivery whose lease ran out, replays a delivered one, and prunes old ones', async () => {
      await a.webhooks.enqueue([item('k1')], 10);
      const [d] = await a.webhooks.claim('A', 20, 100, 10);
      expect(await b.webhooks.claim('B', 50, 100, 10)).toHaveLength(0);
      const [taken] = await b.webhooks.claim('B', 121, 100, 10);
      expect(taken?.id).toBe(d?.id);
      expect(await a.webhooks.markDelivered(d!.id, 'A', 130, 200)).toBe(false);
      expect(await b.webhooks.markDelivered(d!.id, 'B', 130, 200)).toBe(true);
      expect(await a.webhooks.replay('other-org', d!.id, 140)).toBeUndefined();
      expect((await a.webhooks.replay(orgId, d!.id, 140))?.status).toBe('pending');
      const [re] = await a.webhooks.claim('A', 141, 100, 10);
      await a.webhooks.markDelivered(re!.id, 'A', 150, 200);
      expect(await a.webhooks.prune(149)).toBe(0);
      expect(await a.webhooks.prune(151)).toBe(1);
      expect(await a.webhooks.removeEndpoint('other-org', 'e1')).toBe(false);
      expect(await a.webhooks.removeEndpoint(orgId, 'e1')).toBe(true);
    });
  });
}
