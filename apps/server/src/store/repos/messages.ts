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
