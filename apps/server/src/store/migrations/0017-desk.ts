import type { Kysely, Migration } from 'kysely';

/**
 * The agent's desk (issue 14): internal notes and canned replies.
 *
 * Notes are their own table, not messages: a note has no seq in the
 * conversation, so no visitor path (resume, history, the bus topic of the
 * conversation) can ever return one (item 4). Canned replies are per
 * organisation (`scope` '') or per team (`scope` the team id); the shortcut is
 * unique within its scope.
 */
export const desk: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('conversation_notes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) =>
        c.notNull().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('conversation_id', 'text', (c) =>
        c.notNull().references('conversations.id').onDelete('cascade'),
      )
      .addColumn('author_id', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('masked', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('conversation_notes_client_unique', ['org_id', 'author_id', 'client_id'])
      .execute();
    await db.schema
      .createIndex('conversation_notes_conversation')
      .on('conversation_notes')
      .columns(['org_id', 'conversation_id', 'created_at'])
      .execute();
    await db.schema
      .createTable('canned_replies')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) =>
        c.notNull().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('shortcut', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('masked', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('canned_replies_shortcut_unique', ['org_id', 'scope', 'shortcut'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('canned_replies').execute();
    await db.schema.dropTable('conversation_notes').execute();
  },
};
