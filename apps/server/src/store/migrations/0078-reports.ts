import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Reports (issue 17 item 6): when an agent first took a conversation and when
 * the first agent reply was stored, so waiting, first-response and handling
 * times are columns read by one aggregate query, not a scan of the messages.
 * Indexes let a range of an organisation's conversations and payments be read
 * in order. Existing conversations get their first response from their
 * messages; when they were taken is not known (null: left out of waiting and
 * handling times). Additive only.
 */
export const reports: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('conversations').addColumn('assigned_at', 'bigint').execute();
    await db.schema.alterTable('conversations').addColumn('first_response_at', 'bigint').execute();
    await sql`update conversations set first_response_at = (
        select min(m.created_at) from messages m
        where m.conversation_id = conversations.id and m.sender_kind = 'agent')
      where first_response_at is null`.execute(db);
    await db.schema
      .createIndex('conversations_org_created')
      .on('conversations')
      .columns(['org_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('payments_org_created')
      .on('payments')
      .columns(['org_id', 'created_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('payments_org_created').execute();
    await db.schema.dropIndex('conversations_org_created').execute();
    await db.schema.alterTable('conversations').dropColumn('first_response_at').execute();
    await db.schema.alterTable('conversations').dropColumn('assigned_at').execute();
  },
};
