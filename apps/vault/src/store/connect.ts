/** Opens the vault store: PostgreSQL when a URL is given, else SQLite (WAL) in the data dir. */
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import { ensurePrivateDir } from '../lib/files';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrations';
import type { VaultDatabase } from './types';
import type { Dialect } from './dialect';
import { chargesRepo, type ChargesRepo } from './repos/charges';
import { createPaymentsRepo, type PaymentsRepo } from './repos/payments';

export type { Dialect };

export interface VaultStore {
  db: Kysely<VaultDatabase>;
  dialect: Dialect;
  /** Repositories: the queries services run, dialect bound here once. */
  payments: PaymentsRepo;
  charges: ChargesRepo;
  /** The SQLite file, when embedded. */
  file: string | undefined;
  close(): Promise<void>;
}

export interface StoreOptions {
  dataDir: string;
  databaseUrl: string | undefined;
  /** PostgreSQL schema to use as search_path (tests isolate each store in one). */
  schema?: string | undefined;
}

export async function openStore(options: StoreOptions): Promise<VaultStore> {
  if (options.databaseUrl) {
    const poolConfig: pg.PoolConfig = { connectionString: options.databaseUrl, max: 10 };
    if (options.schema) {
      if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error('invalid schema name');
      poolConfig.options = `-c search_path=${options.schema}`;
    }
    const pool = new pg.Pool(poolConfig);
    const db = new Kysely<VaultDatabase>({ dialect: new PostgresDialect({ pool }) });
    await migrateToLatest(db as unknown as Kysely<unknown>, 'postgres', options.schema);
    return {
      db,
      dialect: 'postgres',
      payments: createPaymentsRepo('postgres'),
      charges: chargesRepo,
      file: undefined,
      close: () => db.destroy(),
    };
  }
  // Issue 10 finding 7: the store is 0600 and its directory 0700 whatever existed before.
  // SQLite gives the -wal and -shm files the database file's mode; they are tightened too.
  ensurePrivateDir(options.dataDir);
  const file = join(options.dataDir, 'vault.sqlite');
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  for (const side of [`${file}-wal`, `${file}-shm`]) if (existsSync(side)) chmodSync(side, 0o600);
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Deleted rows are zeroed, not left in freed pages of the file or the WAL.
  sqlite.pragma('secure_delete = ON');
  const db = new Kysely<VaultDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrateToLatest(db as unknown as Kysely<unknown>, 'sqlite');
  return {
    db,
    dialect: 'sqlite',
    payments: createPaymentsRepo('sqlite'),
    charges: chargesRepo,
    file,
    close: () => db.destroy(),
  };
}

/** True when an error is a unique-constraint violation on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
