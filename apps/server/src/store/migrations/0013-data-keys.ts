import type { Kysely, Migration } from 'kysely';

/**
 * Issue 12 (DESIGN.md law 9): one data key per conversation and per visitor, stored only wrapped
 * (AES-256-GCM) by the key-encryption key, which never lives in the database. Erasing an owner
 * deletes its row (secure_delete zeroes the page), so its ciphertexts can no longer be opened.
 * No foreign key to the owner: the key may outlive a row anonymised by retention, and a key
 * erased stays erased.
 */
export const dataKeys: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('data_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('owner_kind', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('kek_id', 'text', (c) => c.notNull())
      .addColumn('wrapped', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('data_keys_owner_unique')
      .on('data_keys')
      .columns(['owner_kind', 'owner_id'])
      .unique()
      .execute();
    await db.schema.createIndex('data_keys_org_idx').on('data_keys').column('org_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('data_keys').execute();
  },
};
