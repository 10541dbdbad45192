import type { Kysely, Migration } from 'kysely';

/**
 * The agent's desk, collaboration (issue 14 item 3; docs/desk.md "Supervisors"):
 * `conversation_participants` lists the supervisors who joined a conversation they do not
 * hold, so that a reload (on any node) knows they may reply there.
 */
export const deskCollab: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('conversation_participants')
      .addColumn('conversation_id', 'text', (c) =>
        c.notNull().references('conversations.id').onDelete('cascade'),
      )
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('joined_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('conversation_participants_pk', ['conversation_id', 'agent_id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('conversation_participants').execute();
  },
};
