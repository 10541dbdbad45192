import type { Kysely, Migration } from 'kysely';

/** Files in the chat (docs/files.md): one row per file, the bytes in the file storage; per-organisation settings. */
export const files: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('files')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) =>
        c.notNull().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('conversation_id', 'text', (c) =>
        c.notNull().references('conversations.id').onDelete('cascade'),
      )
      .addColumn('uploader_kind', 'text', (c) => c.notNull())
      .addColumn('uploader_id', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('batch_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('mime', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('block_reason', 'text')
      .addColumn('signature', 'text')
      .addColumn('width', 'integer')
      .addColumn('height', 'integer')
      .addColumn('has_thumb', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('files_client_unique', ['org_id', 'uploader_id', 'client_id'])
      .execute();
    await db.schema
      .createIndex('files_conversation')
      .on('files')
      .columns(['org_id', 'conversation_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('files_due')
      .on('files')
      .columns(['status', 'next_attempt_at'])
      .execute();
    await db.schema
      .createIndex('files_usage')
      .on('files')
      .columns(['org_id', 'uploader_id', 'created_at'])
      .execute();
    await db.schema
      .createTable('file_settings')
      .addColumn('org_id', 'text', (c) =>
        c.primaryKey().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('allowed_types', 'text', (c) => c.notNull())
      .addColumn('max_bytes', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('file_settings').execute();
    await db.schema.dropTable('files').execute();
  },
};
