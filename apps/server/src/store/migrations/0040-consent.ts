import type { Kysely, Migration } from 'kysely';

/**
 * Pre-chat consent (issue 12 item 1, docs/privacy.md): the organisation's
 * settings, every version of the consent text (a new text is a new version;
 * past consents keep theirs), and each consent a visitor gave. A consent's
 * evidence is sealed under the visitor's data key, so erasing the visitor
 * shreds it too; the row keeps only ids, the version and the times.
 * Additive only.
 */
export const consent: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('consent_settings')
      .addColumn('org_id', 'text', (c) => c.primaryKey())
      .addColumn('required', 'integer', (c) => c.notNull())
      .addColumn('current_version', 'integer', (c) => c.notNull())
      .addColumn('on_withdrawal', 'text', (c) => c.notNull()) // erase | close
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .execute();
    await db.schema
      .createTable('consent_versions')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('privacy_url', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addPrimaryKeyConstraint('consent_versions_pk', ['org_id', 'version'])
      .execute();
    await db.schema
      .createTable('consents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('visitor_id', 'text', (c) => c.notNull())
      .addColumn('conversation_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('given_at', 'bigint', (c) => c.notNull())
      .addColumn('withdrawn_at', 'bigint')
      // Sealed JSON (data key of the visitor): the text's SHA-256, the link and the browser.
      .addColumn('evidence', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('consents_conversation')
      .on('consents')
      .columns(['org_id', 'conversation_id'])
      .execute();
    await db.schema
      .createIndex('consents_visitor')
      .on('consents')
      .columns(['org_id', 'visitor_id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('consents').execute();
    await db.schema.dropTable('consent_versions').execute();
    await db.schema.dropTable('consent_settings').execute();
  },
};
