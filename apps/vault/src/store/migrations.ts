/** The vault's own migrations; the same list runs on SQLite and PostgreSQL. */
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { Migrator, sql } from 'kysely';
import type { Dialect } from './dialect';

function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_init': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('payments')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('org_id', 'text', (c) => c.notNull())
          .addColumn('conversation_id', 'text', (c) => c.notNull())
          .addColumn('amount', 'integer', (c) => c.notNull())
          .addColumn('currency', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('merchant_name', 'text', (c) => c.notNull())
          .addColumn('frame_ancestors', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('amount_refunded', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('brand', 'text')
          .addColumn('last4', 'text')
          .addColumn('gateway', 'text', (c) => c.notNull())
          .addColumn('gateway_reference', 'text')
          .addColumn('failure_code', 'text')
          .addColumn('failure_message', 'text')
          .addColumn('link_hash', 'text', (c) => c.notNull().unique())
          .addColumn('link_generation', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('link_used_at', 'text')
          .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
          .addColumn('request_hash', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addCheckConstraint('payments_amount_positive', sql`amount > 0`)
          .addCheckConstraint(
            'payments_refund_bounded',
            sql`amount_refunded >= 0 and amount_refunded <= amount`,
          )
          .execute();
        await db.schema
          .createIndex('payments_gateway_reference')
          .on('payments')
          .column('gateway_reference')
          .execute();
        await db.schema
          .createTable('charges')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('payment_id', 'text', (c) => c.notNull().unique().references('payments.id'))
          .addColumn('idempotency_key', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('brand', 'text', (c) => c.notNull())
          .addColumn('last4', 'text', (c) => c.notNull())
          .addColumn('pan_encrypted', 'text')
          .addColumn('gateway_reference', 'text')
          .addColumn('action', 'text')
          .addColumn('failure_code', 'text')
          .addColumn('failure_message', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('refunds')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
          .addColumn('idempotency_key', 'text', (c) => c.notNull())
          .addColumn('request_hash', 'text', (c) => c.notNull())
          .addColumn('amount', 'integer', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('gateway_reference', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('refunds_idempotency', ['payment_id', 'idempotency_key'])
          .execute();
        await db.schema
          .createTable('pay_sessions')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('outbox')
          .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('event_id', 'text', (c) => c.notNull().unique())
          .addColumn('payment_id', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_attempt_at', 'text', (c) => c.notNull())
          .addColumn('delivered_at', 'text')
          .addColumn('last_error', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('outbox_pending')
          .on('outbox')
          .columns(['delivered_at', 'id'])
          .execute();
      },
    },
    // Issue 18: a create whose answer the server never got can be voided by key and attempt.
    '0002_payment_key_voids': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('payments').addColumn('voided_at', 'text').execute();
        // One row per create idempotency key: both create and void upsert it first, which
        // serialises them per key on PostgreSQL (SQLite has one writer anyway).
        await db.schema
          .createTable('payment_keys')
          .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        // Every server call that asked for a key (attempt), and whether the server gave up on it.
        await db.schema
          .createTable('payment_key_attempts')
          .addColumn('idempotency_key', 'text', (c) => c.notNull())
          .addColumn('attempt_id', 'text', (c) => c.notNull())
          .addColumn('voided_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('payment_key_attempts_pk', ['idempotency_key', 'attempt_id'])
          .execute();
      },
    },
    // Issue 16: a declined customer may try again in the same window, so a payment has
    // several charges (attempts), numbered; one attempt per browser idempotency key.
    // Hosted processors (Stripe Payment Element) never show the vault a card, so brand
    // and last four are only known after the processor answers. Processor webhooks are
    // applied once per event id.
    '0003_charge_attempts': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('charges_v3')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
          .addColumn('attempt', 'integer', (c) => c.notNull())
          .addColumn('idempotency_key', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('brand', 'text')
          .addColumn('last4', 'text')
          .addColumn('pan_encrypted', 'text')
          .addColumn('gateway_reference', 'text')
          .addColumn('action', 'text')
          .addColumn('failure_code', 'text')
          .addColumn('failure_message', 'text')
          .addColumn('livemode', 'integer')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('charges_attempt_unique', ['payment_id', 'attempt'])
          .addUniqueConstraint('charges_key_unique', ['payment_id', 'idempotency_key'])
          .execute();
        await sql`insert into charges_v3 (id, payment_id, attempt, idempotency_key, status, brand, last4, pan_encrypted, gateway_reference, action, failure_code, failure_message, created_at, updated_at)
          select id, payment_id, 1, idempotency_key, status, brand, last4, pan_encrypted, gateway_reference, action, failure_code, failure_message, created_at, updated_at from charges`.execute(
          db,
        );
        await db.schema.dropTable('charges').execute();
        await db.schema.alterTable('charges_v3').renameTo('charges').execute();
        await db.schema
          .createIndex('charges_gateway_reference')
          .on('charges')
          .column('gateway_reference')
          .execute();
        await db.schema
          .createTable('processor_events')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('processor', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('received_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    // Issue 12 item 1: a payment record anonymised (erasure or the vault's retention period) keeps
    // only what accounting needs; this marks when, so it is not picked again.
    '0004_payment_anonymised': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('payments').addColumn('anonymised_at', 'text').execute();
      },
    },
  };
}

export async function migrateToLatest(
  db: Kysely<unknown>,
  dialect: Dialect,
  schema?: string,
): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'vault_migrations',
    migrationLockTableName: 'vault_migrations_lock',
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(
      `vault migration ${failed} failed: ${error instanceof Error ? error.message : 'unknown error'}`,
    );
  }
}
