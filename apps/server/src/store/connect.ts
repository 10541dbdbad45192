import type { CompiledQuery, Kysely } from 'kysely';
import { connectPostgres, type PgTimeouts } from './postgres';
import { connectSqlite } from './sqlite';
import type { TextReplacement } from './sqlite-writer-thread';
import type { TxExec } from './transaction';
import type { AppendResult, Database, NewMessage } from './types';

/**
 * Where SQLite write transactions run: `thread` (default) on a writer thread
 * with its own connection, so the commit's disk flush does not stop the event
 * loop; `inline` on the main connection, as before the writer thread existed
 * (the escape hatch, also used if the thread cannot start). The environment
 * variable PARLEY_SQLITE_WRITER sets it when the options do not.
 */

/**
 * An append's outcome from a driver; `fromItem`, when set, is the index of the item whose text
 * the stored message holds, i.e. the caller's own text: it need not be read back and opened.
 */
export type DriverAppendResult = AppendResult & { fromItem?: number };
export type SqliteWriterMode = 'thread' | 'inline';

export type StoreOptions =
  | { kind: 'sqlite'; file: string; writer?: SqliteWriterMode }
  | {
      kind: 'postgres';
      url: string;
      schema?: string;
      /** Deadlines of the pool (postgres.ts has the defaults). */
      timeouts?: Partial<PgTimeouts>;
      /** Shown in pg_stat_activity (default `parley-server`). */
      applicationName?: string;
    };

export type { PgTimeouts };

/**
 * A plan is a generator that yields compiled queries and receives their rows.
 * Writing multi-statement transactions this way lets SQLite run them
 * synchronously (no lock held across an await) and PostgreSQL run them
 * asynchronously, from one piece of logic.
 */
export type Plan<T> = Generator<CompiledQuery, T, unknown[]>;

/**
 * One store connection, whichever the dialect (the driver interface:
 * sqlite.ts and postgres.ts implement it). Outages (disk full, connection
 * lost, a deadline passed) reach callers as ParleyError `store_unavailable`;
 * every other error passes unchanged.
 */
export interface Connection {
  readonly dialect: 'sqlite' | 'postgres';
  readonly db: Kysely<Database>;
  /** The schema the migration tables live in (PostgreSQL only). */
  readonly schema: string | undefined;
  /** Identifies the database within this process (SQLite: the absolute file path). */
  readonly location: string;
  /** Runs a plan in one write transaction. */
  runInTransaction<T>(plan: Plan<T>): Promise<T>;
  /**
   * Runs `fn` in one write transaction, its statements sent through `exec`;
   * commits when `fn` resolves (durably, before this resolves), rolls back when
   * it throws. store/transaction.ts builds Store.transaction on it.
   */
  transaction<T>(fn: (exec: TxExec) => Promise<T>): Promise<T>;
  /**
   * The group commit's transaction when the driver runs it whole in one step
   * (SQLite's writer thread); undefined: run appendPlan with runInTransaction.
   */
  appendBatch?(items: NewMessage[], now: number): Promise<DriverAppendResult[] | undefined>;
  /**
   * Rewrites stored texts in one write transaction off the event loop (SQLite's
   * writer thread); undefined: the caller updates them one by one.
   */
  replaceTexts?(items: TextReplacement[]): Promise<boolean[] | undefined>;
  close(): Promise<void>;
}

export async function connect(options: StoreOptions): Promise<Connection> {
  return options.kind === 'sqlite'
    ? connectSqlite(options.file, options.writer ?? writerModeFromEnv())
    : connectPostgres(options.url, options.schema, {
        ...(options.timeouts ? { timeouts: options.timeouts } : {}),
        ...(options.applicationName ? { applicationName: options.applicationName } : {}),
      });
}

function writerModeFromEnv(): SqliteWriterMode {
  const value = process.env.PARLEY_SQLITE_WRITER;
  if (value === undefined || value === '' || value === 'thread') return 'thread';
  if (value === 'inline') return 'inline';
  throw new Error('PARLEY_SQLITE_WRITER must be "thread" or "inline"');
}
