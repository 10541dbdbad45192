import type { Kysely, Migration } from 'kysely';

/**
 * Offline mode (issue 15 item 2): an organisation's business hours; the contact a customer
 * left with the "leave a message" form (the e-mail address is sealed under the conversation's
 * data key, so erasure shreds it); and the single-use links in reply e-mails that let the
 * customer continue in the chat (only the SHA-256 of a link's token is stored).
 */
export const offline: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('business_hours')
      .addColumn('org_id', 'text', (c) =>
        c.primaryKey().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('time_zone', 'text', (c) => c.notNull())
      .addColumn('week', 'text', (c) => c.notNull())
      .addColumn('offline_text', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('conversation_contacts')
      .addColumn('conversation_id', 'text', (c) =>
        c.primaryKey().references('conversations.id').onDelete('cascade'),
      )
      .addColumn('org_id', 'text', (c) =>
        c.notNull().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('consent_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('continue_links')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) =>
        c.notNull().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('conversation_id', 'text', (c) =>
        c.notNull().references('conversations.id').onDelete('cascade'),
      )
      .addColumn('visitor_id', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('continue_links').execute();
    await db.schema.dropTable('conversation_contacts').execute();
    await db.schema.dropTable('business_hours').execute();
  },
};
