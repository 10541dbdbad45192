import { afterEach, describe, expect, it } from 'vitest';
import { isSealedData } from './index';
import {
  seedAgent,
  seedOrg,
  seedVisitor,
  storeTargets,
  suiteName,
} from '../../test/store-fixtures';
import type { Store } from './index';

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'routing store'), () => {
    const opened: Store[] = [];
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });
    const one = async () => {
      const s = await target.create();
      opened.push(s);
      return s;
    };
    const waitingChats = async (store: Store, orgId: string, n: number, teamId: string | null) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const v = await seedVisitor(store, orgId);
        ids.push((await store.conversations.create({ orgId, visitorId: v.id, teamId })).id);
      }
      return ids;
    };

    it('keeps teams per organisation with unique names and members of the organisation only', async () => {
      const store = await one();
      const org = await seedOrg(store);
      const other = await seedOrg(store, 'Other');
      const ada = await seedAgent(store, org.id, 'agent', 'Ada');
      const stranger = await seedAgent(store, other.id, 'agent', 'Stranger');
      const base = {
        routing: 'round_robin' as const,
        escalateAfterSeconds: 60,
        visitorChoice: true,
      };
      const sales = await store.routing.createTeam({
        orgId: org.id,
        name: 'Sales',
        ...base,
        now: 1,
      });
      expect(sales).toMatchObject({ name: 'Sales', routing: 'round_robin', memberIds: [] });
      expect(
        await store.routing.createTeam({ orgId: org.id, name: 'Sales', ...base, now: 2 }),
      ).toBeUndefined();
      // The same name in another organisation is another team.
      expect(
        await store.routing.createTeam({ orgId: other.id, name: 'Sales', ...base, now: 3 }),
      ).toBeDefined();
      expect(await store.routing.setMembers(org.id, sales!.id, [ada.id, stranger.id])).toBe(
        'unknown_agent',
      );
      expect(await store.routing.setMembers(org.id, sales!.id, [ada.id, ada.id])).toMatchObject({
        memberIds: [ada.id],
      });
      expect(await store.routing.teamById(other.id, sales!.id)).toBeUndefined();
      expect(
        await store.routing.updateTeam(other.id, sales!.id, { name: 'X', ...base }),
      ).toBeUndefined();
      // A conversation of a team from another organisation lands in the shared queue.
      const v = await seedVisitor(store, other.id);
      const conv = await store.conversations.create({
        orgId: other.id,
        visitorId: v.id,
        teamId: sales!.id,
      });
      expect(conv.teamId).toBeNull();
      const [mine] = await waitingChats(store, org.id, 1, sales!.id);
      expect((await store.conversations.byId(org.id, mine!))?.teamId).toBe(sales!.id);
      // Deleting the team returns its chats to the shared queue.
      expect(await store.routing.deleteTeam(org.id, sales!.id)).toBe(true);
      expect((await store.conversations.byId(org.id, mine!))?.teamId).toBeNull();
    });

    it('derives connections from fresh links of every node and forgets a dead node', async () => {
      const store = await one();
      const org = await seedOrg(store);
      const ada = await seedAgent(store, org.id, 'agent', 'Ada');
      await store.routing.setLink('node-a', org.id, ada.id, 2, 1000);
      await store.routing.setLink('node-b', org.id, ada.id, 1, 1000);
      let [row] = await store.routing.presence(org.id, 500, [ada.id]);
      expect(row).toMatchObject({ connected: true, choice: 'online', maxChats: 3 });
      await store.routing.setLink('node-a', org.id, ada.id, 0, 2000);
      await store.routing.heartbeat('node-b', 5000);
      [row] = await store.routing.presence(org.id, 4000, [ada.id]);
      expect(row?.connected).toBe(true);
      // node-b stops beating: its link is stale and pruned.
      expect(await store.routing.pruneLinks(9000)).toEqual([{ orgId: org.id, agentId: ada.id }]);
      [row] = await store.routing.presence(org.id, 0, [ada.id]);
      expect(row?.connected).toBe(false);
      // The announced status changes once: the second caller with the same status loses.
      expect(await store.routing.markShown(org.id, ada.id, 'online')).toBe(true);
      expect(await store.routing.markShown(org.id, ada.id, 'online')).toBe(false);
    });

    it('never assigns one chat twice nor an agent over capacity, with concurrent assigners on two nodes', async () => {
      const [a, b] = await target.createNodes(2);
      opened.push(a!, b!);
      const org = await seedOrg(a!);
      const ada = await seedAgent(a!, org.id, 'agent', 'Ada');
      const bob = await seedAgent(a!, org.id, 'agent', 'Bob');
      await a!.routing.setChoice(org.id, ada.id, 'online', 3, 1);
      await a!.routing.setChoice(org.id, bob.id, 'online', 2, 1);
      const chats = await waitingChats(a!, org.id, 12, null);
      // Every node tries every chat with every agent at once.
      const attempts = [];
      for (const chat of chats)
        for (const store of [a!, b!])
          for (const agent of [ada, bob])
            attempts.push(
              store.routing
                .tryAssign(org.id, chat, agent.id, Date.now())
                .then((r) => ({ chat, agent: agent.id, r })),
            );
      const results = await Promise.all(attempts);
      const won = results.filter((r) => r.r === 'assigned');
      expect(won.length).toBe(5);
      expect(new Set(won.map((w) => w.chat)).size).toBe(5);
      const counts = (await a!.routing.presence(org.id, 0)).map((p) => [p.name, p.activeChats]);
      expect(counts).toEqual([
        ['Ada', 3],
        ['Bob', 2],
      ]);
      for (const w of won)
        expect((await b!.conversations.byId(org.id, w.chat))?.agentId).toBe(w.agent);
      expect((await a!.routing.waiting(100)).length).toBe(7);
    });

    it('escalates once per level and accepts a transfer once, moving the chat only from its sender', async () => {
      const store = await one();
      const org = await seedOrg(store);
      const ada = await seedAgent(store, org.id, 'agent', 'Ada');
      const bob = await seedAgent(store, org.id, 'agent', 'Bob');
      const cat = await seedAgent(store, org.id, 'agent', 'Cat');
      const [chat] = await waitingChats(store, org.id, 1, null);
      expect(await store.routing.escalate(org.id, chat!, 1)).toBe(true);
      expect(await store.routing.escalate(org.id, chat!, 1)).toBe(false);
      expect(await store.routing.escalate(org.id, chat!, 2)).toBe(true);
      expect(await store.conversations.accept(org.id, chat!, ada.id, 10)).toBe(true);
      expect(await store.routing.escalate(org.id, chat!, 3)).toBe(false);

      const input = {
        orgId: org.id,
        conversationId: chat!,
        fromAgentId: ada.id,
        toAgentId: bob.id,
        toTeamId: null,
        note: 'wants a refund',
        noteMasked: [],
        now: 1000,
        expiresAt: Date.now() + 60_000,
      };
      const t = await store.routing.createTransfer(input);
      if (t === 'pending') throw new Error('unexpected pending');
      expect(t).toMatchObject({
        fromAgentName: 'Ada',
        toAgentName: 'Bob',
        note: 'wants a refund',
        status: 'pending',
      });
      // The note is sealed at rest (law 9).
      const raw = await store.db
        .selectFrom('conversation_transfers')
        .select('note')
        .executeTakeFirstOrThrow();
      expect(isSealedData(raw.note)).toBe(true);
      expect(await store.routing.createTransfer({ ...input, toAgentId: cat.id })).toBe('pending');

      const answers = await Promise.all([
        store.routing.acceptTransfer(org.id, t.id, bob.id, Date.now()),
        store.routing.acceptTransfer(org.id, t.id, bob.id, Date.now()),
      ]);
      expect(answers.sort()).toEqual(['answered', 'ok']);
      expect((await store.conversations.byId(org.id, chat!))?.agentId).toBe(bob.id);

      // A second offer from the old holder cannot move it any more.
      const stale = await store.routing.createTransfer({ ...input, toAgentId: cat.id, now: 2000 });
      if (stale === 'pending') throw new Error('unexpected pending');
      expect(await store.routing.acceptTransfer(org.id, stale.id, cat.id, Date.now())).toBe(
        'moved',
      );
      expect((await store.routing.transferById(org.id, stale.id))?.status).toBe('pending');
      expect(
        await store.routing.resolveTransfer(org.id, stale.id, 'expired', null, Date.now()),
      ).toBe(true);
      expect(
        await store.routing.resolveTransfer(org.id, stale.id, 'declined', cat.id, Date.now()),
      ).toBe(false);
      // Overdue offers are found for the sweep.
      const late = await store.routing.createTransfer({
        ...input,
        fromAgentId: bob.id,
        toAgentId: cat.id,
        now: 3000,
        expiresAt: 5,
      });
      if (late === 'pending') throw new Error('unexpected pending');
      expect(await store.routing.overdueTransfers(Date.now(), 10)).toEqual([
        { orgId: org.id, id: late.id },
      ]);
      expect(await store.routing.acceptTransfer(org.id, late.id, cat.id, Date.now())).toBe(
        'answered',
      );
      expect((await store.routing.transfers(org.id, chat!)).map((x) => x.status)).toEqual([
        'accepted',
        'expired',
        'pending',
      ]);
    });
  });
}
