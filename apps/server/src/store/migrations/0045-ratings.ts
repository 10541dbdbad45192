import type { Kysely, Migration } from 'kysely';

/**
 * Ratings (issue 15 item 4): one per conversation, given by its visitor once it is closed.
 * The comment is masked before it is stored and sealed under the conversation's data key
 * (DESIGN.md law 9), so erasing the conversation shreds it; the row goes with the conversation.
 * `agent_id` is the agent who had the conversation, kept for the reports.
 */
export const ratings: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('conversation_ratings')
      .addColumn('conversation_id', 'text', (c) =>
        c.primaryKey().references('conversations.id').onDelete('cascade'),
      )
      .addColumn('org_id', 'text', (c) =>
        c.notNull().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('visitor_id', 'text', (c) => c.notNull())
      .addColumn('agent_id', 'text')
      .addColumn('score', 'integer', (c) => c.notNull())
      .addColumn('comment', 'text')
      .addColumn('masked', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('conversation_ratings_org_time')
      .on('conversation_ratings')
      .columns(['org_id', 'created_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('conversation_ratings').execute();
  },
};
