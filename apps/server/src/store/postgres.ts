import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { asStoreError, isStoreOutage } from '../lib/store-errors';
import { countFault } from '../lib/fault-counters';
import type { Connection, Plan } from './connect';
import type { Database } from './types';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;

/** Deadlines of the PostgreSQL pool, in milliseconds. */
export interface PgTimeouts {
  /** Opening a connection, and waiting for a free pooled client. */
  connectMs: number;
  /** Client side: a query with no answer (a silent partition) fails after this. */
  queryMs: number;
  /** Server side: a statement running longer is cancelled (57014). */
  statementMs: number;
  /** Server side: a session idle inside a transaction (its client vanished) is ended, releasing its locks. */
  idleInTransactionMs: number;
  /** TCP keepalive's first probe on an idle connection. */
  keepAliveDelayMs: number;
}

export const DEFAULT_PG_TIMEOUTS: PgTimeouts = {
  connectMs: 5000,
  queryMs: 10_000,
  statementMs: 8000,
  idleInTransactionMs: 15_000,
  keepAliveDelayMs: 10_000,
};

/**
 * Connects to PostgreSQL with a pool that survives its faults (issue 18):
 * every client has an 'error' listener (a reset or pg_terminate_backend of a
 * checked-out client no longer exits the process), every query has a client
 * and a server deadline, connections use TCP keepalive, and a client that saw
 * an outage is destroyed on release instead of going back to the pool. Outages
 * reach callers as `store_unavailable`; when the network heals, new clients
 * connect and the pipeline resumes by itself.
 */
export async function connectPostgres(
  url: string,
  schema: string | undefined,
  options: { timeouts?: Partial<PgTimeouts>; applicationName?: string } = {},
): Promise<Connection> {
  const t = { ...DEFAULT_PG_TIMEOUTS, ...options.timeouts };
  if (schema !== undefined) {
    if (!SCHEMA_NAME.test(schema)) throw new Error('invalid PostgreSQL schema name');
    await ensureSchema(url, schema, t);
  }
  const pool = new pg.Pool({
    connectionString: url,
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
    application_name: options.applicationName ?? 'parley-server',
    connectionTimeoutMillis: t.connectMs,
    query_timeout: t.queryMs,
    statement_timeout: t.statementMs,
    idle_in_transaction_session_timeout: t.idleInTransactionMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: t.keepAliveDelayMs,
    // Timestamps are bigint milliseconds; they fit a JS number exactly.
    types: { getTypeParser: int8AsNumber },
  });
  // An idle client losing its connection emits 'error' on the pool; the pool drops it.
  pool.on('error', () => countFault('pgClientErrors'));
  const broken = new WeakSet<pg.PoolClient>();
  pool.on('connect', (client) => {
    // A checked-out client's 'error' (reset, terminated backend) had no
    // listener and exited the process; its pending query rejects on its own.
    client.on('error', () => {
      countFault('pgClientErrors');
      broken.add(client);
    });
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const result = query(...args);
      if (!(result instanceof Promise)) return result;
      return result.catch((err: unknown) => {
        if (isStoreOutage(err)) broken.add(client);
        throw asStoreError(err);
      });
    };
  });
  const kyselyPool = {
    async connect(): Promise<pg.PoolClient> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw asStoreError(err);
      }
      const release = client.release.bind(client);
      // A client that timed out still has its query on the wire: destroy it.
      client.release = (err?: Error | boolean) => release(err ?? (broken.has(client) || undefined));
      return client;
    },
    end: () => pool.end(),
  };
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: kyselyPool }),
  });
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
      try {
        return await db.transaction().execute(async (trx) => {
          let step = plan.next([]);
          while (!step.done) {
            const result = await trx.executeQuery(step.value);
            step = plan.next(result.rows);
          }
          return step.value;
        });
      } catch (err) {
        throw asStoreError(err);
      }
    },
    async transaction(fn) {
      try {
        return await db.transaction().execute(async (trx) => {
          // After a failed statement PostgreSQL aborts the transaction and turns COMMIT into a
          // rollback: fn's result must not be reported as committed even if fn swallowed the error.
          let failed: Error | undefined;
          const value = await fn(async (query) => {
            if (failed) throw new Error('the transaction already failed', { cause: failed });
            try {
              return (await trx.executeQuery(query)).rows;
            } catch (err) {
              failed = err instanceof Error ? err : new Error(String(err));
              throw err;
            }
          });
          if (failed) throw failed;
          return value;
        });
      } catch (err) {
        throw asStoreError(err);
      }
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

async function ensureSchema(url: string, schema: string, t: PgTimeouts): Promise<void> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: t.connectMs,
    query_timeout: t.queryMs,
  });
  client.on('error', () => countFault('pgClientErrors'));
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
