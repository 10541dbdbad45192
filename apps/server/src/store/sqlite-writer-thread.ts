import { Worker } from 'node:worker_threads';
import type { DriverAppendResult, Plan } from './connect';
import type { TxExec } from './transaction';
import { toMessage, type MessageRecord } from './mappers';
import type { NewMessage } from './types';

export interface TextReplacement {
  orgId: string;
  conversationId: string;
  seq: number;
  text: string;
  masked: string[];
}

/**
 * Runs plans' statements on a worker thread (sqlite-writer.mjs) that owns its
 * own connection to the database file. The plan itself (a generator) runs
 * here on the main thread; each statement is one round trip. better-sqlite3 is
 * synchronous, so a commit run here would stop the event loop for the whole
 * WAL flush (~40% of the main thread under chat load); there it only stops the
 * writer thread.
 */
export interface SqliteWriterThread {
  /** Runs a plan in one IMMEDIATE transaction; resolves after the commit is durable. */
  run<T>(plan: Plan<T>): Promise<T>;
  /**
   * Runs `fn` in one IMMEDIATE transaction whose statements it sends through
   * `exec` (store.transaction); commits when `fn` resolves, rolls back when it
   * throws. After a failed statement the transaction is over: later statements
   * of `fn` are refused, and the call rejects.
   */
  transaction<T>(fn: (exec: TxExec) => Promise<T>): Promise<T>;
  /**
   * The group commit's transaction run whole on the thread (one round trip,
   * sqlite-writer.mjs appendBatch); resolves after the commit is durable.
   */
  append(items: NewMessage[], now: number): Promise<DriverAppendResult[]>;
  /** Rewrites stored texts (held pieces decided) in one transaction; one flag per item, true when a row changed. */
  replaceTexts(items: TextReplacement[]): Promise<boolean[]>;
  /** Sets the connection's wal_autocheckpoint (0 while the checkpointer thread runs). */
  setAutoCheckpoint(pages: number): Promise<void>;
  /** Lets queued transactions finish, then closes the connection and ends the thread. */
  close(): Promise<void>;
  /** The worker, for tests that kill it. */
  readonly worker: Worker;
  /** True once the thread has died (not closed): the connection replaces it. */
  readonly gone: boolean;
}

type Request =
  | { op: 'run'; begin: boolean; sql: string; params: readonly unknown[] }
  | { op: 'append'; batch: string }
  | { op: 'replace'; items: TextReplacement[] }
  | { op: 'commit' }
  | { op: 'rollback' }
  | { op: 'autocheckpoint'; pages: number };

interface Reply {
  id: number;
  /** Rows of a statement, or the JSON string of an append's results. */
  rows?: unknown[] | string;
  error?: { name: string; message: string; code?: string };
}

const READY_TIMEOUT_MS = 10_000;
// A graceful close waits for the current statement; a statement can wait up to
// busy_timeout for another process's lock.
const CLOSE_GRACE_MS = 15_000;

export class SqliteWriterError extends Error {
  override name = 'SqliteWriterError';
}

