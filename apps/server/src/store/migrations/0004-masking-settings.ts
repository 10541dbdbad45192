import type { Kysely, Migration } from 'kysely';

/** Per-organisation masking settings: one JSON document per organisation (rules, PAN display, custom rules). */
export const maskingSettings: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('masking_settings')
      .addColumn('org_id', 'text', (c) =>
        c.primaryKey().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('masking_settings').execute();
  },
};
