import type { Kysely, Migration } from 'kysely';

/**
 * E-mail and account self-service (issue 10 items 2, 14, 15): the durable mail
 * queue and its attempt log, single-use unlock links, and two session columns
 * (the browser it signed in from, and when it was locked by the idle timeout).
 * Additive only.
 */
export const mailSelfService: Migration = {
  async up(db: Kysely<unknown>) {
    // One row per e-mail to send. `idempotency_key` makes enqueue at-most-once per intent;
    // `lease_until` lets exactly one node own a send at a time (docs/email.md).
    await db.schema
      .createTable('mail_outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
      .addColumn('to_addr', 'text', (c) => c.notNull())
      .addColumn('template', 'text', (c) => c.notNull())
      // Sealed JSON (AES-256-GCM with the secrets key): links in it are credentials. Emptied once sent.
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_at', 'bigint', (c) => c.notNull())
      .addColumn('lease_until', 'bigint')
      .addColumn('lease_owner', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('mail_outbox_due')
      .on('mail_outbox')
      .columns(['status', 'next_at'])
      .execute();

    await db.schema
      .createTable('mail_attempts')
      .addColumn('outbox_id', 'text', (c) =>
        c.notNull().references('mail_outbox.id').onDelete('cascade'),
      )
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addPrimaryKeyConstraint('mail_attempts_pk', ['outbox_id', 'attempt'])
      .execute();

    // Only the SHA-256 of an unlock token is stored; the token travels once, in the e-mail.
    await db.schema
      .createTable('unlock_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('agent_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();

    await db.schema.alterTable('agent_sessions').addColumn('user_agent', 'text').execute();
    await db.schema.alterTable('agent_sessions').addColumn('locked_at', 'bigint').execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('agent_sessions').dropColumn('locked_at').execute();
    await db.schema.alterTable('agent_sessions').dropColumn('user_agent').execute();
    await db.schema.dropTable('unlock_tokens').execute();
    await db.schema.dropTable('mail_attempts').execute();
    await db.schema.dropTable('mail_outbox').execute();
  },
};
