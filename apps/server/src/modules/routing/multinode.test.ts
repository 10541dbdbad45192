import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Team, Transfer } from '@parley/protocol';
import { AgentClient, visitorSocket, type TestSocket } from '../../../test/clients';
import { clusterTarget, twoNodes, type Cluster } from '../../../test/cluster';

const redisUrl = process.env.REDIS_URL;

describe.skipIf(!redisUrl)(
  redisUrl
    ? `presence, routing and transfer across two nodes over Redis (${clusterTarget.name})`
    : 'presence, routing and transfer across two nodes (skipped: REDIS_URL not set)',
  () => {
    let c: Cluster;
    let admin: AgentClient;
    let adminSocket: TestSocket;
    beforeAll(async () => {
      c = await twoNodes(redisUrl!, { PARLEY_ROUTING_SWEEP_MS: '200' });
      admin = new AgentClient(c.a.url);
      await admin.login(c.admin.email, c.admin.password);
      adminSocket = await admin.socket();
      await adminSocket.next('ready');
    });
    afterAll(async () => {
      adminSocket.ws.close();
      await c.close();
    });

    const agentOn = async (url: string, role: 'agent' | 'supervisor' = 'agent') => {
      const a = await c.createAgent(role);
      const client = new AgentClient(url);
      expect((await client.login(a.email, a.password)).status).toBe(200);
      return { ...a, client };
    };
    const tab = async (client: AgentClient) => {
      const s = await client.socket();
      await s.next('ready');
      return s;
    };
    const visitorIn = async (url: string, teamId?: string) => {
      const session = (await (
        await fetch(`${url}/api/visitor/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ orgKey: c.org.key, name: 'Nia Node' }),
        })
      ).json()) as { token: string };
      const conv = (await (
        await fetch(`${url}/api/visitor/conversations`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${session.token}`,
          },
          body: JSON.stringify(teamId ? { teamId } : {}),
        })
      ).json()) as { id: string };
      return { token: session.token, conversationId: conv.id };
    };

    it('is online while a console is open on either node and offline when the last closes', async () => {
      const ada = await agentOn(c.b.url);
      const onB = await tab(ada.client);
      // The admin's console is on node A: it hears of a socket opened on node B.
      await adminSocket.next(
        'presence',
        (f) => f.presence.agentId === ada.id && f.presence.status === 'online',
      );
      const adaOnA = new AgentClient(c.a.url);
      adaOnA.cookie = ada.client.cookie;
      adaOnA.csrf = ada.client.csrf;
      const onA = await tab(adaOnA);
      onB.ws.close();
      await onB.closed;
      await new Promise((r) => setTimeout(r, 300));
      const list = async () =>
        (
          (await (await admin.request('GET', '/api/presence')).json()) as {
            agents: { agentId: string; status: string }[];
          }
        ).agents.find((p) => p.agentId === ada.id)?.status;
      expect(await list()).toBe('online');
      onA.ws.close();
      await adminSocket.next(
        'presence',
        (f) => f.presence.agentId === ada.id && f.presence.status === 'offline',
      );
      expect(await list()).toBe('offline');
    });

    it('assigns chats started on both nodes at once exactly once each, within capacity', async () => {
      const ada = await agentOn(c.a.url);
      const bob = await agentOn(c.b.url);
      const created = await admin.request('POST', '/api/teams', {
        name: 'Cluster RR',
        routing: 'round_robin',
      });
      const { team } = (await created.json()) as { team: Team };
      await admin.request('PUT', `/api/teams/${team.id}/members`, { agentIds: [ada.id, bob.id] });
      const sockets = [await tab(ada.client), await tab(bob.client)];
      for (const a of [ada, bob])
        await a.client.request('PUT', '/api/presence', { status: 'online', maxChats: 3 });

      const chats = await Promise.all(
        Array.from({ length: 8 }, (_, i) => visitorIn(i % 2 ? c.a.url : c.b.url, team.id)),
      );
      const rows = async () =>
        Promise.all(
          chats.map(async (v) => (await c.a.store.conversations.byId(c.org.id, v.conversationId))!),
        );
      await expect
        .poll(async () => (await rows()).filter((r) => r.status === 'active').length, {
          timeout: 8000,
        })
        .toBe(6);
      // Several sweeps on both nodes later, nothing moved twice.
      await new Promise((r) => setTimeout(r, 800));
      const final = await rows();
      expect(final.filter((r) => r.agentId === ada.id).length).toBe(3);
      expect(final.filter((r) => r.agentId === bob.id).length).toBe(3);
      expect(final.filter((r) => r.status === 'waiting').length).toBe(2);
      // Each chat was assigned once: one 'active' conversation frame per chat reached the admin.
      for (const v of chats) {
        const assignments = adminSocket.frames.filter(
          (f) =>
            f.type === 'conversation' &&
            f.conversation.id === v.conversationId &&
            f.conversation.status === 'active',
        );
        expect(assignments.length).toBeLessThanOrEqual(1);
      }
      for (const s of sockets) s.ws.close();
    });

    it("hands a chat from an agent on one node to an agent on the other; the sender's node stops taking its replies", async () => {
      const ada = await agentOn(c.a.url);
      const bob = await agentOn(c.b.url);
      const adaSocket = await tab(ada.client);
      const bobSocket = await tab(bob.client);
      const v = await visitorIn(c.a.url);
      await ada.client.request('POST', `/api/conversations/${v.conversationId}/accept`);
      const vs = await visitorSocket(c.a.url, v.token);
      await vs.resume(v.conversationId);
      await adaSocket.resume(v.conversationId);
      // Ada replies once, so node A caches the conversation as hers.
      adaSocket.send({
        type: 'send',
        clientMsgId: 'before',
        conversationId: v.conversationId,
        text: 'hi',
      });
      await adaSocket.next('ack', (f) => f.clientMsgId === 'before');

      const offer = await ada.client.request(
        'POST',
        `/api/conversations/${v.conversationId}/transfers`,
        {
          toAgentId: bob.id,
          note: 'billing question',
        },
      );
      const { transfer } = (await offer.json()) as { transfer: Transfer };
      await bobSocket.next('transfer', (f) => f.transfer.id === transfer.id);
      expect(
        (await bob.client.request('POST', `/api/transfers/${transfer.id}/accept`)).status,
      ).toBe(200);
      await vs.next(
        'message',
        (m) => m.sender.kind === 'system' && m.text.startsWith('You are now talking to'),
      );
      await adaSocket.next(
        'transfer',
        (f) => f.transfer.id === transfer.id && f.transfer.status === 'accepted',
      );

      adaSocket.send({
        type: 'send',
        clientMsgId: 'after',
        conversationId: v.conversationId,
        text: 'me again',
      });
      expect((await adaSocket.next('error', (f) => f.clientMsgId === 'after')).code).toBe(
        'forbidden',
      );
      for (const s of [adaSocket, bobSocket, vs]) s.ws.close();
    });
  },
);