export async function startSqliteWriterThread(
  file: string,
  timeoutMs: number,
  autocheckpoint?: number,
): Promise<SqliteWriterThread> {
  const worker = new Worker(new URL('./sqlite-writer.mjs', import.meta.url), {
    workerData: { file, timeoutMs, autocheckpoint },
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      fail(new SqliteWriterError('sqlite writer thread did not start in time'));
    }, READY_TIMEOUT_MS);
    const fail = (error: unknown): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      void worker.terminate();
      reject(error instanceof Error ? error : new SqliteWriterError(String(error)));
    };
    const onMessage = (msg: { ready?: boolean }): void => {
      if (msg.ready !== true) return;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', fail);
      worker.off('exit', onExit);
      resolve();
    };
    const onExit = (code: number): void => {
      fail(new SqliteWriterError(`sqlite writer thread exited during start (code ${code})`));
    };
    worker.on('message', onMessage);
    worker.once('error', fail);
    worker.once('exit', onExit);
  });

  let nextId = 1;
  const waiting = new Map<
    number,
    { resolve: (rows: unknown[]) => void; reject: (e: Error) => void }
  >();
  // Set once the thread is gone (crash, termination, close): every pending and
  // later transaction rejects with it; nothing is acknowledged that the thread
  // may not have committed.
  let gone: Error | undefined;
  let closing = false;
  let exited!: () => void;
  const exit = new Promise<void>((resolve) => (exited = resolve));
  // Transactions run one at a time: the thread has one connection, and a
  // second BEGIN while one is open would fail.
  let tail: Promise<unknown> = Promise.resolve();
  let active = 0;

  const die = (error: Error): void => {
    gone ??= error;
    for (const w of waiting.values()) w.reject(gone);
    waiting.clear();
  };
  worker.on('message', (reply: Reply) => {
    const w = waiting.get(reply.id);
    if (!w) return;
    waiting.delete(reply.id);
    if (reply.error) w.reject(toError(reply.error));
    else w.resolve((reply.rows ?? []) as unknown[]); // an append's rows are its JSON string
  });
  worker.on('error', (error) => {
    die(new SqliteWriterError('sqlite writer thread failed; writes are refused', { cause: error }));
  });
  worker.on('exit', (code) => {
    die(
      closing
        ? new SqliteWriterError('sqlite store is closed')
        : new SqliteWriterError(
            `sqlite writer thread exited (code ${code}); writes are refused until the store is reopened`,
          ),
    );
    exited();
  });
  // An idle writer must not keep the process alive (a plain better-sqlite3
  // handle does not); one with work in flight must, or a script awaiting a
  // commit could exit before it.
  worker.unref();

  const request = (message: Request): Promise<unknown[]> => {
    if (gone) return Promise.reject(gone);
    const id = nextId++;
    return new Promise<unknown[]>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, ...message });
    });
  };

  const execute = async <T>(plan: Plan<T>): Promise<T> => {
    let open = false;
    try {
      let step = plan.next([]);
      while (!step.done) {
        const rows = await request({
          op: 'run',
          begin: !open,
          sql: step.value.sql,
          params: step.value.parameters,
        });
        open = true;
        step = plan.next(rows);
      }
      // A plan that ran no statement changed nothing: no transaction to commit.
      if (open) await request({ op: 'commit' });
      open = false;
      return step.value;
    } finally {
      // The plan threw between statements: end the transaction here. (After a
      // failed statement or commit the thread has already rolled back, and this
      // is a no-op there.)
      if (open) await request({ op: 'rollback' }).catch(() => undefined);
    }
  };

  const interactive = async <T>(fn: (exec: TxExec) => Promise<T>): Promise<T> => {
    let open = false;
    let failed: Error | undefined;
    const exec: TxExec = async (query) => {
      if (failed)
        throw new SqliteWriterError('sqlite transaction already failed', { cause: failed });
      try {
        const rows = await request({
          op: 'run',
          begin: !open,
          sql: query.sql,
          params: query.parameters,
        });
        open = true;
        return rows;
      } catch (err) {
        // The thread rolled back on the failed statement (sqlite-writer.mjs).
        failed = err instanceof Error ? err : new SqliteWriterError(String(err));
        open = false;
        throw err;
      }
    };
    try {
      const value = await fn(exec);
      // A statement failed and fn swallowed it: its earlier statements are gone, so fn's result
      // must not be reported as committed.
      if (failed) throw failed;
      if (open) await request({ op: 'commit' });
      open = false;
      return value;
    } finally {
      if (open) await request({ op: 'rollback' }).catch(() => undefined);
    }
  };

  const enqueue = <T>(work: () => Promise<T>): Promise<T> => {
    if (closing) return Promise.reject(new SqliteWriterError('sqlite store is closed'));
    if (gone) return Promise.reject(gone);
    if (active++ === 0) worker.ref();
    const result = tail.then(work);
    tail = result
      .catch(() => undefined)
      .finally(() => {
        if (--active === 0) worker.unref();
      });
    return result;
  };

  // sqlite-writer.mjs appendBatch's compact results: [1, duplicate, id, seq, item, senderName] for
  // a message of this batch (the rest of its record is the item's), [2, record] for one stored
  // before, [0, code] for a refusal.
  type WireResult =
    | [1, 0 | 1, string, number, number, string | null]
    | [2, MessageRecord]
    | [0, 'conversation_not_found' | 'conversation_closed' | 'mask_state_stale'];

  const fromWire = (items: NewMessage[], now: number, r: WireResult): DriverAppendResult => {
    if (r[0] === 0) return { ok: false, code: r[1] };
    if (r[0] === 2) return { ok: true, duplicate: true, message: toMessage(r[1]) };
    const [, duplicate, id, seq, position, senderName] = r;
    const item = items[position];
    if (!item) throw new SqliteWriterError('sqlite writer: result names an unknown item');
    return {
      ok: true,
      duplicate: duplicate === 1,
      message: {
        id,
        orgId: item.orgId,
        conversationId: item.conversationId,
        seq,
        senderKind: item.senderKind,
        senderId: item.senderId,
        senderName,
        clientMsgId: item.clientMsgId,
        text: item.text,
        masked: [...item.masked],
        createdAt: now,
      },
      fromItem: position,
    };
  };

  return {
    worker,
    async setAutoCheckpoint(pages) {
      await enqueue(() => request({ op: 'autocheckpoint', pages }));
    },
    replaceTexts(items) {
      return enqueue(async () => (await request({ op: 'replace', items })) as boolean[]);
    },
    append(items, now) {
      return enqueue(async () => {
        const reply = await request({ op: 'append', batch: JSON.stringify({ items, now }) });
        const results = JSON.parse(reply as unknown as string) as WireResult[];
        return results.map((r) => fromWire(items, now, r));
      });
    },
    get gone() {
      return gone !== undefined && !closing;
    },
    run<T>(plan: Plan<T>): Promise<T> {
      return enqueue(() => execute(plan));
    },
    transaction<T>(fn: (exec: TxExec) => Promise<T>): Promise<T> {
      return enqueue(() => interactive(fn));
    },
    async close() {
      closing = true;
      await tail;
      if (!gone) {
        worker.postMessage({ op: 'close' });
        const timer = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS);
        await exit;
        clearTimeout(timer);
      }
    },
  };
}

function toError(e: NonNullable<Reply['error']>): Error {
  const error = new Error(e.message) as Error & { code?: string };
  error.name = e.name;
  if (e.code !== undefined) error.code = e.code;
  return error;
}
