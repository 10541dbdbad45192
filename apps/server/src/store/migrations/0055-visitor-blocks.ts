import type { Kysely, Migration } from 'kysely';

/**
 * Blocking visitors (issue 11 item 4): a block names a visitor, a network
 * (CIDR; an address is a /32 or /128) or a verified identity (the keyed hash of
 * the host's user id, never the id). Blocks are lifted, never deleted: the list
 * is their history. `visitor_addresses` keeps each visitor's last address so an
 * agent can block "this visitor's address" without ever seeing it; it goes with
 * the visitor (erasure, retention). Additive only.
 */
export const visitorBlocks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('visitor_blocks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('visitor_id', 'text')
      .addColumn('network', 'text')
      .addColumn('subject_hash', 'text')
      .addColumn('conversation_id', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('lifted_at', 'bigint')
      .addColumn('lifted_by', 'text')
      .addColumn('refused', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('visitor_blocks_org_live')
      .on('visitor_blocks')
      .columns(['org_id', 'lifted_at'])
      .execute();
    await db.schema
      .createTable('visitor_addresses')
      .addColumn('visitor_id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('seen_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('visitor_addresses').execute();
    await db.schema.dropTable('visitor_blocks').execute();
  },
};
