import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * The chat tables. Portable across SQLite and PostgreSQL: text ids, bigint
 * millisecond timestamps, integer booleans, JSON stored as text.
 */
export const chat: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('organisations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('key', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('allowed_origins', 'text', (c) => c.notNull())
      .addColumn('greeting', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('agents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) =>
        c.notNull().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('agents_org_idx')
      .on('agents')
      .columns(['org_id', 'name'])
      .execute();

    await db.schema
      .createTable('agent_sessions')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('org_id', 'text', (c) =>
        c.notNull().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('agent_sessions_agent_idx')
      .on('agent_sessions')
      .column('agent_id')
      .execute();

    await db.schema
      .createTable('visitors')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) =>
        c.notNull().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('name', 'text')
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();

    await db.schema
      .createTable('conversations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) =>
        c.notNull().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('visitor_id', 'text', (c) =>
        c.notNull().references('visitors.id').onDelete('cascade'),
      )
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('agent_id', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('closed_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('conversations_org_status_updated_idx')
      .on('conversations')
      .columns(['org_id', 'status', 'updated_at'])
      .execute();
    await db.schema
      .createIndex('conversations_visitor_idx')
      .on('conversations')
      .columns(['visitor_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) =>
        c.notNull().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('conversation_id', 'text', (c) =>
        c.notNull().references('conversations.id').onDelete('cascade'),
      )
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('sender_kind', 'text', (c) => c.notNull())
      .addColumn('sender_id', 'text')
      .addColumn('client_msg_id', 'text')
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('masked', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('messages_conversation_seq_unique')
      .on('messages')
      .columns(['conversation_id', 'seq'])
      .unique()
      .execute();
    // Idempotency backstop for retried sends. Partial: messages without a
    // clientMsgId (system messages) are never deduplicated; coalesce so that a
    // NULL sender still compares equal (NULLs are distinct in unique indexes).
    await sql`create unique index messages_client_msg_unique on messages
      (conversation_id, sender_kind, coalesce(sender_id, ''), client_msg_id)
      where client_msg_id is not null`.execute(db);
  },

  async down(db: Kysely<unknown>) {
    for (const table of [
      'messages',
      'conversations',
      'visitors',
      'agent_sessions',
      'agents',
      'organisations',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
