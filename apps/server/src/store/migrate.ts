import { Migrator, sql } from 'kysely';
import type { Kysely, MigrationResultSet } from 'kysely';
import type { Connection } from './connect';
import { migrationProvider } from './migrations';
import type { Database } from './types';

const SQLITE_RETRIES = 10;

// better-sqlite3 waits for a busy lock synchronously, blocking the event loop;
// two stores of one process migrating one file at once would wait on each
// other until the timeout, so they take turns here instead.
const inProcess = new Map<string, Promise<void>>();

/**
 * Brings the schema up to date. Safe on every start and from several processes
 * at once: the first migrates, the others wait for it and find nothing to do.
 */
export async function runMigrations(conn: Connection): Promise<void> {
  const previous = inProcess.get(conn.location) ?? Promise.resolve();
  const current = previous.then(() =>
    conn.dialect === 'sqlite' ? migrateSqlite(conn.db) : migratePostgres(conn),
  );
  const settled = current.catch(() => undefined);
  inProcess.set(conn.location, settled);
  try {
    await current;
  } finally {
    if (inProcess.get(conn.location) === settled) inProcess.delete(conn.location);
  }
}

// PostgreSQL: Kysely's migrator takes an advisory lock, so concurrent
// migrators queue behind one another.
async function migratePostgres(conn: Connection): Promise<void> {
  const migrator = new Migrator({
    db: conn.db,
    provider: migrationProvider,
    // Without a schema Kysely looks for its tables in every schema, and would
    // see another tenant's (or another test's) migration table.
    ...(conn.schema !== undefined ? { migrationTableSchema: conn.schema } : {}),
  });
  check(await migrator.migrateToLatest());
}

// Migrations run inline on the main connection, not on the writer thread
// (sqlite-writer-thread.ts): they are Kysely's migrator, not plans, they run
// once at start before any traffic, and holding the connection takes this
// file's turn (connect.ts), so no writer-thread transaction of this process
// can be open meanwhile.
//
// SQLite has no advisory lock, and Kysely's deferred `begin` lets two processes
// both read "nothing migrated" before either writes (then one fails with
// "table already exists"). BEGIN IMMEDIATE takes the write lock before reading,
// so the second process waits (busy_timeout) and then sees the work done.
async function migrateSqlite(db: Kysely<Database>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const migrator = new Migrator({
            db: conn,
            provider: migrationProvider,
            disableTransactions: true,
          });
          check(await migrator.migrateToLatest());
          await sql`commit`.execute(conn);
        } catch (error) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw error;
        }
      });
      return;
    } catch (error) {
      if (!isSqliteBusy(error) || attempt >= SQLITE_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 150));
    }
  }
}

function check({ error, results }: MigrationResultSet): void {
  if (error === undefined) return;
  // Rethrown as is so that migrateSqlite can recognise SQLITE_BUSY and retry.
  if (isSqliteBusy(error)) throw error as Error;
  const failed = results?.find((r) => r.status === 'Error')?.migrationName;
  throw new Error(`store migration failed${failed !== undefined ? ` at ${failed}` : ''}`, {
    cause: error,
  });
}

function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
  );
}

/** Names of the migrations not yet applied to this store, in order (`parley doctor`). */
export async function pendingMigrations(
  conn: Connection,
): Promise<{ applied: number; pending: string[] }> {
  const migrator = new Migrator({
    db: conn.db,
    provider: migrationProvider,
    ...(conn.schema !== undefined ? { migrationTableSchema: conn.schema } : {}),
  });
  const all = await migrator.getMigrations();
  const pending = all.filter((m) => m.executedAt === undefined).map((m) => m.name);
  return { applied: all.length - pending.length, pending };
}
