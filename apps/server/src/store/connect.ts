import { resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { CompiledQuery, DatabaseConnection, Driver } from 'kysely';
import pg from 'pg';
import { startSqliteWriterThread } from './sqlite-writer-thread';
import type { SqliteWriterThread } from './sqlite-writer-thread';
import type { Database } from './types';

/**
 * Where SQLite write transactions run: `thread` (default) on a writer thread
 * with its own connection, so the commit's disk flush does not stop the event
 * loop; `inline` on the main connection, as before the writer thread existed
 * (the escape hatch, also used if the thread cannot start). The environment
 * variable PARLEY_SQLITE_WRITER sets it when the options do not.
 */
export type SqliteWriterMode = 'thread' | 'inline';

export type StoreOptions =
  | { kind: 'sqlite'; file: string; writer?: SqliteWriterMode }
  | { kind: 'postgres'; url: string; schema?: string };

/**
 * A plan is a generator that yields compiled queries and receives their rows.
 * Writing multi-statement transactions this way lets SQLite run them
 * synchronously (no lock held across an await) and PostgreSQL run them
 * asynchronously, from one piece of logic.
 */
export type Plan<T> = Generator<CompiledQuery, T, unknown[]>;

export interface Connection {
  readonly dialect: 'sqlite' | 'postgres';
  readonly db: Kysely<Database>;
  /** The schema the migration tables live in (PostgreSQL only). */
  readonly schema: string | undefined;
  /** Identifies the database within this process (SQLite: the absolute file path). */
  readonly location: string;
  /** Runs a plan in one write transaction. */
  runInTransaction<T>(plan: Plan<T>): Promise<T>;
  close(): Promise<void>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;

export async function connect(options: StoreOptions): Promise<Connection> {
  return options.kind === 'sqlite'
    ? connectSqlite(options.file, options.writer ?? writerModeFromEnv())
    : connectPostgres(options.url, options.schema);
}

function writerModeFromEnv(): SqliteWriterMode {
  const value = process.env.PARLEY_SQLITE_WRITER;
  if (value === undefined || value === '' || value === 'thread') return 'thread';
  if (value === 'inline') return 'inline';
  throw new Error('PARLEY_SQLITE_WRITER must be "thread" or "inline"');
}

const SQLITE_BUSY_TIMEOUT_MS = 5000;

async function connectSqlite(file: string, mode: SqliteWriterMode): Promise<Connection> {
  const location = resolve(file);
  const raw = new BetterSqlite3(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  // WAL lets readers run beside the writer; synchronous=FULL flushes the WAL on
  // every commit so an acknowledged message survives power loss (DESIGN.md law 5).
  // The writer thread's connection sets the same (sqlite-writer.mjs).
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  raw.pragma('foreign_keys = ON');
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepare = (sql: string): BetterSqlite3.Statement => {
    let stmt = statements.get(sql);
    if (!stmt) {
      if (statements.size > 256) statements.clear();
      stmt = raw.prepare(sql);
      statements.set(sql, stmt);
    }
    return stmt;
  };
  // Kysely prepares every query anew; preparing is a large share of a small
  // query's cost, so its statements come from the same cache.
  const db = new Kysely<Database>({
    dialect: new TurnTakingSqliteDialect(
      { database: { prepare, close: () => raw.close() } },
      location,
    ),
  });

  let writer: SqliteWriterThread | undefined;
  if (mode === 'thread') {
    try {
      writer = await startSqliteWriterThread(location, SQLITE_BUSY_TIMEOUT_MS);
    } catch (error) {
      process.emitWarning(
        `sqlite writer thread did not start; running write transactions inline (${String(error)})`,
        'ParleyStoreWarning',
      );
    }
  }

  return {
    dialect: 'sqlite',
    db,
    schema: undefined,
    location,
    async runInTransaction<T>(plan: Plan<T>): Promise<T> {
      // Holding Kysely's connection (and so this file's turn, see
      // TurnTakingSqliteDialect) guarantees no Kysely transaction is open on
      // this handle, so ours is a real BEGIN, not a nested savepoint, and that
      // no main-thread statement of this process writes while the writer
      // thread holds the lock: that statement would wait for the lock
      // synchronously, stopping the very event loop that feeds the writer its
      // next statement (a deadlock until busy_timeout).
      return db.connection().execute(async () => {
        if (raw.inTransaction) throw new Error('sqlite handle unexpectedly inside a transaction');
        if (writer) return writer.run(plan);
        // IMMEDIATE takes the write lock up front: a deferred transaction that
        // reads and then writes can fail with SQLITE_BUSY instead of waiting.
        const tx = raw.transaction(() => {
          let step = plan.next([]);
          while (!step.done) {
            const stmt = prepare(step.value.sql);
            const params = step.value.parameters as unknown[];
            const rows: unknown[] = stmt.reader ? stmt.all(...params) : (stmt.run(...params), []);
            step = plan.next(rows);
          }
          return step.value;
        });
        return tx.immediate();
      });
    },
    async close() {
      // Queued transactions finish first; then the thread closes its
      // connection and exits, so nothing is left running.
      await writer?.close();
      statements.clear();
      await db.destroy();
    },
  };
}

/**
 * Every connection of this process to one SQLite file takes turns: Kysely's
 * single-connection mutex is per Kysely instance, and two stores on one file
 * (two nodes in a test, the CLI beside a server) must not interleave either.
 * With writes on a writer thread that holds the lock across awaits, a
 * main-thread write would otherwise block the event loop in SQLite's busy
 * wait. Readers wait their turn too, as they did when the commit held the
 * event loop itself.
 */
const turnsByFile = new Map<string, Promise<void>>();

async function takeTurn(location: string): Promise<() => void> {
  const previous = turnsByFile.get(location) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => mine);
  turnsByFile.set(location, tail);
  await previous;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release();
    if (turnsByFile.get(location) === tail) turnsByFile.delete(location);
  };
}

class TurnTakingSqliteDialect extends SqliteDialect {
  readonly #location: string;

  constructor(config: ConstructorParameters<typeof SqliteDialect>[0], location: string) {
    super(config);
    this.#location = location;
  }

  override createDriver(): Driver {
    const inner = super.createDriver();
    const location = this.#location;
    let endTurn: (() => void) | undefined;
    return {
      init: () => inner.init(),
      async acquireConnection(): Promise<DatabaseConnection> {
        const end = await takeTurn(location);
        try {
          const connection = await inner.acquireConnection();
          endTurn = end;
          return connection;
        } catch (error) {
          end();
          throw error;
        }
      },
      async releaseConnection(connection) {
        try {
          await inner.releaseConnection(connection);
        } finally {
          const end = endTurn;
          endTurn = undefined;
          end?.();
        }
      },
      beginTransaction: (c, settings) => inner.beginTransaction(c, settings),
      commitTransaction: (c) => inner.commitTransaction(c),
      rollbackTransaction: (c) => inner.rollbackTransaction(c),
      async savepoint(c, name, compile) {
        if (!inner.savepoint) throw new Error('sqlite driver lacks savepoints');
        await inner.savepoint(c, name, compile);
      },
      async rollbackToSavepoint(c, name, compile) {
        if (!inner.rollbackToSavepoint) throw new Error('sqlite driver lacks savepoints');
        await inner.rollbackToSavepoint(c, name, compile);
      },
      async releaseSavepoint(c, name, compile) {
        if (!inner.releaseSavepoint) throw new Error('sqlite driver lacks savepoints');
        await inner.releaseSavepoint(c, name, compile);
      },
      destroy: () => inner.destroy(),
    };
  }
}

async function connectPostgres(url: string, schema: string | undefined): Promise<Connection> {
  if (schema !== undefined) {
    if (!SCHEMA_NAME.test(schema)) throw new Error('invalid PostgreSQL schema name');
    await ensureSchema(url, schema);
  }
  const pool = new pg.Pool({
    connectionString: url,
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
    // Timestamps are bigint milliseconds; they fit a JS number exactly.
    types: { getTypeParser: int8AsNumber },
  });
  // An idle client losing its connection (server restart) emits 'error' on the
  // pool; unhandled, that would crash the process. The pool drops the client,
  // and the next query reports the failure to its caller.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let resolvedSchema = schema;
  if (resolvedSchema === undefined) {
    const row = await db
      .selectNoFrom((eb) => eb.fn<string>('current_schema').as('s'))
      .executeTakeFirst();
    resolvedSchema = row?.s ?? 'public';
  }
  return {
    dialect: 'postgres',
    db,
    schema: resolvedSchema,
    location: `${url}#${resolvedSchema}`,
    async runInTransaction<T>(plan: Plan<T>): Promise<T> {
      return db.transaction().execute(async (trx) => {
        let step = plan.next([]);
        while (!step.done) {
          const result = await trx.executeQuery(step.value);
          step = plan.next(result.rows);
        }
        return step.value;
      });
    },
    async close() {
      await db.destroy();
    },
  };
}

// A per-pool parser, not pg.types.setTypeParser: that one is process-global.
const int8AsNumber = ((oid: number, format?: 'text' | 'binary') => {
  if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
  return pg.types.getTypeParser(oid, format ?? 'text') as unknown;
}) as typeof pg.types.getTypeParser;

async function ensureSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (error) {
    // Two nodes creating the same schema at once can race past IF NOT EXISTS.
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount !== 1) throw error;
  } finally {
    await client.end();
  }
}
