import type { Kysely, Migration } from 'kysely';

/**
 * The masker's state per sender and conversation (DESIGN.md law 1): which pieces of a card split
 * over messages are still held. It holds no digit (a length and two Luhn sums per piece), and it is
 * written in the same transaction as the message that changed it, so every node decides alike.
 */
export const maskState: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('mask_state')
      .addColumn('conversation_id', 'text', (c) =>
        c.notNull().references('conversations.id').onDelete('cascade'),
      )
      .addColumn('sender_key', 'text', (c) => c.notNull())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('mask_state_pk', ['conversation_id', 'sender_key'])
      .execute();
    // What the masker must know of the digits in a visitor's name (hidden for good) so that a card
    // split between the name and a message is still joined; copied into each new conversation.
    await db.schema
      .createTable('visitor_mask_state')
      .addColumn('visitor_id', 'text', (c) =>
        c.primaryKey().references('visitors.id').onDelete('cascade'),
      )
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('visitor_mask_state').execute();
    await db.schema.dropTable('mask_state').execute();
  },
};
