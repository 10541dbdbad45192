import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentPresence, Team, Transfer, WidgetConfig } from '@parley/protocol';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { AgentClient, visitorSocket, type TestSocket } from '../../../test/clients';

let t: TestServer;
let admin: AgentClient;
let adminSocket: TestSocket;
beforeAll(async () => {
  t = await startTestServer({ env: { PARLEY_ROUTING_SWEEP_MS: '200' } });
  admin = new AgentClient(t.url);
  await admin.login(t.admin.email, t.admin.password);
  adminSocket = await admin.socket();
  await adminSocket.next('ready');
});
afterAll(async () => {
  adminSocket.ws.close();
  await t.close();
});

const CARD = '4242 4242 4242 4242';

async function signedIn(role: 'agent' | 'supervisor' = 'agent') {
  const a = await t.createAgent(role);
  const client = new AgentClient(t.url);
  expect((await client.login(a.email, a.password)).status).toBe(200);
  return { ...a, client };
}
async function online(a: { client: AgentClient }) {
  const s = await a.client.socket();
  await s.next('ready');
  return s;
}
async function team(name: string, routing: Team['routing'], members: string[]): Promise<Team> {
  const res = await admin.request('POST', '/api/teams', { name, routing });
  expect(res.status).toBe(200);
  const { team: created } = (await res.json()) as { team: Team };
  const set = await admin.request('PUT', `/api/teams/${created.id}/members`, { agentIds: members });
  expect(set.status).toBe(200);
  return ((await set.json()) as { team: Team }).team;
}
/** A visitor who starts a chat in a team, as the widget does with data-team or a pre-chat choice. */
async function visitorIn(teamId: string | undefined, name = 'Vera Visitor') {
  const session = (await (
    await fetch(`${t.url}/api/visitor/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orgKey: t.orgKey, name }),
    })
  ).json()) as { token: string };
  const conv = (await (
    await fetch(`${t.url}/api/visitor/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      body: JSON.stringify(teamId ? { teamId } : {}),
    })
  ).json()) as { id: string };
  return { token: session.token, conversationId: conv.id };
}
const widgetConfig = async (teamId?: string) =>
  (await (
    await fetch(`${t.url}/api/widget/config?org=${t.orgKey}${teamId ? `&team=${teamId}` : ''}`)
  ).json()) as WidgetConfig;
const presenceOf = async (id: string) =>
  (
    (await (await admin.request('GET', '/api/presence')).json()) as { agents: AgentPresence[] }
  ).agents.find((a) => a.agentId === id);
const conversation = async (id: string) => (await t.server.store.conversations.byId(t.orgId, id))!;

