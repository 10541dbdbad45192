import { resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { CompiledQuery, DatabaseConnection, Driver } from 'kysely';
import { asStoreError } from '../lib/store-errors';
import type { Connection, Plan, SqliteWriterMode } from './connect';
import { startSqliteCheckpointer } from './sqlite-checkpoint';
import { startSqliteWriterThread } from './sqlite-writer-thread';
import type { SqliteWriterThread } from './sqlite-writer-thread';
import { assertOutsideTransaction, type TxExec } from './transaction';
import type { Database } from './types';

const SQLITE_BUSY_TIMEOUT_MS = 5000;
const DEFAULT_AUTOCHECKPOINT = 1000;
// SQLITE_BUSY passes unchanged: migrate.ts retries on it.
const CONTENTION_AS_IS = { keepContention: true };

export async function connectSqlite(file: string, mode: SqliteWriterMode): Promise<Connection> {
  const location = resolve(file);
  const raw = new BetterSqlite3(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  // WAL lets readers run beside the writer; synchronous=FULL flushes the WAL on
  // every commit so an acknowledged message survives power loss (DESIGN.md law 5).
  // The writer thread's connection sets the same (sqlite-writer.mjs).
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  raw.pragma('foreign_keys = ON');
  // Deleted and rewritten rows (a held piece released, a redaction, retention) are overwritten with
  // zeros in the file and the WAL, not left in freed pages (issue 9, DESIGN.md law 1).
  raw.pragma('secure_delete = ON');
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

  // wal_autocheckpoint of this process's connections: SQLite's default, or 0 while the
  // checkpointer thread runs (sqlite-checkpoint.ts).
  let autoPages = DEFAULT_AUTOCHECKPOINT;
  const startWriter = async (): Promise<SqliteWriterThread | undefined> => {
    try {
      return await startSqliteWriterThread(location, SQLITE_BUSY_TIMEOUT_MS, autoPages);
    } catch (error) {
      process.emitWarning(
        `sqlite writer thread did not start; running write transactions inline (${String(error)})`,
        'ParleyStoreWarning',
      );
      return undefined;
    }
  };
  let writer = mode === 'thread' ? await startWriter() : undefined;
  let closed = false;
  const checkpointer = writer
    ? await startSqliteCheckpointer(location, SQLITE_BUSY_TIMEOUT_MS, {
        onState: (running) => {
          autoPages = running ? 0 : DEFAULT_AUTOCHECKPOINT;
          raw.pragma(`wal_autocheckpoint = ${autoPages}`);
          writer?.setAutoCheckpoint(autoPages).catch(() => undefined);
        },
        onError: (message) =>
          process.emitWarning(`sqlite checkpoint failed: ${message}`, 'ParleyStoreWarning'),
      }).catch((error: unknown) => {
        // Without it the connections checkpoint by themselves, as before.
        process.emitWarning(
          `sqlite checkpointer did not start (${String(error)})`,
          'ParleyStoreWarning',
        );
        return undefined;
      })
    : undefined;
  // A writer thread that died (a crash in the thread, an out-of-memory kill)
  // is replaced on the next transaction instead of refusing writes until a
  // restart; the transaction that was in flight has already been rejected.
  const liveWriter = async (): Promise<SqliteWriterThread | undefined> => {
    if (writer?.gone && !closed) {
      const dead = writer;
      writer = await startWriter();
      await dead.close().catch(() => undefined);
    }
    return writer;
  };

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
        const thread = await liveWriter();
        if (thread) {
          try {
            return await thread.run(plan);
          } catch (err) {
            throw asStoreError(err, CONTENTION_AS_IS);
          }
        }
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
        try {
          return tx.immediate();
        } catch (err) {
          throw asStoreError(err, CONTENTION_AS_IS);
        }
      });
    },
    async transaction<T>(fn: (exec: TxExec) => Promise<T>): Promise<T> {
      // The same turn as runInTransaction holds (see there).
      return db.connection().execute(async () => {
        if (raw.inTransaction) throw new Error('sqlite handle unexpectedly inside a transaction');
        const thread = await liveWriter();
        if (thread) {
          try {
            return await thread.transaction(fn);
          } catch (err) {
            throw asStoreError(err, CONTENTION_AS_IS);
          }
        }
        return inlineTransaction(raw, prepare, fn);
      });
    },
    async appendBatch(items, now) {
      // Undefined without a writer thread: the caller runs appendPlan inline.
      return db.connection().execute(async () => {
        if (raw.inTransaction) throw new Error('sqlite handle unexpectedly inside a transaction');
        const thread = await liveWriter();
        if (!thread) return undefined;
        try {
          return await thread.append(items, now);
        } catch (err) {
          throw asStoreError(err, CONTENTION_AS_IS);
        }
      });
    },
    async replaceTexts(items) {
      return db.connection().execute(async () => {
        if (raw.inTransaction) throw new Error('sqlite handle unexpectedly inside a transaction');
        const thread = await liveWriter();
        if (!thread) return undefined;
        try {
          return await thread.replaceTexts(items);
        } catch (err) {
          throw asStoreError(err, CONTENTION_AS_IS);
        }
      });
    },
    async close() {
      closed = true;
      // Queued transactions finish first; then the thread closes its
      // connection and exits, so nothing is left running.
      await writer?.close();
      await checkpointer?.close();
      statements.clear();
      await db.destroy();
    },
  };
}

