import { resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { CompiledQuery } from 'kysely';
import pg from 'pg';
import type { Database } from './types';

export type StoreOptions =
  { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema?: string };

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
    ? connectSqlite(options.file)
    : connectPostgres(options.url, options.schema);
}

function connectSqlite(file: string): Connection {
  const raw = new BetterSqlite3(file, { timeout: 5000 });
  // WAL lets readers run beside the writer; synchronous=FULL flushes the WAL on
  // every commit so an acknowledged message survives power loss (DESIGN.md law 5).
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma('busy_timeout = 5000');
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
    dialect: new SqliteDialect({ database: { prepare, close: () => raw.close() } }),
  });

  return {
    dialect: 'sqlite',
    db,
    schema: undefined,
    location: resolve(file),
    async runInTransaction<T>(plan: Plan<T>): Promise<T> {
      // Holding Kysely's connection mutex guarantees no Kysely transaction is
      // open on this handle, so ours is a real BEGIN, not a nested savepoint.
      return db.connection().execute(async () => {
        if (raw.inTransaction) throw new Error('sqlite handle unexpectedly inside a transaction');
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
      statements.clear();
      await db.destroy();
    },
  };
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