describe('presence and capacity', () => {
  it('is online with a console open, away by hand or after inactivity, offline when the last tab closes', async () => {
    const ada = await signedIn();
    const solo = await team('Presence solo', 'queue', [ada.id]);
    expect((await widgetConfig(solo.id)).available).toBe(false);

    const tab1 = await online(ada);
    const tab2 = await online(ada);
    await adminSocket.next(
      'presence',
      (f) => f.presence.agentId === ada.id && f.presence.status === 'online',
    );
    expect(await presenceOf(ada.id)).toMatchObject({
      status: 'online',
      connected: true,
      maxChats: 3,
    });
    const config = await widgetConfig(solo.id);
    expect(config.available).toBe(true);
    expect(config.teams).toContainEqual({ id: solo.id, name: 'Presence solo' });
    // A team not offered to visitors is not in the pre-chat choice.
    const hidden = await admin.request('POST', '/api/teams', {
      name: 'Internal only',
      visitorChoice: false,
    });
    const hiddenId = ((await hidden.json()) as { team: Team }).team.id;
    expect((await widgetConfig()).teams.map((x) => x.id)).not.toContain(hiddenId);

    // By hand.
    const away = await ada.client.request('PUT', '/api/presence', { status: 'away', maxChats: 4 });
    expect(((await away.json()) as { presence: AgentPresence }).presence).toMatchObject({
      status: 'away',
      idle: false,
      maxChats: 4,
    });
    expect((await widgetConfig(solo.id)).available).toBe(false);
    await ada.client.request('PUT', '/api/presence', { status: 'online' });
    expect((await presenceOf(ada.id))?.status).toBe('online');

    // After inactivity (the server's heartbeat notices; here the last activity is made old).
    await t.server.store.db
      .updateTable('agent_presence')
      .set({ last_active_at: 0 })
      .where('agent_id', '=', ada.id)
      .execute();
    await adminSocket.next(
      'presence',
      (f) => f.presence.agentId === ada.id && f.presence.status === 'away' && f.presence.idle,
      8000,
    );
    await ada.client.request('POST', '/api/presence/activity');
    expect((await presenceOf(ada.id))?.status).toBe('online');

    // One tab closed: still online; the last closed: offline.
    tab1.ws.close();
    await tab1.closed;
    await new Promise((r) => setTimeout(r, 200));
    expect((await presenceOf(ada.id))?.status).toBe('online');
    tab2.ws.close();
    await adminSocket.next(
      'presence',
      (f) => f.presence.agentId === ada.id && f.presence.status === 'offline',
    );
    expect((await widgetConfig(solo.id)).available).toBe(false);
  });

  it("lets only admins set another agent's capacity and refuses other organisations' agents", async () => {
    const ada = await signedIn();
    const bob = await signedIn();
    expect(
      (await bob.client.request('PUT', `/api/agents/${ada.id}/capacity`, { maxChats: 9 })).status,
    ).toBe(403);
    const res = await admin.request('PUT', `/api/agents/${ada.id}/capacity`, { maxChats: 2 });
    expect(((await res.json()) as { presence: AgentPresence }).presence.maxChats).toBe(2);
    expect(
      (await admin.request('PUT', '/api/agents/nobody/capacity', { maxChats: 2 })).status,
    ).toBe(404);
    expect((await bob.client.request('POST', '/api/teams', { name: 'Nope' })).status).toBe(403);
  });
});

describe('teams and routing', () => {
  it('round-robins among online members with capacity, queues beyond it, and assigns when capacity frees', async () => {
    const ada = await signedIn();
    const bob = await signedIn();
    const away = await signedIn(); // a member who is not online gets nothing
    const sales = await team('Sales RR', 'round_robin', [ada.id, bob.id, away.id]);
    const adaSocket = await online(ada);
    const bobSocket = await online(bob);
    await ada.client.request('PUT', '/api/presence', { status: 'online', maxChats: 2 });
    await bob.client.request('PUT', '/api/presence', { status: 'online', maxChats: 1 });

    const chats: { token: string; conversationId: string }[] = [];
    for (let i = 0; i < 4; i++) chats.push(await visitorIn(sales.id));
    await expect
      .poll(
        async () =>
          (await Promise.all(chats.map((c) => conversation(c.conversationId)))).filter(
            (c) => c.status === 'active',
          ).length,
        { timeout: 5000 },
      )
      .toBe(3);
    const rows = await Promise.all(chats.map((c) => conversation(c.conversationId)));
    const owners = rows.map((r) => r.agentId);
    expect(owners.filter((o) => o === ada.id).length).toBe(2);
    expect(owners.filter((o) => o === bob.id).length).toBe(1);
    expect(owners).not.toContain(away.id);
    // Alternating, not one agent filled first.
    expect(owners[0]).not.toBe(owners[1]);
    expect(rows[3]?.status).toBe('waiting');
    expect(rows[0]?.teamId).toBe(sales.id);
    // The assigned agent is told through the conversation frame.
    await adaSocket.next(
      'conversation',
      (f) => f.conversation.agent?.id === ada.id && f.conversation.teamId === sales.id,
    );

    // Bob closes his chat: the waiting one goes to him at once.
    const bobs = rows.find((r) => r.agentId === bob.id)!;
    expect((await bob.client.request('POST', `/api/conversations/${bobs.id}/close`)).status).toBe(
      200,
    );
    await expect
      .poll(async () => (await conversation(chats[3]!.conversationId)).agentId, { timeout: 5000 })
      .toBe(bob.id);
    adaSocket.ws.close();
    bobSocket.ws.close();
  });

  it('gives the least busy online member the chat, and leaves a shared-queue team to be accepted by hand', async () => {
    const ada = await signedIn();
    const bob = await signedIn();
    const support = await team('Support LB', 'least_busy', [ada.id, bob.id]);
    const queue = await team('Billing queue', 'queue', [ada.id, bob.id]);
    const sockets = [await online(ada), await online(bob)];
    // Ada already has two chats of her own.
    for (let i = 0; i < 2; i++) {
      const v = await visitorIn(undefined);
      expect(
        (await ada.client.request('POST', `/api/conversations/${v.conversationId}/accept`)).status,
      ).toBe(200);
    }
    const first = await visitorIn(support.id);
    await expect
      .poll(async () => (await conversation(first.conversationId)).agentId, { timeout: 5000 })
      .toBe(bob.id);
    const queued = await visitorIn(queue.id);
    await new Promise((r) => setTimeout(r, 600)); // three sweeps
    expect((await conversation(queued.conversationId)).status).toBe('waiting');
    for (const s of sockets) s.ws.close();
  });

  it('escalates a chat that waits too long to its team, then to supervisors, once each', async () => {
    const ada = await signedIn();
    const slow = await team('Escalations', 'queue', [ada.id]);
    await t.server.store.db
      .updateTable('teams')
      .set({ escalate_after_s: 1 })
      .where('id', '=', slow.id)
      .execute();
    const v = await visitorIn(slow.id);
    const first = await adminSocket.next(
      'escalation',
      (f) => f.conversationId === v.conversationId,
      5000,
    );
    expect(first).toMatchObject({ teamId: slow.id, level: 'team' });
    const second = await adminSocket.next(
      'escalation',
      (f) => f.conversationId === v.conversationId && f.level === 'supervisors',
      5000,
    );
    expect(second.waitingSeconds).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 500));
    expect(
      adminSocket.frames.filter(
        (f) => f.type === 'escalation' && f.conversationId === v.conversationId,
      ).length,
    ).toBe(2);
  });
});

