import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  seedAgent,
  seedConversation,
  seedOrg,
  seedVisitor,
  storeTargets,
  suiteName,
} from '../../test/store-fixtures';
import type { NewMessage, Store } from './index';

function msg(orgId: string, conversationId: string, over: Partial<NewMessage> = {}): NewMessage {
  return {
    orgId,
    conversationId,
    senderKind: 'system',
    senderId: null,
    clientMsgId: null,
    text: 'hello',
    masked: [],
    ...over,
  };
}

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target), () => {
    let store: Store;
    beforeEach(async () => {
      store = await target.create();
    });
    afterEach(async () => {
      await store.close();
    });

    it('migrates idempotently: a second migrate() finds nothing to do', async () => {
      const org = await seedOrg(store);
      await store.migrate();
      await store.migrate();
      expect(await store.orgs.byId(org.id)).toEqual(org);
    });

    it('stores and finds organisations, agents, sessions and visitors', async () => {
      const org = await store.orgs.create({
        name: 'Acme',
        allowedOrigins: ['https://a.example'],
        greeting: 'Hey',
      });
      expect(await store.orgs.byKey(org.key)).toEqual(org);
      const updated = await store.orgs.update(org.id, {
        allowedOrigins: ['https://b.example'],
        name: 'Acme 2',
      });
      expect(updated).toMatchObject({
        name: 'Acme 2',
        allowedOrigins: ['https://b.example'],
        greeting: 'Hey',
      });
      expect((await store.orgs.list()).map((o) => o.id)).toEqual([org.id]);

      const agent = await store.agents.create({
        orgId: org.id,
        email: 'Ada@Example.TEST',
        name: 'Ada',
        role: 'admin',
        passwordHash: 'h',
      });
      expect(agent).toMatchObject({ email: 'ada@example.test', active: true, role: 'admin' });
      expect(await store.agents.byEmail('ADA@example.test')).toEqual(agent);
      await expect(seedAgentWithEmail(store, org.id, 'ada@example.test')).rejects.toThrow();

      const session = await store.sessions.create({
        tokenHash: 'a'.repeat(64),
        agentId: agent.id,
        orgId: org.id,
        csrfToken: 'c',
        createdAt: 1000,
        expiresAt: 9000,
      });
      expect(session).toMatchObject({ lastSeenAt: 1000, revokedAt: null });
      await store.sessions.touch(session.tokenHash, 2000);
      await store.sessions.revoke(session.tokenHash, 3000);
      await store.sessions.revoke(session.tokenHash, 4000);
      expect(await store.sessions.byTokenHash(session.tokenHash)).toMatchObject({
        lastSeenAt: 2000,
        revokedAt: 3000,
      });

      const visitor = await seedVisitor(store, org.id, null);
      await store.visitors.setName(org.id, visitor.id, 'Val');
      expect(await store.visitors.byTokenHash(visitor.tokenHash)).toMatchObject({
        id: visitor.id,
        name: 'Val',
      });
    });

    it('scopes every org query: another organisation sees and changes nothing', async () => {
      const { orgId, visitor, conversation } = await seedConversation(store);
      const other = await seedOrg(store, 'Other');
      const otherAgent = await seedAgent(store, other.id);
      const agent = await seedAgent(store, orgId);

      expect(await store.conversations.byId(other.id, conversation.id)).toBeUndefined();
      expect(await store.conversations.list(other.id)).toEqual([]);
      expect(await store.conversations.listForVisitor(other.id, visitor.id)).toEqual([]);
      expect(await store.visitors.byId(other.id, visitor.id)).toBeUndefined();
      expect(await store.agents.byId(other.id, agent.id)).toBeUndefined();
      expect(await store.agents.list(other.id)).toEqual([otherAgent]);
      await store.visitors.setName(other.id, visitor.id, 'Hijacked');
      expect((await store.visitors.byId(orgId, visitor.id))?.name).toBe(visitor.name);
      await expect(
        store.conversations.create({ orgId: other.id, visitorId: visitor.id }),
      ).rejects.toThrow();

      expect(await store.conversations.accept(other.id, conversation.id, otherAgent.id, 1)).toBe(
        false,
      );
      // An agent of another organisation cannot take it even with the right org id.
      expect(await store.conversations.accept(orgId, conversation.id, otherAgent.id, 1)).toBe(
        false,
      );
      expect(await store.conversations.close(other.id, conversation.id, 1)).toBe(false);
      const [appended] = await store.messages.appendBatch([msg(other.id, conversation.id)], 1);
      expect(appended).toEqual({ ok: false, code: 'conversation_not_found' });

      await store.messages.appendBatch([msg(orgId, conversation.id)], 1);
      expect(await store.messages.after(other.id, conversation.id, 0, 10)).toEqual([]);
      expect(await store.messages.replaceText(other.id, conversation.id, 1, 'x', [])).toBe(false);
      expect((await store.conversations.byId(orgId, conversation.id))?.status).toBe('waiting');
    });

    it('fills visitor and agent names, lists newest first and filters by status', async () => {
      const { orgId, visitor, conversation: first } = await seedConversation(store);
      const agent = await seedAgent(store, orgId, 'agent', 'Ada');
      const { conversation: second } = await seedConversation(store, orgId);
      expect(await store.conversations.accept(orgId, first.id, agent.id, Date.now() + 10)).toBe(
        true,
      );
      expect(await store.conversations.byId(orgId, first.id)).toMatchObject({
        status: 'active',
        agentId: agent.id,
        agentName: 'Ada',
        visitorName: visitor.name,
        visitorId: visitor.id,
      });
      expect((await store.conversations.list(orgId)).map((c) => c.id)).toEqual([
        first.id,
        second.id,
      ]);
      expect(
        (await store.conversations.list(orgId, { status: 'waiting' })).map((c) => c.id),
      ).toEqual([second.id]);
      expect(await store.conversations.list(orgId, { limit: 1 })).toHaveLength(1);
      expect(
        (await store.conversations.listForVisitor(orgId, visitor.id)).map((c) => c.id),
      ).toEqual([first.id]);
      expect(await store.conversations.accept(orgId, first.id, agent.id, 1)).toBe(false);
      expect(await store.conversations.close(orgId, first.id, 5)).toBe(true);
      expect(await store.conversations.close(orgId, first.id, 6)).toBe(false);
      expect(await store.conversations.byId(orgId, first.id)).toMatchObject({
        status: 'closed',
        closedAt: 5,
      });
    });

    it('numbers messages consecutively per conversation, with sender names', async () => {
      const { orgId, visitor, conversation: a } = await seedConversation(store);
      const { conversation: b } = await seedConversation(store, orgId);
      const agent = await seedAgent(store, orgId, 'agent', 'Ada');
      const batch = [
        msg(orgId, a.id, {
          senderKind: 'visitor',
          senderId: visitor.id,
          text: 'hi',
          masked: ['pan'],
        }),
        msg(orgId, b.id),
        msg(orgId, a.id, { senderKind: 'agent', senderId: agent.id }),
      ];
      const results = await store.messages.appendBatch(batch, 42);
      const more = await store.messages.appendBatch([msg(orgId, a.id), msg(orgId, b.id)], 43);
      const seqs = [...results, ...more].map((r) =>
        r.ok ? [r.message.conversationId === a.id ? 'a' : 'b', r.message.seq] : r.code,
      );
      expect(seqs).toEqual([
        ['a', 1],
        ['b', 1],
        ['a', 2],
        ['a', 3],
        ['b', 2],
      ]);

      const stored = await store.messages.after(orgId, a.id, 0, 100);
      expect(stored.map((m) => [m.seq, m.senderKind, m.senderName])).toEqual([
        [1, 'visitor', visitor.name],
        [2, 'agent', 'Ada'],
        [3, 'system', null],
      ]);
      expect(stored[0]).toMatchObject({ text: 'hi', masked: ['pan'], createdAt: 42, orgId });
      expect((await store.messages.after(orgId, a.id, 1, 1)).map((m) => m.seq)).toEqual([2]);
      expect(await store.conversations.byId(orgId, a.id)).toMatchObject({
        lastSeq: 3,
        updatedAt: 43,
      });

      expect(await store.messages.replaceText(orgId, a.id, 1, 'h[masked]', ['pan', 'cvv'])).toBe(
        true,
      );
      expect((await store.messages.after(orgId, a.id, 0, 1))[0]).toMatchObject({
        text: 'h[masked]',
        masked: ['pan', 'cvv'],
      });
    });

    it('stores a repeated clientMsgId once, within one batch and across batches', async () => {
      const { orgId, visitor, conversation } = await seedConversation(store);
      const send = (clientMsgId: string, text = 'x') =>
        msg(orgId, conversation.id, {
          senderKind: 'visitor',
          senderId: visitor.id,
          clientMsgId,
          text,
        });
      const first = await store.messages.appendBatch(
        [send('m1'), send('m1', 'retry'), send('m2')],
        1,
      );
      expect(first.map((r) => r.ok && [r.duplicate, r.message.seq, r.message.clientMsgId])).toEqual(
        [
          [false, 1, 'm1'],
          [true, 1, 'm1'],
          [false, 2, 'm2'],
        ],
      );
      const again = await store.messages.appendBatch([send('m2'), send('m3'), send('m1')], 2);
      expect(again.map((r) => r.ok && [r.duplicate, r.message.seq])).toEqual([
        [true, 2],
        [false, 3],
        [true, 1],
      ]);
      expect(again[0]).toEqual(first[2] && { ...first[2], duplicate: true });
      // The same clientMsgId from another sender is a different message.
      const [fromSystem] = await store.messages.appendBatch(
        [msg(orgId, conversation.id, { clientMsgId: 'm1' })],
        3,
      );
      expect(fromSystem).toMatchObject({ ok: true, duplicate: false, message: { seq: 4 } });
      const [systemAgain] = await store.messages.appendBatch(
        [msg(orgId, conversation.id, { clientMsgId: 'm1' })],
        3,
      );
      expect(systemAgain).toMatchObject({ ok: true, duplicate: true, message: { seq: 4 } });
      // Messages without a clientMsgId are never deduplicated.
      const plain = await store.messages.appendBatch(
        [msg(orgId, conversation.id), msg(orgId, conversation.id)],
        4,
      );
      expect(plain.map((r) => r.ok && r.message.seq)).toEqual([5, 6]);
      expect(await store.messages.after(orgId, conversation.id, 0, 100)).toHaveLength(6);
    });

    it('refuses appends to a closed or missing conversation without failing the rest of the batch', async () => {
      const { orgId, visitor, conversation: open } = await seedConversation(store);
      const { conversation: closed } = await seedConversation(store, orgId);
      const [before] = await store.messages.appendBatch(
        [msg(orgId, closed.id, { senderKind: 'visitor', senderId: visitor.id, clientMsgId: 'k' })],
        1,
      );
      expect(await store.conversations.close(orgId, closed.id, 2)).toBe(true);
      const results = await store.messages.appendBatch(
        [
          msg(orgId, closed.id),
          msg(orgId, 'no-such-conversation'),
          msg(orgId, open.id),
          // A retry of a message stored before the close still gets its ack.
          msg(orgId, closed.id, { senderKind: 'visitor', senderId: visitor.id, clientMsgId: 'k' }),
        ],
        3,
      );
      expect(results[0]).toEqual({ ok: false, code: 'conversation_closed' });
      expect(results[1]).toEqual({ ok: false, code: 'conversation_not_found' });
      expect(results[2]).toMatchObject({ ok: true, duplicate: false, message: { seq: 1 } });
      expect(results[3]).toEqual(before && { ...before, duplicate: true });
      expect(await store.messages.after(orgId, closed.id, 0, 10)).toHaveLength(1);
    });

    it('rolls back the whole batch when the transaction fails', async () => {
      const { orgId, conversation } = await seedConversation(store);
      const bad = msg(orgId, conversation.id, { text: null as unknown as string });
      await expect(
        store.messages.appendBatch([msg(orgId, conversation.id), bad], 1),
      ).rejects.toThrow();
      expect(await store.messages.after(orgId, conversation.id, 0, 10)).toEqual([]);
      expect((await store.conversations.byId(orgId, conversation.id))?.lastSeq).toBe(0);
      const [ok] = await store.messages.appendBatch([msg(orgId, conversation.id)], 2);
      expect(ok).toMatchObject({ ok: true, message: { seq: 1 } });
    });

    it('keeps 600 messages of one batch in order across statement chunks', async () => {
      const { orgId, conversation } = await seedConversation(store);
      const items = Array.from({ length: 600 }, (_, i) =>
        msg(orgId, conversation.id, { clientMsgId: `c${i}`, text: `${i}` }),
      );
      const results = await store.messages.appendBatch(items, 1);
      expect(results.map((r) => r.ok && r.message.seq)).toEqual(items.map((_, i) => i + 1));
      const stored = await store.messages.after(orgId, conversation.id, 0, 1000);
      expect(stored.map((m) => m.text)).toEqual(items.map((i) => i.text));
    });
  });
}

function seedAgentWithEmail(store: Store, orgId: string, email: string) {
  return store.agents.create({ orgId, email, name: 'Dup', role: 'agent', passwordHash: 'h' });
}
