import type { Kysely, Migration } from 'kysely';

/**
 * The fingerprints of the installation's keys (issue 10: every node must hold
 * the same data, audit and secrets keys). The first node to start records an
 * HMAC of a fixed label under each key; a node whose keys give other
 * fingerprints refuses to start instead of writing what the others cannot
 * read or verify. A fingerprint reveals nothing about its key. Additive only.
 */
export const installationKeys: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('installation_keys')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('installation_keys').execute();
  },
};
