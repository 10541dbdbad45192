import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSealedData } from './index';
import { seedAgent, seedConversation, storeTargets, suiteName } from '../../test/store-fixtures';
import type { Store } from './index';

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'desk store'), () => {
    let store: Store;
    beforeEach(async () => {
      store = await target.create();
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores a note once per author and client id, scoped by organisation, apart from messages', async () => {
      const { orgId, conversation } = await seedConversation(store);
      const agent = await seedAgent(store, orgId, 'agent', 'Ada Agent');
      const input = {
        orgId,
        conversationId: conversation.id,
        authorId: agent.id,
        clientId: 'c-1',
        text: 'masked note',
        masked: ['pan'],
        now: 1000,
      };
      const first = await store.desk.addNote(input);
      const again = await store.desk.addNote({ ...input, text: 'other', now: 2000 });
      expect(first.duplicate).toBe(false);
      expect(again).toEqual({ note: first.note, duplicate: true });
      expect(first.note).toMatchObject({
        authorName: 'Ada Agent',
        masked: ['pan'],
        createdAt: 1000,
      });
      await store.desk.addNote({ ...input, clientId: 'c-2', text: 'second', now: 1500 });
      expect((await store.desk.notes(orgId, conversation.id)).map((n) => n.text)).toEqual([
        'masked note',
        'second',
      ]);
      // Sealed under the conversation's data key (law 9), like its messages.
      const raw = await store.db.selectFrom('conversation_notes').select('text').execute();
      expect(raw.every((r) => isSealedData(r.text) && !r.text.includes('second'))).toBe(true);
      const other = await seedConversation(store);
      expect(await store.desk.notes(other.orgId, conversation.id)).toEqual([]);
      // A note is no message: the conversation has none and its sequence did not move.
      expect(await store.messages.after(orgId, conversation.id, 0, 100)).toEqual([]);
      expect((await store.conversations.byId(orgId, conversation.id))?.lastSeq).toBe(0);
    });

    it('records a participant once, in the same transaction as the caller, scoped by organisation', async () => {
      const { orgId, conversation } = await seedConversation(store);
      const sup = await seedAgent(store, orgId, 'supervisor', 'Sam Supervisor');
      const input = { orgId, conversationId: conversation.id, agentId: sup.id, now: 5000 };
      expect(await store.desk.addParticipant(input)).toBe(true);
      expect(await store.desk.addParticipant({ ...input, now: 6000 })).toBe(false);
      expect(await store.desk.participants(orgId, conversation.id)).toEqual([
        {
          conversationId: conversation.id,
          agentId: sup.id,
          agentName: 'Sam Supervisor',
          joinedAt: 5000,
        },
      ]);
      const other = await seedConversation(store);
      expect(await store.desk.participants(other.orgId, conversation.id)).toEqual([]);
      // A rolled-back transaction leaves no participant.
      const admin = await seedAgent(store, orgId, 'admin', 'Ann Admin');
      await expect(
        store.transaction(async (tx) => {
          await store.desk.addParticipant({ ...input, agentId: admin.id }, tx);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect((await store.desk.participants(orgId, conversation.id)).map((p) => p.agentId)).toEqual(
        [sup.id],
      );
    });

    it('counts unread visitor messages from a read mark that only moves forward', async () => {
      const { orgId, conversation } = await seedConversation(store);
      const agent = await seedAgent(store, orgId, 'agent', 'Ada Agent');
      const sup = await seedAgent(store, orgId, 'supervisor', 'Sam Supervisor');
      const say = (senderKind: 'visitor' | 'agent', text: string) =>
        store.messages.appendBatch(
          [
            {
              orgId,
              conversationId: conversation.id,
              senderKind,
              senderId: null,
              clientMsgId: null,
              text,
              masked: [],
            },
          ],
          1,
        );
      // Waiting: nobody holds it, nothing is anybody's unread.
      await say('visitor', 'one');
      expect(await store.desk.unread(orgId, agent.id)).toEqual([]);
      await store.conversations.accept(orgId, conversation.id, agent.id, 10);
      await say('agent', 'two');
      await say('visitor', 'three');
      await say('visitor', 'four');
      const unread = () => store.desk.unread(orgId, agent.id);
      // Visitor messages only: the agent's own reply is no unread.
      expect(await unread()).toEqual([{ conversationId: conversation.id, unread: 3 }]);
      const mark = (agentId: string, seq: number) =>
        store.desk.markRead({ orgId, agentId, conversationId: conversation.id, seq, now: 20 });
      await mark(agent.id, 3);
      expect(await unread()).toEqual([{ conversationId: conversation.id, unread: 1 }]);
      // An older tab's mark does not undo a later read.
      await mark(agent.id, 1);
      expect(await unread()).toEqual([{ conversationId: conversation.id, unread: 1 }]);
      await mark(agent.id, 4);
      expect(await unread()).toEqual([]);
      // A supervisor counts in conversations they joined, from their own mark.
      expect(await store.desk.unread(orgId, sup.id)).toEqual([]);
      await store.desk.addParticipant({
        orgId,
        conversationId: conversation.id,
        agentId: sup.id,
        now: 30,
      });
      expect(await store.desk.unread(orgId, sup.id)).toEqual([
        { conversationId: conversation.id, unread: 3 },
      ]);
      // Another organisation neither reads nor marks this conversation.
      const other = await seedConversation(store);
      await store.desk.markRead({
        orgId: other.orgId,
        agentId: sup.id,
        conversationId: conversation.id,
        seq: 4,
        now: 40,
      });
      expect(await store.desk.unread(orgId, sup.id)).toHaveLength(1);
      expect(await store.desk.unread(other.orgId, agent.id)).toEqual([]);
    });

    it('stores notification settings per agent', async () => {
      const { orgId } = await seedConversation(store);
      const agent = await seedAgent(store, orgId, 'agent', 'Ada Agent');
      expect(await store.desk.notificationSettings(orgId, agent.id)).toBeUndefined();
      await store.desk.setNotificationSettings(orgId, agent.id, '{"a":1}', 1);
      await store.desk.setNotificationSettings(orgId, agent.id, '{"a":2}', 2);
      expect(await store.desk.notificationSettings(orgId, agent.id)).toBe('{"a":2}');
      const other = await seedConversation(store);
      expect(await store.desk.notificationSettings(other.orgId, agent.id)).toBeUndefined();
    });

    it('keeps canned shortcuts unique per scope and organisation', async () => {
      const { orgId } = await seedConversation(store);
      const base = {
        orgId,
        teamId: null,
        shortcut: 'refund',
        title: 'Refund',
        body: 'On its way',
        masked: [],
        createdBy: 'a',
        now: 1,
      };
      const created = await store.desk.cannedCreate(base);
      expect(created?.teamId).toBeNull();
      expect(await store.desk.cannedCreate(base)).toBeUndefined();
      const team = await store.desk.cannedCreate({ ...base, teamId: 'team-1' });
      expect(team?.teamId).toBe('team-1');
      const other = await seedConversation(store);
      expect(await store.desk.cannedCreate({ ...base, orgId: other.orgId })).toBeDefined();
      const hello = await store.desk.cannedCreate({ ...base, shortcut: 'hello' });
      const patch = { shortcut: 'refund', title: 't', body: 'b', masked: [], now: 2 };
      expect(await store.desk.cannedUpdate(orgId, hello!.id, patch)).toBe('taken');
      expect(
        await store.desk.cannedUpdate(orgId, hello!.id, { ...patch, shortcut: 'hi' }),
      ).toMatchObject({ shortcut: 'hi', updatedAt: 2 });
      expect(await store.desk.cannedUpdate(other.orgId, hello!.id, patch)).toBeUndefined();
      expect((await store.desk.cannedList(orgId)).map((r) => r.shortcut)).toEqual([
        'hi',
        'refund',
        'refund',
      ]);
      expect(await store.desk.cannedDelete(other.orgId, hello!.id)).toBe(false);
      expect(await store.desk.cannedDelete(orgId, hello!.id)).toBe(true);
    });
  });
}