/**
 * store.transaction without a writer thread: BEGIN IMMEDIATE on the main
 * handle, held across fn's awaits (the caller holds the file's turn, so no
 * other statement of this process runs on the file meanwhile). As on the
 * thread, a failed statement rolls back at once and ends the transaction.
 */
async function inlineTransaction<T>(
  raw: BetterSqlite3.Database,
  prepare: (sql: string) => BetterSqlite3.Statement,
  fn: (exec: TxExec) => Promise<T>,
): Promise<T> {
  const rollbackIfOpen = (): void => {
    if (raw.inTransaction) prepare('ROLLBACK').run();
  };
  let failed: Error | undefined;
  try {
    prepare('BEGIN IMMEDIATE').run();
    const value = await fn(async (query) => {
      if (failed !== undefined || !raw.inTransaction)
        throw new Error('sqlite: the transaction already ended', { cause: failed });
      try {
        const stmt = prepare(query.sql);
        const params = query.parameters as unknown[];
        return stmt.reader ? stmt.all(...params) : (stmt.run(...params), []);
      } catch (err) {
        failed = err instanceof Error ? err : new Error(String(err));
        rollbackIfOpen();
        throw err;
      }
    });
    if (failed !== undefined) throw failed;
    prepare('COMMIT').run();
    return value;
  } catch (err) {
    rollbackIfOpen();
    throw asStoreError(err, CONTENTION_AS_IS);
  }
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
    let innerConnection: DatabaseConnection | undefined;
    return {
      init: () => inner.init(),
      async acquireConnection(): Promise<DatabaseConnection> {
        // Inside store.transaction on this file the turn is taken: waiting would never end.
        assertOutsideTransaction(location);
        const end = await takeTurn(location);
        try {
          const connection = await inner.acquireConnection();
          endTurn = end;
          innerConnection = connection;
          return {
            // A full disk or an I/O error reaches callers as store_unavailable.
            async executeQuery<R>(query: CompiledQuery) {
              try {
                return await connection.executeQuery<R>(query);
              } catch (err) {
                throw asStoreError(err, CONTENTION_AS_IS);
              }
            },
            streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
          };
        } catch (error) {
          end();
          throw asStoreError(error, CONTENTION_AS_IS);
        }
      },
      async releaseConnection() {
        try {
          if (innerConnection) await inner.releaseConnection(innerConnection);
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
