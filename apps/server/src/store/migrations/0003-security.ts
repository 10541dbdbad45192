import type { Kysely, Migration } from 'kysely';

/**
 * Agent access security: second factors, recovery codes, sign-in throttling,
 * per-organisation security settings, security events and the hash-chained
 * audit log. New tables only (no change to the chat tables), so the migration
 * is safe beside the others.
 */
export const security: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('agent_mfa')
      .addColumn('agent_id', 'text', (c) =>
        c.primaryKey().references('agents.id').onDelete('cascade'),
      )
      .addColumn('org_id', 'text', (c) =>
        c.notNull().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('totp_secret', 'text')
      .addColumn('pending_secret', 'text')
      .addColumn('enabled_at', 'bigint')
      // Time-step of the last accepted code: a code is never accepted twice.
      .addColumn('last_step', 'bigint')
      .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();

    await db.schema
      .createTable('recovery_codes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) =>
        c.notNull().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('recovery_codes_agent_idx')
      .on('recovery_codes')
      .columns(['agent_id', 'code_hash'])
      .execute();

    // Which sessions passed the second factor (and when).
    await db.schema
      .createTable('session_mfa')
      .addColumn('token_hash', 'text', (c) =>
        c.primaryKey().references('agent_sessions.token_hash').onDelete('cascade'),
      )
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('verified_at', 'bigint', (c) => c.notNull())
      .execute();

    // Failed sign-ins per key ("agent:<id>" or "ip:<address>"); installation-wide.
    await db.schema
      .createTable('auth_throttle')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('first_at', 'bigint', (c) => c.notNull())
      .addColumn('locked_until', 'bigint')
      .execute();

    await db.schema
      .createTable('org_security')
      .addColumn('org_id', 'text', (c) =>
        c.primaryKey().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('mfa_policy', 'text', (c) => c.notNull())
      .addColumn('ip_allowlist', 'text', (c) => c.notNull())
      .addColumn('webhook_url', 'text')
      .addColumn('webhook_secret', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('security_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('agent_id', 'text')
      .addColumn('ip', 'text')
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('security_events_org_idx')
      .on('security_events')
      .columns(['org_id', 'created_at'])
      .execute();

    // Append-only; (org_id, seq) is the chain position and the concurrency guard.
    await db.schema
      .createTable('audit_log')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor_kind', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('ip', 'text')
      .addColumn('resource_type', 'text')
      .addColumn('resource_id', 'text')
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_log_pk', ['org_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('audit_log_org_at_idx')
      .on('audit_log')
      .columns(['org_id', 'at'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    for (const table of [
      'audit_log',
      'security_events',
      'org_security',
      'auth_throttle',
      'session_mfa',
      'recovery_codes',
      'agent_mfa',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
