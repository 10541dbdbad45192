import type { Kysely, Migration } from 'kysely';

/**
 * The widget's branding per organisation (issue 15 item 6, docs/widget.md "Branding"): one JSON
 * document (colour, position, launcher, texts per language), validated by modules/orgs before it
 * is written. Additive only.
 */
export const branding: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('widget_branding')
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
    await db.schema.dropTable('widget_branding').execute();
  },
};
