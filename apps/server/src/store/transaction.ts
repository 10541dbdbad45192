import { AsyncLocalStorage } from 'node:async_hooks';
import type { Compilable, CompiledQuery } from 'kysely';
import type { Plan } from './connect';

/** Runs one compiled statement inside the driver's open transaction and returns its rows. */
export type TxExec = (query: CompiledQuery) => Promise<unknown[]>;

/**
 * One open write transaction of the store (`store.transaction(async (tx) => …)`).
 * Statements are compiled with `store.db` (compiling touches no connection) and
 * run here; a repository method that writes takes an optional `tx` and runs its
 * statements through it, so a change and its audit entry commit together or
 * not at all (issue 8 item 1, CONVENTIONS.md "Thin handlers").
 *
 * On SQLite the transaction holds the file's write turn: a query sent through
 * `store.db` (or a nested `store.transaction`) from inside the callback would
 * wait for the transaction it runs in, so it fails at once with
 * `StoreTransactionMisuse` instead of deadlocking.
 */
export interface Tx {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs one statement in this transaction; its rows (an empty array for a write without RETURNING). */
  execute<R>(query: Compilable<R> | CompiledQuery<R>): Promise<R[]>;
  /** Runs a plan's statements in this transaction (the repositories' multi-statement writes). */
  run<T>(plan: Plan<T>): Promise<T>;
  /**
   * Runs `fn` once the transaction has committed (bus publishes, wake-ups, mail);
   * never when it rolls back. Hooks run in the order they were added.
   */
  afterCommit(fn: () => unknown): void;
}

/** The store's transaction entry point (Store.transaction). */
export type TransactionRunner = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

/** A statement ran outside its own open transaction (see Tx). */
export class StoreTransactionMisuse extends Error {
  override name = 'StoreTransactionMisuse';
}

/**
 * An afterCommit hook failed. The transaction itself committed: the change is
 * durable and only the side effect (named by `cause`) is missing.
 */
export class AfterCommitError extends Error {
  override name = 'AfterCommitError';
  readonly committed = true;
}

interface OpenTx {
  location: string;
  open: boolean;
}

const current = new AsyncLocalStorage<OpenTx>();

/**
 * Throws when the calling async context is inside an open transaction on this
 * database: used by the SQLite driver before it waits for the file's turn,
 * which that transaction holds.
 */
export function assertOutsideTransaction(location: string): void {
  const tx = current.getStore();
  if (tx?.open && tx.location === location)
    throw new StoreTransactionMisuse(
      'a store query ran outside the open transaction it was called from (use tx.execute / the repo method with tx)',
    );
}

/**
 * Builds Store.transaction over a driver's `transaction` (connect.ts): wraps
 * the driver's statement runner in a Tx, collects afterCommit hooks and runs
 * them only once the driver's commit has resolved (durable).
 */
export function transactionRunner(conn: {
  dialect: 'sqlite' | 'postgres';
  location: string;
  transaction<T>(fn: (exec: TxExec) => Promise<T>): Promise<T>;
}): TransactionRunner {
  return async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    assertOutsideTransaction(conn.location);
    const hooks: (() => unknown)[] = [];
    const mark: OpenTx = { location: conn.location, open: true };
    let value: T;
    try {
      value = await conn.transaction((exec) => {
        const tx: Tx = {
          dialect: conn.dialect,
          async execute<R>(query: Compilable<R> | CompiledQuery<R>): Promise<R[]> {
            const compiled = 'compile' in query ? query.compile() : query;
            return (await exec(compiled)) as R[];
          },
          async run<P>(plan: Plan<P>): Promise<P> {
            let step = plan.next([]);
            while (!step.done) step = plan.next(await exec(step.value));
            return step.value;
          },
          afterCommit(hook) {
            if (!mark.open)
              throw new StoreTransactionMisuse('afterCommit after the transaction ended');
            hooks.push(hook);
          },
        };
        return current.run(mark, () => fn(tx));
      });
    } finally {
      mark.open = false;
    }
    let failure: unknown;
    for (const hook of hooks) {
      try {
        await hook();
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure !== undefined)
      throw new AfterCommitError('committed, but an after-commit step failed', { cause: failure });
    return value;
  };
}
