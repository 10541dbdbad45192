import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { seedAgent, seedConversation, storeTargets, suiteName } from '../../test/store-fixtures';
import { createStore } from './index';
import type { NewMessage, Store } from './index';

// Two Store instances on one database stand for two server nodes: separate
// connections (SQLite handles / PostgreSQL pools) racing on the same rows.

const ROUNDS = 30;

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'two nodes'), () => {
    let nodes: Store[] = [];
    afterEach(async () => {
      for (const node of nodes) await node.close();
      nodes = [];
    });

    it('both migrate a fresh database at once; the second finds nothing to do', async () => {
      nodes = await target.createNodes(3, { migrate: false });
      await Promise.all(nodes.map((n) => n.migrate()));
      await Promise.all(nodes.map((n) => n.migrate()));
      const [a, b] = nodes as [Store, Store];
      const { orgId, conversation } = await seedConversation(a);
      expect((await b.conversations.byId(orgId, conversation.id))?.id).toBe(conversation.id);
    });

    it(`lets exactly one of two agents accept a conversation (${ROUNDS} rounds)`, async () => {
      nodes = await target.createNodes(2);
      const [a, b] = nodes as [Store, Store];
      const { orgId } = await seedConversation(a);
      const agentA = await seedAgent(a, orgId);
      const agentB = await seedAgent(a, orgId);
      for (let round = 0; round < ROUNDS; round++) {
        const { conversation } = await seedConversation(a, orgId);
        const now = Date.now();
        const [wonA, wonB] = await Promise.all([
          a.conversations.accept(orgId, conversation.id, agentA.id, now),
          b.conversations.accept(orgId, conversation.id, agentB.id, now),
        ]);
        expect([wonA, wonB].filter(Boolean)).toHaveLength(1);
        const stored = await b.conversations.byId(orgId, conversation.id);
        expect(stored).toMatchObject({ status: 'active', agentId: wonA ? agentA.id : agentB.id });
      }
    });

    it('gives concurrent appends from two nodes distinct consecutive seqs', async () => {
      nodes = await target.createNodes(2);
      const [a, b] = nodes as [Store, Store];
      const { orgId, conversation } = await seedConversation(a);
      const { conversation: other } = await seedConversation(a, orgId);
      const batch = (node: string, round: number): NewMessage[] =>
        Array.from({ length: 10 }, (_, i) => ({
          orgId,
          // Batches touch two conversations in opposite orders on the two nodes,
          // which would deadlock without locking in a fixed order.
          conversationId: (i % 2 === 0) === (node === 'a') ? conversation.id : other.id,
          senderKind: 'system',
          senderId: null,
          clientMsgId: `${node}-${round}-${i}`,
          text: 'x',
          masked: [],
        }));
      const seqs = new Map<string, number[]>([
        [conversation.id, []],
        [other.id, []],
      ]);
      for (let round = 0; round < ROUNDS; round++) {
        const results = await Promise.all([
          a.messages.appendBatch(batch('a', round), Date.now()),
          b.messages.appendBatch(batch('b', round), Date.now()),
        ]);
        for (const r of results.flat()) {
          expect(r).toMatchObject({ ok: true, duplicate: false });
          if (r.ok) seqs.get(r.message.conversationId)?.push(r.message.seq);
        }
      }
      for (const [id, list] of seqs) {
        const expected = Array.from({ length: ROUNDS * 10 }, (_, i) => i + 1);
        expect([...list].sort((x, y) => x - y)).toEqual(expected);
        const stored = await b.messages.after(orgId, id, 0, 1000);
        expect(stored.map((m) => m.seq)).toEqual(expected);
        expect((await a.conversations.byId(orgId, id))?.lastSeq).toBe(ROUNDS * 10);
      }
    });

    it('stores a clientMsgId sent to two nodes at once only once', async () => {
      nodes = await target.createNodes(2);
      const [a, b] = nodes as [Store, Store];
      const { orgId, visitor, conversation } = await seedConversation(a);
      for (let round = 0; round < ROUNDS; round++) {
        const item: NewMessage = {
          orgId,
          conversationId: conversation.id,
          senderKind: 'visitor',
          senderId: visitor.id,
          clientMsgId: `retry-${round}`,
          text: 'x',
          masked: [],
        };
        const [[ra], [rb]] = await Promise.all([
          a.messages.appendBatch([item], 1),
          b.messages.appendBatch([item], 1),
        ]);
        expect(ra?.ok && rb?.ok && ra.message.id === rb.message.id).toBe(true);
        expect([ra, rb].filter((r) => r?.ok && r.duplicate)).toHaveLength(1);
      }
      expect(await a.messages.after(orgId, conversation.id, 0, 1000)).toHaveLength(ROUNDS);
    });
  });
}

describe('sqlite migrations from separate processes', () => {
  it('three processes migrate one fresh file at once; all succeed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-migrate-'));
    const file = join(dir, 'chat.db');
    const child = fileURLToPath(new URL('../../test/store-migrate-child.ts', import.meta.url));
    try {
      const run = () =>
        promisify(execFile)(process.execPath, ['--import', 'tsx', child, file], {
          timeout: 30_000,
        });
      await Promise.all([run(), run(), run()]);
      const store = await createStore({ kind: 'sqlite', file });
      store.dataKeys.useKeks([randomBytes(32)]);
      try {
        await store.migrate();
        const { orgId, conversation } = await seedConversation(store);
        expect((await store.conversations.byId(orgId, conversation.id))?.lastSeq).toBe(0);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
