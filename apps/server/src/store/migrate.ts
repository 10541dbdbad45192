import { Migrator } from 'kysely';
import type { Connection } from './connect';
import { migrationProvider } from './migrations';

const SQLITE_RETRIES = 20;

// better-sqlite3 waits for a busy lock synchronously, blocking the event loop;
// two stores of one process migrating one file at once would wait on each
// other until the timeout, so they take turns here instead.
const inProcess = new Map<string, Promise<void>>();

/**
 * Brings the schema up to date. Safe on every start and from several processes:
 * PostgreSQL serialises migrators with an advisory lock; SQLite has no such
 * lock, so a migrator that loses the race for the write lock (SQLITE_BUSY*)
 * retries and then finds nothing to do.
 */
export async function runMigrations(conn: Connection): Promise<void> {
  const previous = inProcess.get(conn.location) ?? Promise.resolve();
  const current = previous.then(() => migrateNow(conn));
  const settled = current.catch(() => undefined);
  inProcess.set(conn.location, settled);
  try {
    await current;
  } finally {
    if (inProcess.get(conn.location) === settled) inProcess.delete(conn.location);
  }
}

async function migrateNow(conn: Connection): Promise<void> {
  const migrator = new Migrator({
    db: conn.db,
    provider: migrationProvider,
    // Without a schema Kysely looks for its tables in every schema, and would
    // see another tenant's (or another test's) migration table.
    ...(conn.schema !== undefined ? { migrationTableSchema: conn.schema } : {}),
  });
  for (let attempt = 0; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (error === undefined) return;
    if (conn.dialect === 'sqlite' && isSqliteBusy(error) && attempt < SQLITE_RETRIES) {
      await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 75));
      continue;
    }
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`store migration failed${failed !== undefined ? ` at ${failed}` : ''}`, { cause: error });
  }
}

function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}
