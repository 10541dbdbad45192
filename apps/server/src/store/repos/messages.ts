import type { Kysely } from 'kysely';
import { appendPlan } from '../append-batch';
import type { Connection } from '../connect';
import { selectMessages, toMessage } from '../mappers';
import type { Database, Store } from '../types';

const MAX_PAGE = 1000;

export function messagesRepo(conn: Connection): Store['messages'] {
  const db: Kysely<Database> = conn.db;
  return {
    async appendBatch(items, now) {
      return conn.runInTransaction(appendPlan(db, conn.dialect, items, now));
    },
    async after(orgId, conversationId, afterSeq, limit) {
      const rows = await selectMessages(db)
        .where('m.org_id', '=', orgId)
        .where('m.conversation_id', '=', conversationId)
        .where('m.seq', '>', afterSeq)
        .orderBy('m.seq')
        .limit(Math.min(Math.max(1, limit), MAX_PAGE))
        .execute();
      return rows.map(toMessage);
    },
    async maskState(orgId, conversationId, senderKey) {
      const row = await db
        .selectFrom('mask_state')
        .select(['state', 'version'])
        .where('org_id', '=', orgId)
        .where('conversation_id', '=', conversationId)
        .where('sender_key', '=', senderKey)
        .executeTakeFirst();
      return row ? { state: row.state, version: Number(row.version) } : { state: null, version: 0 };
    },
    async nameMaskState(orgId, visitorId) {
      const row = await db
        .selectFrom('visitor_mask_state')
        .select('state')
        .where('org_id', '=', orgId)
        .where('visitor_id', '=', visitorId)
        .executeTakeFirst();
      return row?.state ?? null;
    },
    async setNameMaskState(orgId, visitorId, state) {
      if (state === null) {
        await db
          .deleteFrom('visitor_mask_state')
          .where('org_id', '=', orgId)
          .where('visitor_id', '=', visitorId)
          .execute();
        return;
      }
      const now = Date.now();
      await db
        .insertInto('visitor_mask_state')
        .values({ visitor_id: visitorId, org_id: orgId, state, updated_at: now })
        .onConflict((oc) => oc.column('visitor_id').doUpdateSet({ state, updated_at: now }))
        .execute();
    },
    async seedMaskState(orgId, conversationId, senderKey, state) {
      await db
        .insertInto('mask_state')
        .values({
          conversation_id: conversationId,
          sender_key: senderKey,
          org_id: orgId,
          state,
          version: 1,
          updated_at: Date.now(),
        })
        .onConflict((oc) => oc.columns(['conversation_id', 'sender_key']).doNothing())
        .execute();
    },
    async maskStates(orgId, conversationId) {
      const found = await db
        .selectFrom('mask_state')
        .select('state')
        .where('org_id', '=', orgId)
        .where('conversation_id', '=', conversationId)
        .execute();
      return found.map((r) => r.state);
    },
    async dropMaskStates(orgId, conversationId) {
      await db
        .deleteFrom('mask_state')
        .where('org_id', '=', orgId)
        .where('conversation_id', '=', conversationId)
        .execute();
    },
    async replaceText(orgId, conversationId, seq, text, masked) {
      const result = await db
        .updateTable('messages')
        .set({ text, masked: JSON.stringify(masked) })
        .where('org_id', '=', orgId)
        .where('conversation_id', '=', conversationId)
        .where('seq', '=', seq)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },
  };
}
