import type { Kysely, Migration } from 'kysely';

/**
 * In-chat payments, as far as an agent may know them: status, amount, brand,
 * last four and the gateway reference. Never a PAN or a CVV (DESIGN.md law 2):
 * card data lives only in the vault.
 */
export const payments: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('payments')
      .addColumn('id', 'text', (c) => c.primaryKey()) // the vault's payment id
      .addColumn('org_id', 'text', (c) =>
        c.notNull().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('conversation_id', 'text', (c) =>
        c.notNull().references('conversations.id').onDelete('cascade'),
      )
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('amount_refunded', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('brand', 'text')
      .addColumn('last4', 'text')
      .addColumn('gateway_reference', 'text')
      .addColumn('failure_message', 'text')
      .addColumn('vault_version', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('payments_conversation_idx')
      .on('payments')
      .columns(['org_id', 'conversation_id', 'created_at'])
      .execute();

    // Vault events are delivered at least once; their ids are remembered to drop repeats.
    await db.schema
      .createTable('payment_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('payment_id', 'text', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('payment_settings')
      .addColumn('org_id', 'text', (c) =>
        c.primaryKey().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('currencies', 'text', (c) => c.notNull()) // JSON array of ISO 4217 codes
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>) {
    for (const table of ['payment_settings', 'payment_events', 'payments'])
      await db.schema.dropTable(table).execute();
  },
};
