import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Presence, teams, routing and transfer (issue 14 items 1–3; docs/routing.md).
 *
 * - `agent_presence`: what each agent chose, their capacity and the times routing needs.
 * - `agent_links`: open console sockets per node and agent, refreshed by each node's
 *   heartbeat; a row whose heartbeat is stale belongs to a node that died, so "offline
 *   when the last tab closes" holds across nodes without trusting any one node's memory.
 * - `teams`, `team_members`; conversations get their team, when they entered the queue
 *   and how far their wait was escalated.
 * - `conversation_transfers`: at most one pending per conversation (partial unique index).
 */
export const routing: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('agent_presence')
      .addColumn('agent_id', 'text', (c) =>
        c.primaryKey().references('agents.id').onDelete('cascade'),
      )
      .addColumn('org_id', 'text', (c) =>
        c.notNull().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('choice', 'text', (c) => c.notNull().defaultTo('online'))
      .addColumn('max_chats', 'integer', (c) => c.notNull().defaultTo(3))
      .addColumn('last_active_at', 'bigint', (c) => c.notNull())
      .addColumn('last_assigned_at', 'bigint', (c) => c.notNull().defaultTo(0))
      // The status last announced, so that one node (the one whose update wins) announces a change.
      .addColumn('shown', 'text', (c) => c.notNull().defaultTo('offline'))
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('agent_presence_org')
      .on('agent_presence')
      .columns(['org_id'])
      .execute();
    await db.schema
      .createTable('agent_links')
      .addColumn('node_id', 'text', (c) => c.notNull())
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('sockets', 'integer', (c) => c.notNull())
      .addColumn('seen_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('agent_links_pk', ['node_id', 'agent_id'])
      .execute();
    await db.schema
      .createIndex('agent_links_agent')
      .on('agent_links')
      .columns(['agent_id', 'seen_at'])
      .execute();
    await db.schema
      .createTable('teams')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) =>
        c.notNull().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('routing', 'text', (c) => c.notNull())
      .addColumn('escalate_after_s', 'integer', (c) => c.notNull())
      .addColumn('visitor_choice', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('teams_name_unique', ['org_id', 'name'])
      .execute();
    await db.schema
      .createTable('team_members')
      .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'agent_id'])
      .execute();
    await db.schema
      .createIndex('team_members_agent')
      .on('team_members')
      .columns(['agent_id'])
      .execute();
    await db.schema
      .alterTable('conversations')
      .addColumn('team_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
      .execute();
    await db.schema.alterTable('conversations').addColumn('queued_at', 'bigint').execute();
    await db.schema
      .alterTable('conversations')
      .addColumn('escalation', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('conversations_agent_status')
      .on('conversations')
      .columns(['agent_id', 'status'])
      .execute();
    await db.schema
      .createTable('conversation_transfers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) =>
        c.notNull().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('conversation_id', 'text', (c) =>
        c.notNull().references('conversations.id').onDelete('cascade'),
      )
      .addColumn('from_agent_id', 'text', (c) => c.notNull())
      .addColumn('to_agent_id', 'text')
      .addColumn('to_team_id', 'text')
      .addColumn('note', 'text', (c) => c.notNull())
      .addColumn('note_masked', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('resolved_at', 'bigint')
      .addColumn('resolved_by', 'text')
      .execute();
    await db.schema
      .createIndex('conversation_transfers_conversation')
      .on('conversation_transfers')
      .columns(['org_id', 'conversation_id', 'created_at'])
      .execute();
    await sql`create unique index conversation_transfers_one_pending on conversation_transfers
      (conversation_id) where status = 'pending'`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('conversation_transfers').execute();
    await db.schema.dropIndex('conversations_agent_status').execute();
    for (const column of ['escalation', 'queued_at', 'team_id'])
      await db.schema.alterTable('conversations').dropColumn(column).execute();
    await db.schema.dropTable('team_members').execute();
    await db.schema.dropTable('teams').execute();
    await db.schema.dropTable('agent_links').execute();
    await db.schema.dropTable('agent_presence').execute();
  },
};
