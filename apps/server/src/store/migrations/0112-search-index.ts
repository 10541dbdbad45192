import type { Kysely, Migration } from 'kysely';

/**
 * The blind search index (issue 14 item 10): one row per (organisation, keyed word hash,
 * conversation). `created_at` is the conversation's, so one term's rows are read newest first
 * straight from the primary key (cursor pagination without a sort). No text, no word: the term
 * is an HMAC under the organisation's search key, which is a data key wrapped by the KEK.
 */
export const searchIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('search_terms')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('term', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('conversation_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('search_terms_pk', [
        'org_id',
        'term',
        'created_at',
        'conversation_id',
      ])
      .execute();
    await db.schema
      .createIndex('search_terms_conversation')
      .on('search_terms')
      .column('conversation_id')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('search_terms').execute();
  },
};
