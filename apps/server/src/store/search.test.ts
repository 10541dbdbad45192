// Issue 14 item 10: history and search. The blind index holds keyed hashes of normalised words,
// written in the message's transaction, scoped by organisation, never a masked value, deleted by
// erasure and retention; the history pages by cursor and filters on both dialects.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { seedConversation, seedOrg, storeTargets, suiteName } from '../../test/store-fixtures';
import { indexableWords, queryTerms } from './index';
import type { HistoryFilter, NewMessage, Store } from './index';

const unique = () => randomBytes(5).toString('hex');

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

async function say(store: Store, orgId: string, conversationId: string, text: string) {
  const [r] = await store.messages.appendBatch([message(orgId, conversationId, text)], Date.now());
  if (!r?.ok) throw new Error('append failed');
}

async function find(store: Store, orgId: string, query: string, filter: HistoryFilter = {}) {
  const key = await store.dataKeys.searchKey(orgId);
  const page = await store.search.history(orgId, {
    filter,
    terms: queryTerms(key, query),
    limit: 50,
  });
  return page.rows.map((r) => r.id);
}

describe('blind index words', () => {
  it('case-folds, strips accents and never yields a masked value or the digits beside it', () => {
    expect(indexableWords('Café CAFÉ naïve Straße')).toEqual(['cafe', 'naive', 'strasse']);
    // The masker's output for a card, an expiry and a CVV: only the words around them remain.
    expect(
      indexableWords('card •••• •••• •••• 4242 exp [expiry hidden] cvv [CVV hidden] 5555 55•• ok'),
    ).toEqual(['card', 'exp', 'cvv', 'ok']);
    expect(indexableWords('order 12345 shipped')).toEqual(['order', '12345', 'shipped']);
  });
});

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'history and search'), () => {
    const open: Store[] = [];
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });
    const fresh = async () => {
      const store = await target.create();
      open.push(store);
      return store;
    };

    it('finds a conversation by its words (AND), in no other organisation, and stores no word in clear', async () => {
      const store = await fresh();
      const word = `zebra${unique()}`;
      const a = await seedConversation(store);
      const b = await seedConversation(store, a.orgId);
      const other = await seedConversation(store);
      await say(store, a.orgId, a.conversation.id, `The ${word} parcel is LATE`);
      await say(store, a.orgId, b.conversation.id, `another ${word} question`);
      await say(store, other.orgId, other.conversation.id, `The ${word} parcel is late`);

      expect(await find(store, a.orgId, word.toUpperCase())).toEqual([
        b.conversation.id,
        a.conversation.id,
      ]);
      expect(await find(store, a.orgId, `parcel ${word} late`)).toEqual([a.conversation.id]);
      expect(await find(store, a.orgId, `parcel nothing-like-it`)).toEqual([]);
      expect(await find(store, other.orgId, word)).toEqual([other.conversation.id]);
      const raw = JSON.stringify(await store.db.selectFrom('search_terms').selectAll().execute());
      expect(raw).not.toContain(word);
      expect(raw).not.toContain('parcel');
      // Hashes differ between organisations: one org's term rows say nothing about another's.
      const terms = await store.db.selectFrom('search_terms').select(['org_id', 'term']).execute();
      const of = (org: string) => new Set(terms.filter((t) => t.org_id === org).map((t) => t.term));
      const shared = [...of(a.orgId)].filter((t) => of(other.orgId).has(t));
      expect(shared).toEqual([]);
    });

    it('never indexes a masked card: its visible last four find nothing', async () => {
      const store = await fresh();
      const c = await seedConversation(store);
      await say(store, c.orgId, c.conversation.id, 'my card •••• •••• •••• 4242 please');
      expect(await find(store, c.orgId, 'please')).toEqual([c.conversation.id]);
      expect(await find(store, c.orgId, '4242')).toEqual([]);
      expect(await store.search.termCount(c.orgId, c.conversation.id)).toBe(3); // my, card, please
    });

    it('pages newest first by cursor, with and without a query, every conversation once', async () => {
      const store = await fresh();
      const org = await seedOrg(store);
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const c = await seedConversation(store, org.id);
        await say(store, org.id, c.conversation.id, `common words ${i}`);
        ids.push(c.conversation.id);
      }
      const key = await store.dataKeys.searchKey(org.id);
      for (const terms of [[], queryTerms(key, 'common')]) {
        const seen: string[] = [];
        let after;
        for (let pages = 0; pages < 10; pages++) {
          const page = await store.search.history(org.id, {
            filter: {},
            terms,
            limit: 3,
            ...(after && { after }),
          });
          seen.push(...page.rows.map((r) => r.id));
          if (!page.next) break;
          after = page.next;
        }
        expect(new Set(seen).size).toBe(7);
        expect([...seen].sort()).toEqual([...ids].sort());
        const all = await store.search.history(org.id, { filter: {}, terms, limit: 50 });
        expect(all.rows.map((r) => r.id)).toEqual(seen);
        const times = all.rows.map((r) => r.createdAt);
        expect(times).toEqual([...times].sort((x, y) => y - x));
      }
    });

    it('filters by status, date, rating, verified identity, payment and file', async () => {
      const store = await fresh();
      const org = await seedOrg(store);
      const mk = async () => {
        const c = await seedConversation(store, org.id);
        await say(store, org.id, c.conversation.id, 'refund please');
        return c;
      };
      const [closed, rated, paid, filed, verified] = [
        await mk(),
        await mk(),
        await mk(),
        await mk(),
        await mk(),
      ];
      if (!closed || !rated || !paid || !filed || !verified) throw new Error('seed');
      const now = Date.now();
      await store.conversations.close(org.id, closed.conversation.id, now);
      await store.feedback.rate({
        orgId: org.id,
        conversationId: rated.conversation.id,
        visitorId: rated.visitor.id,
        agentId: null,
        score: 5,
        comment: null,
        masked: [],
        now,
      });
      await store.db
        .insertInto('payments')
        .values({
          id: randomUUID(),
          org_id: org.id,
          conversation_id: paid.conversation.id,
          status: 'succeeded',
          amount: 1000,
          currency: 'EUR',
          description: 'test',
          amount_refunded: 0,
          brand: null,
          last4: null,
          gateway_reference: null,
          failure_message: null,
          vault_version: 1,
          created_by: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await store.db
        .insertInto('files')
        .values({
          id: randomUUID(),
          org_id: org.id,
          conversation_id: filed.conversation.id,
          uploader_kind: 'visitor',
          uploader_id: filed.visitor.id,
          client_id: unique(),
          batch_id: unique(),
          name: 'a.png',
          size: 1,
          mime: 'image/png',
          status: 'available',
          block_reason: null,
          signature: null,
          width: null,
          height: null,
          has_thumb: 0,
          attempts: 0,
          next_attempt_at: now,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await store.db
        .insertInto('visitor_identities')
        .values({
          visitor_id: verified.visitor.id,
          org_id: org.id,
          subject_hash: unique(),
          details: '{}',
          verified_at: now,
        })
        .execute();

      for (const query of ['', 'refund']) {
        expect(await find(store, org.id, query, { status: ['closed'] })).toEqual([
          closed.conversation.id,
        ]);
        expect(await find(store, org.id, query, { rating: 5 })).toEqual([rated.conversation.id]);
        expect(await find(store, org.id, query, { hasPayment: true })).toEqual([
          paid.conversation.id,
        ]);
        expect(await find(store, org.id, query, { hasFile: true })).toEqual([
          filed.conversation.id,
        ]);
        expect(await find(store, org.id, query, { verified: true })).toEqual([
          verified.conversation.id,
        ]);
        expect(await find(store, org.id, query, { verified: false })).toHaveLength(4);
        expect(await find(store, org.id, query, { from: now + 60_000 })).toEqual([]);
        expect(await find(store, org.id, query, { to: now + 60_000 })).toHaveLength(5);
      }
      const key = await store.dataKeys.searchKey(org.id);
      const page = await store.search.history(org.id, {
        filter: { verified: true },
        terms: queryTerms(key, 'refund'),
        limit: 5,
      });
      expect(page.rows[0]).toMatchObject({ verified: true, visitorName: 'Val Visitor' });
    });

    it('erasure and retention delete the index rows with the conversation', async () => {
      const store = await fresh();
      const word = `secretword${unique()}`;
      const erased = await seedConversation(store);
      const expired = await seedConversation(store, erased.orgId);
      const kept = await seedConversation(store, erased.orgId);
      for (const c of [erased, expired, kept]) await say(store, c.orgId, c.conversation.id, word);
      expect(await find(store, erased.orgId, word)).toHaveLength(3);

      await store.privacy.erase(
        erased.orgId,
        { conversationIds: [erased.conversation.id], visitorIds: [] },
        Date.now(),
      );
      expect(await store.search.termCount(erased.orgId, erased.conversation.id)).toBe(0);
      await store.retention.deleteConversations(erased.orgId, [expired.conversation.id]);
      expect(await store.search.termCount(erased.orgId, expired.conversation.id)).toBe(0);
      expect(await find(store, erased.orgId, word)).toEqual([kept.conversation.id]);
    });

    it('writes the index in the message transaction: a refused message leaves no term', async () => {
      const store = await fresh();
      const c = await seedConversation(store);
      await store.conversations.close(c.orgId, c.conversation.id, Date.now());
      const [r] = await store.messages.appendBatch(
        [message(c.orgId, c.conversation.id, 'words after closing')],
        Date.now(),
      );
      expect(r).toMatchObject({ ok: false, code: 'conversation_closed' });
      expect(await store.search.termCount(c.orgId, c.conversation.id)).toBe(0);
    });
  });
}
