import type { Kysely, Migration } from 'kysely';

/**
 * Covering indexes for the reports (issue 17 item 5). Each report query reads
 * an organisation's range along (org_id, created_at); with every column it
 * sums in the index too, SQLite answers from the index alone instead of
 * reading each row from the table (100,000 conversations: see bench/README.md
 * "Reports"). They replace 0078's narrower indexes, which they start with, so
 * a write still updates one index per table. The ratings join probes a
 * rating by conversation from an index that holds its score.
 */
export const reportIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('conversations_org_created_report')
      .on('conversations')
      .columns([
        'org_id',
        'created_at',
        'status',
        'team_id',
        'agent_id',
        'assigned_at',
        'first_response_at',
        'closed_at',
        'id',
      ])
      .execute();
    await db.schema.dropIndex('conversations_org_created').execute();
    await db.schema
      .createIndex('payments_org_created_report')
      .on('payments')
      .columns([
        'org_id',
        'created_at',
        'conversation_id',
        'status',
        'currency',
        'amount',
        'amount_refunded',
      ])
      .execute();
    await db.schema.dropIndex('payments_org_created').execute();
    await db.schema
      .createIndex('conversation_ratings_conversation_score')
      .on('conversation_ratings')
      .columns(['conversation_id', 'org_id', 'score'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('conversation_ratings_conversation_score').execute();
    await db.schema
      .createIndex('payments_org_created')
      .on('payments')
      .columns(['org_id', 'created_at'])
      .execute();
    await db.schema.dropIndex('payments_org_created_report').execute();
    await db.schema
      .createIndex('conversations_org_created')
      .on('conversations')
      .columns(['org_id', 'created_at'])
      .execute();
    await db.schema.dropIndex('conversations_org_created_report').execute();
  },
};
