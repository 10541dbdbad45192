import type { Kysely, Migration } from 'kysely';

/**
 * The SIEM outbox (issue 17 item 3): one row per audit entry or security event
 * still to be streamed to a channel (syslog). A row only names its source; the
 * message is built from the source row when it is sent, so nothing is copied.
 * It is written in the same transaction as its source, and `lease_until` lets
 * one node at a time own a send (docs/operations.md "SIEM export"). Additive only.
 */
export const siemOutbox: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('siem_outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_at', 'bigint', (c) => c.notNull())
      .addColumn('lease_until', 'bigint')
      .addColumn('lease_owner', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('delivered_at', 'bigint')
      .addUniqueConstraint('siem_outbox_source', ['channel', 'source', 'source_id'])
      .execute();
    await db.schema
      .createIndex('siem_outbox_due')
      .on('siem_outbox')
      .columns(['channel', 'status', 'next_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('siem_outbox').execute();
  },
};
