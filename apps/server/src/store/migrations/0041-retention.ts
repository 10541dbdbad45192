import type { Kysely, Migration } from 'kysely';

/**
 * Retention (issue 12 item 4, docs/privacy.md): each organisation's periods,
 * a record of every purge run (counts only, never content), the lease that
 * lets exactly one node run a job at a time, and the audit horizon: the last
 * audit entry a purge removed, from which the chain's verification starts.
 * Additive only.
 */
export const retention: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('retention_settings')
      .addColumn('org_id', 'text', (c) => c.primaryKey())
      .addColumn('conversation_days', 'integer')
      .addColumn('conversation_action', 'text', (c) => c.notNull()) // delete | anonymise
      .addColumn('file_days', 'integer')
      .addColumn('security_event_days', 'integer')
      .addColumn('audit_days', 'integer')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .execute();
    await db.schema
      .createTable('retention_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .addColumn('conversations', 'integer', (c) => c.notNull())
      .addColumn('files', 'integer', (c) => c.notNull())
      .addColumn('security_events', 'integer', (c) => c.notNull())
      .addColumn('audit_entries', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('retention_runs_org')
      .on('retention_runs')
      .columns(['org_id', 'started_at'])
      .execute();
    await db.schema
      .createTable('job_leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('audit_horizon')
      .addColumn('org_id', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('audit_horizon').execute();
    await db.schema.dropTable('job_leases').execute();
    await db.schema.dropTable('retention_runs').execute();
    await db.schema.dropTable('retention_settings').execute();
  },
};