describe('transfer', () => {
  it('moves a chat when the receiver accepts: history, audit, the visitor told, the sender no longer replies', async () => {
    const ada = await signedIn();
    const bob = await signedIn();
    const bobSocket = await online(bob);
    const v = await visitorIn(undefined, 'Tom Transfer');
    await ada.client.request('POST', `/api/conversations/${v.conversationId}/accept`);
    const vs = await visitorSocket(t.url, v.token);
    await vs.resume(v.conversationId);

    // Only the holder (or a supervisor) may offer it.
    expect(
      (
        await bob.client.request('POST', `/api/conversations/${v.conversationId}/transfers`, {
          toAgentId: ada.id,
        })
      ).status,
    ).toBe(403);
    const offer = await ada.client.request(
      'POST',
      `/api/conversations/${v.conversationId}/transfers`,
      {
        toAgentId: bob.id,
        note: `Refund for card ${CARD}, order 48213`,
      },
    );
    expect(offer.status).toBe(200);
    const { transfer } = (await offer.json()) as { transfer: Transfer };
    expect(transfer.note).not.toContain('4242 4242');
    expect(transfer.note).not.toContain('48213');
    expect(transfer.status).toBe('pending');
    const live = await bobSocket.next('transfer', (f) => f.transfer.id === transfer.id);
    // After a reload the receiver finds the offer again; the sender does not see it as incoming.
    const incoming = async (c: AgentClient) =>
      (
        (await (await c.request('GET', '/api/transfers/incoming')).json()) as {
          transfers: Transfer[];
        }
      ).transfers.map((x) => x.id);
    expect(await incoming(bob.client)).toContain(transfer.id);
    expect(await incoming(ada.client)).not.toContain(transfer.id);
    expect(live.transfer.from.id).toBe(ada.id);
    expect(
      (
        await ada.client.request('POST', `/api/conversations/${v.conversationId}/transfers`, {
          toAgentId: bob.id,
        })
      ).status,
    ).toBe(409);
    // Not for the sender to accept.
    expect((await ada.client.request('POST', `/api/transfers/${transfer.id}/accept`)).status).toBe(
      403,
    );

    const accepted = await bob.client.request('POST', `/api/transfers/${transfer.id}/accept`);
    expect(accepted.status).toBe(200);
    expect((await conversation(v.conversationId)).agentId).toBe(bob.id);
    const notice = await vs.next(
      'message',
      (m) => m.sender.kind === 'system' && m.text.startsWith('You are now talking to'),
    );
    const bobName = (await t.server.store.agents.byId(t.orgId, bob.id))!.name;
    expect(notice.text).toBe(`You are now talking to ${bobName}.`);
    // By code too, so the widget shows it in the visitor's language (issue 15).
    expect(notice.system).toEqual({ code: 'talking_to', params: { name: bobName } });
    expect(JSON.stringify(vs.frames)).not.toContain('transfer');
    expect(JSON.stringify(vs.frames)).not.toContain('Refund for card');
    expect((await bob.client.request('POST', `/api/transfers/${transfer.id}/accept`)).status).toBe(
      409,
    );

    // The sender's socket can no longer reply (the cached conversation was dropped).
    const adaSocket = await online(ada);
    adaSocket.send({
      type: 'send',
      clientMsgId: 'after-transfer',
      conversationId: v.conversationId,
      text: 'still me?',
    });
    const refused = await adaSocket.next('error', (f) => f.clientMsgId === 'after-transfer');
    expect(refused.code).toBe('forbidden');

    const history = (await (
      await ada.client.request('GET', `/api/conversations/${v.conversationId}/transfers`)
    ).json()) as { transfers: Transfer[] };
    expect(history.transfers.map((x) => [x.status, x.resolvedBy?.id])).toEqual([
      ['accepted', bob.id],
    ]);
    const entries = await t.server.store.audit.list(t.orgId, { limit: 50 });
    const actions = entries.filter((e) => e.resourceId === v.conversationId).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['conversation.transfer_offer', 'conversation.transfer_accept']),
    );
    adaSocket.ws.close();
    bobSocket.ws.close();
    vs.ws.close();
  });

  it('returns a chat when a team member declines or nobody answers in time', async () => {
    const ada = await signedIn();
    const bob = await signedIn();
    const outsider = await signedIn();
    const care = await team('Care', 'queue', [bob.id]);
    const v = await visitorIn(undefined);
    await ada.client.request('POST', `/api/conversations/${v.conversationId}/accept`);
    const offer = async () =>
      (
        (await (
          await ada.client.request('POST', `/api/conversations/${v.conversationId}/transfers`, {
            toTeamId: care.id,
            note: 'VIP',
          })
        ).json()) as { transfer: Transfer }
      ).transfer;

    const first = await offer();
    expect(first.toTeam?.id).toBe(care.id);
    expect(
      (await outsider.client.request('POST', `/api/transfers/${first.id}/accept`)).status,
    ).toBe(403);
    const declined = await bob.client.request('POST', `/api/transfers/${first.id}/decline`);
    expect(((await declined.json()) as { transfer: Transfer }).transfer.status).toBe('declined');
    expect((await conversation(v.conversationId)).agentId).toBe(ada.id);

    const second = await offer();
    await t.server.store.db
      .updateTable('conversation_transfers')
      .set({ expires_at: 0 })
      .where('id', '=', second.id)
      .execute();
    const expired = await adminSocket.next(
      'transfer',
      (f) => f.transfer.id === second.id && f.transfer.status === 'expired',
      5000,
    );
    expect(expired.transfer.resolvedBy).toBeNull();
    expect((await bob.client.request('POST', `/api/transfers/${second.id}/accept`)).status).toBe(
      409,
    );
    expect((await conversation(v.conversationId)).agentId).toBe(ada.id);
    const entries = await t.server.store.audit.list(t.orgId, { limit: 50 });
    expect(entries.filter((e) => e.resourceId === v.conversationId).map((e) => e.action)).toEqual(
      expect.arrayContaining(['conversation.transfer_decline', 'conversation.transfer_expire']),
    );
  });
});
