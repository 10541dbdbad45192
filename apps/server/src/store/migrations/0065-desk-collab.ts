import type { Kysely, Migration } from 'kysely';

/**
 * The agent's desk, collaboration (issue 14 item 3; docs/desk.md "Supervisors"):
 * `conversation_participants` lists the supervisors who joined a conversation they do not
 * hold, so that a reload (on any node) knows they may reply there.
 *
 * Notifications (item 7): `agent_notification_settings` holds each agent's choice of sound and
 * desktop alerts (a JSON object, validated by its protocol schema when read), and
 * `conversation_reads` the last seq each agent has read in each conversation, so unread counts
 * survive a reload and agree on every node.
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
    await db.schema
      .createTable('agent_notification_settings')
      .addColumn('agent_id', 'text', (c) =>
        c.primaryKey().references('agents.id').onDelete('cascade'),
      )
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('conversation_reads')
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('conversation_id', 'text', (c) =>
        c.notNull().references('conversations.id').onDelete('cascade'),
      )
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('read_seq', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('conversation_reads_pk', ['agent_id', 'conversation_id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('conversation_reads').execute();
    await db.schema.dropTable('agent_notification_settings').execute();
    await db.schema.dropTable('conversation_participants').execute();
  },
};
