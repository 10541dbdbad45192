// The SQLite writer thread: runs one store's write transactions on a connection
// of its own, so that the commit's WAL flush (synchronous=FULL, a disk flush per
// commit) blocks this thread and not the server's event loop. Plain JavaScript
// so that it loads the same way under tsx, Vitest and `node bin/parley.mjs`, none
// of which register a TypeScript loader inside worker threads.
//
// Protocol (the main thread drives it, one request at a time; see
// sqlite-writer-thread.ts): { id, op: 'run', begin, sql, params } runs one
// statement (after BEGIN IMMEDIATE when `begin`) and replies { id, rows };
// { id, op: 'commit' } and { id, op: 'rollback' } end the transaction;
// { op: 'close' } closes the connection and ends the thread. A failure replies
// { id, error } and never leaves a transaction open.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, timeoutMs } = workerData;
const db = new Database(file, { timeout: timeoutMs });
// The same pragmas as the main connection (connect.ts): an acknowledged
// message must survive power loss (DESIGN.md law 5).
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma(`busy_timeout = ${Number(timeoutMs)}`);
db.pragma('foreign_keys = ON');
// Freed pages are zeroed: a deleted or rewritten row leaves nothing in the file or the WAL.
db.pragma('secure_delete = ON');

// IMMEDIATE takes the write lock up front: a deferred transaction that reads
// and then writes can fail with SQLITE_BUSY instead of waiting.
const begin = db.prepare('BEGIN IMMEDIATE');
const commit = db.prepare('COMMIT');
const rollback = db.prepare('ROLLBACK');

// The group commit runs the same few statement shapes over and over; preparing
// is a large share of a small statement's cost.
const statements = new Map();
function prepare(sql) {
  let stmt = statements.get(sql);
  if (!stmt) {
    if (statements.size > 256) statements.clear();
    stmt = db.prepare(sql);
    statements.set(sql, stmt);
  }
  return stmt;
}

function rollbackIfOpen() {
  // Some errors (SQLITE_FULL, SQLITE_IOERR, …) have already rolled back.
  if (db.inTransaction) rollback.run();
}

// Only what the caller needs to recognise an error (e.g. SQLITE_CONSTRAINT_UNIQUE
// for a retry) crosses the thread boundary.
function describe(error) {
  if (error instanceof Error) {
    const code = /** @type {{ code?: unknown }} */ (error).code;
    return {
      name: error.name,
      message: error.message,
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  return { name: 'Error', message: String(error) };
}

function handle(msg) {
  switch (msg.op) {
    case 'run': {
      if (msg.begin) {
        if (db.inTransaction) throw new Error('sqlite writer: transaction already open');
        begin.run();
      } else if (!db.inTransaction) {
        // The transaction ended (rolled back by an error); running the statement
        // now would autocommit it outside the caller's transaction.
        throw new Error('sqlite writer: no transaction open');
      }
      const stmt = prepare(msg.sql);
      if (stmt.reader) return stmt.all(...msg.params);
      stmt.run(...msg.params);
      return [];
    }
    case 'commit':
      // The reply is sent after this returns, i.e. after the WAL flush: whatever
      // the caller does on receiving it happens after a durable commit.
      commit.run();
      return [];
    case 'rollback':
      rollbackIfOpen();
      return [];
    default:
      throw new Error(`sqlite writer: unknown op ${String(msg.op)}`);
  }
}

parentPort.on('message', (msg) => {
  if (msg.op === 'close') {
    try {
      rollbackIfOpen();
    } finally {
      db.close();
      // Closing the port lets the thread exit once this handler returns.
      parentPort.close();
    }
    return;
  }
  let reply;
  try {
    reply = { id: msg.id, rows: handle(msg) };
  } catch (error) {
    reply = { id: msg.id, error: describe(error) };
    try {
      rollbackIfOpen();
    } catch {
      // A transaction that cannot be rolled back must not stay open: report the
      // original error, then end the thread (closing the connection rolls back);
      // the main thread fails every later transaction (fail closed).
      parentPort.postMessage(reply);
      try {
        db.close();
      } finally {
        process.exit(1);
      }
    }
  }
  parentPort.postMessage(reply);
});

parentPort.postMessage({ ready: true });
