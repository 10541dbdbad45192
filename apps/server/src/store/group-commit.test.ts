import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedConversation, storeTargets, suiteName } from '../../test/store-fixtures';
import { createGroupCommitter } from './group-commit';
import type { AppendResult, NewMessage, Store } from './index';

/** The real store, counting appendBatch calls (= transactions) and their sizes. */
function counting(store: Store) {
  const batches: number[] = [];
  const wrapped: Pick<Store, 'messages'> = {
    messages: {
      ...store.messages,
      appendBatch: (items, now) => {
        batches.push(items.length);
        return store.messages.appendBatch(items, now);
      },
    },
  };
  return { wrapped, batches };
}

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'group commit'), () => {
    let store: Store;
    let orgId: string;
    let conversationId: string;
    const message = (i: number, over: Partial<NewMessage> = {}): NewMessage => ({
      orgId,
      conversationId,
      senderKind: 'system',
      senderId: null,
      clientMsgId: `m${i}`,
      text: `text ${i}`,
      masked: [],
      ...over,
    });
    beforeEach(async () => {
      store = await target.create();
      const seeded = await seedConversation(store);
      orgId = seeded.orgId;
      conversationId = seeded.conversation.id;
    });
    afterEach(async () => {
      await store.close();
    });

    it('commits a lone message at once, in a transaction of its own', async () => {
      const { wrapped, batches } = counting(store);
      const committer = createGroupCommitter(wrapped);
      const result = await committer.append(message(1));
      expect(result).toMatchObject({ ok: true, duplicate: false, message: { seq: 1 } });
      expect(batches).toEqual([1]);
      await committer.close();
    });

    it('groups 200 concurrent appends into far fewer transactions, each acked with its seq', async () => {
      const { wrapped, batches } = counting(store);
      const committer = createGroupCommitter(wrapped);
      // A first message puts a commit in flight; the rest arrive meanwhile, as
      // they would from many sockets.
      const first = committer.append(message(0));
      await Promise.resolve();
      const rest = Array.from({ length: 199 }, (_, i) => committer.append(message(i + 1)));
      const results = await Promise.all([first, ...rest]);
      expect(results.map((r) => r.ok && r.message.seq)).toEqual(results.map((_, i) => i + 1));
      expect(results.map((r) => r.ok && r.message.clientMsgId)).toEqual(
        results.map((_, i) => `m${i}`),
      );
      expect(batches.reduce((a, b) => a + b, 0)).toBe(200);
      expect(batches.length).toBeLessThanOrEqual(5);
      const stored = await store.messages.after(orgId, conversationId, 0, 1000);
      expect(stored.map((m) => m.seq)).toEqual(results.map((_, i) => i + 1));
      await committer.close();
    });

    it('caps the size of a transaction', async () => {
      const { wrapped, batches } = counting(store);
      const committer = createGroupCommitter(wrapped, { maxBatch: 50 });
      await Promise.all(Array.from({ length: 200 }, (_, i) => committer.append(message(i))));
      expect(Math.max(...batches)).toBeLessThanOrEqual(50);
      expect(batches.reduce((a, b) => a + b, 0)).toBe(200);
      await committer.close();
    });

    it('rejects every message of a failed transaction and stores none of them', async () => {
      const committer = createGroupCommitter(store);
      const outcomes = await Promise.allSettled([
        committer.append(message(1)),
        committer.append(message(2, { text: null as unknown as string })),
        committer.append(message(3)),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(await store.messages.after(orgId, conversationId, 0, 10)).toEqual([]);
      // The committer carries on with the next batch.
      const retried = await committer.append(message(1));
      expect(retried).toMatchObject({ ok: true, duplicate: false, message: { seq: 1 } });
      await committer.close();
    });

    it('regression (issue 18 finding 3): a transaction that never answers fails its senders with store_unavailable at the deadline, later appends fail fast instead of queueing behind it, and committing resumes by itself once it settles', async () => {
      // The real store, behind a gate that holds the first transaction like a silent partition.
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let calls = 0;
      const wedged: Pick<Store, 'messages'> = {
        messages: {
          ...store.messages,
          appendBatch: async (items, now) => {
            if (calls++ === 0) await gate;
            return store.messages.appendBatch(items, now);
          },
        },
      };
      const stalls: boolean[] = [];
      const committer = createGroupCommitter(wedged, {
        deadlineMs: 2000, // generous: the commits after the gate are real and the machine may be loaded
        onStall: (i) => stalls.push(i.stalled),
      });
      await expect(committer.append(message(1))).rejects.toMatchObject({
        code: 'store_unavailable',
      });
      await expect(committer.append(message(2))).rejects.toMatchObject({
        code: 'store_unavailable',
      });
      release();
      await committer.flush();
      expect(stalls).toEqual([true, false]);
      // The late transaction did commit: the sender's retry is answered as a duplicate with its seq.
      await expect(committer.append(message(1))).resolves.toMatchObject({
        ok: true,
        duplicate: true,
        message: { seq: 1 },
      });
      await expect(committer.append(message(2))).resolves.toMatchObject({
        ok: true,
        duplicate: false,
        message: { seq: 2 },
      });
      await committer.close();
    });

    it('passes per-message outcomes through: duplicates and refusals', async () => {
      const committer = createGroupCommitter(store);
      const results: AppendResult[] = await Promise.all([
        committer.append(message(1)),
        committer.append(message(1)),
        committer.append(message(2, { conversationId: 'missing' })),
      ]);
      expect(results[0]).toMatchObject({ ok: true, duplicate: false, message: { seq: 1 } });
      expect(results[1]).toMatchObject({ ok: true, duplicate: true, message: { seq: 1 } });
      expect(results[2]).toEqual({ ok: false, code: 'conversation_not_found' });
      await committer.close();
    });

    it('flush waits for everything appended; close refuses new appends', async () => {
      const committer = createGroupCommitter(store);
      let acked = 0;
      const pending = Array.from({ length: 20 }, (_, i) =>
        committer.append(message(i)).then(() => (acked += 1)),
      );
      await committer.flush();
      expect(acked).toBe(20);
      await Promise.all(pending);
      await committer.close();
      await expect(committer.append(message(99))).rejects.toMatchObject({
        code: 'server_shutting_down',
      });
    });
  });
}
