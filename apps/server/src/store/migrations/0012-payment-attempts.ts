import type { Kysely, Migration } from 'kysely';

/**
 * Issue 16: a payment request has attempts (a declined customer may try again in
 * the same window). The agent sees every attempt — status, brand, last four, the
 * processor's id and mode, never card data — as the vault reports them (JSON).
 */
export const paymentAttempts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('payments')
      .addColumn('attempts', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
  },
};
