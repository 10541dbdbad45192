// Issue 12 item 2 (DESIGN.md law 9): message bodies and visitor names reach the store only sealed
// under a data key per conversation or visitor, itself wrapped by a key-encryption key that is not
// in the database. Destroying the data key leaves the content unreadable (crypto-shredding).
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { seedConversation, storeTargets, suiteName } from '../../test/store-fixtures';
import { createDataKeys } from './data-keys';
import { ERASED_TEXT, isSealedData } from './index';
import type { NewMessage, Store } from './index';

const unique = () => randomBytes(6).toString('hex');

function message(orgId: string, conversationId: string, text: string): NewMessage {
  return {
    orgId,
    conversationId,
    senderKind: 'visitor',
    senderId: null,
    clientMsgId: `c-${unique()}`,
    text,
    masked: [],
  };
}

/** Every column of the tables that hold content or keys, as one string. */
async function rawDump(store: Store): Promise<string> {
  const tables = ['messages', 'visitors', 'conversations', 'data_keys'] as const;
  const parts: string[] = [];
  for (const t of tables)
    parts.push(JSON.stringify(await store.db.selectFrom(t).selectAll().execute()));
  return parts.join('\n');
}

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'encryption at rest'), () => {
    const open: Store[] = [];
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });

    it('stores message text and the visitor name only sealed, and reads them back in clear', async () => {
      const [store] = await target.createNodes(1);
      if (!store) throw new Error('no store');
      open.push(store);
      const sentence = `the parcel goes to the blue door ${unique()}`;
      const { orgId, visitor, conversation } = await seedConversation(store);
      const name = `Vera ${unique()}`;
      await store.visitors.setName(orgId, visitor.id, name);
      const [result] = await store.messages.appendBatch(
        [{ ...message(orgId, conversation.id, sentence), senderId: visitor.id }],
        Date.now(),
      );
      expect(result?.ok && result.message.text).toBe(sentence);
      expect(result?.ok && result.message.senderName).toBe(name);

      const raw = await rawDump(store);
      expect(raw).not.toContain(sentence);
      expect(raw).not.toContain(name);
      const row = await store.db.selectFrom('messages').select('text').executeTakeFirstOrThrow();
      expect(isSealedData(row.text)).toBe(true);

      const [read] = await store.messages.after(orgId, conversation.id, 0, 10);
      expect(read?.text).toBe(sentence);
      expect(read?.senderName).toBe(name);
      expect((await store.visitors.byId(orgId, visitor.id))?.name).toBe(name);
      expect((await store.conversations.byId(orgId, conversation.id))?.visitorName).toBe(name);
    });

    it('seals a rewritten (redacted) text too', async () => {
      const [store] = await target.createNodes(1);
      if (!store) throw new Error('no store');
      open.push(store);
      const { orgId, conversation } = await seedConversation(store);
      await store.messages.appendBatch([message(orgId, conversation.id, 'first')], Date.now());
      const replaced = `rewritten words ${unique()}`;
      expect(await store.messages.replaceText(orgId, conversation.id, 1, replaced, [])).toBe(true);
      expect(await rawDump(store)).not.toContain(replaced);
      expect((await store.messages.after(orgId, conversation.id, 0, 10))[0]?.text).toBe(replaced);
    });

    it('gives one key per conversation, shared by every node; another KEK cannot open it', async () => {
      const [a, b] = await target.createNodes(2);
      if (!a || !b) throw new Error('no stores');
      open.push(a, b);
      const { orgId, conversation } = await seedConversation(a);
      const sentence = `two nodes one key ${unique()}`;
      // Both nodes seal for the same new conversation at once: one data key wins.
      await Promise.all([
        a.messages.appendBatch([message(orgId, conversation.id, `${sentence} a`)], Date.now()),
        b.messages.appendBatch([message(orgId, conversation.id, `${sentence} b`)], Date.now()),
      ]);
      const keys = await a.db
        .selectFrom('data_keys')
        .select('id')
        .where('owner_kind', '=', 'conversation')
        .where('owner_id', '=', conversation.id)
        .execute();
      expect(keys).toHaveLength(1);
      const texts = (await b.messages.after(orgId, conversation.id, 0, 10)).map((m) => m.text);
      expect(texts.sort()).toEqual([`${sentence} a`, `${sentence} b`]);

      b.dataKeys.useKeks([randomBytes(32)]);
      await expect(b.messages.after(orgId, conversation.id, 0, 10)).rejects.toThrow(
        /unknown key-encryption key/,
      );
    });

    it('refuses to write content without a key-encryption key (fail closed)', async () => {
      const [store] = await target.createNodes(1);
      if (!store) throw new Error('no store');
      open.push(store);
      const { orgId, conversation } = await seedConversation(store);
      // A store whose KEK was never bound: a fresh DataKeys on the same database.
      const unbound = createDataKeys(store.db);
      await expect(
        unbound.sealMany([
          { owner: { orgId, kind: 'conversation', id: conversation.id }, plain: 'x' },
        ]),
      ).rejects.toThrow(/no key-encryption key/);
    });

    it('destroying the data keys leaves the content unreadable (crypto-shredding)', async () => {
      const [store] = await target.createNodes(1);
      if (!store) throw new Error('no store');
      open.push(store);
      const { orgId, visitor, conversation } = await seedConversation(store);
      await store.messages.appendBatch(
        [{ ...message(orgId, conversation.id, `gone soon ${unique()}`), senderId: visitor.id }],
        Date.now(),
      );
      const destroyed = await store.dataKeys.destroy(orgId, [
        { kind: 'conversation', id: conversation.id },
        { kind: 'visitor', id: visitor.id },
      ]);
      expect(destroyed).toBe(2);
      const [m] = await store.messages.after(orgId, conversation.id, 0, 10);
      expect(m?.text).toBe(ERASED_TEXT);
      expect(m?.senderName).toBeNull();
      expect((await store.visitors.byId(orgId, visitor.id))?.name).toBeNull();
    });
  });
}
