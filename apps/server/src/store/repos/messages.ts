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
