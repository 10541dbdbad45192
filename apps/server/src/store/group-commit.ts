import { ParleyError } from '@parley/protocol';
import { DeadlineError, withDeadline } from '../lib/deadline';
import { countFault } from '../lib/fault-counters';
import { asStoreError } from '../lib/store-errors';
import type { AppendResult, NewMessage, Store } from './types';

export interface GroupCommitterOptions {
  /** Most messages per transaction (default 500). */
  maxBatch?: number;
  /** Clock for created_at/updated_at (default Date.now). */
  now?: () => number;
  /** Called after each committed transaction; for metrics. */
  onCommit?: (info: { size: number; durationMs: number }) => void;
  /** Deadline of one transaction (default 5 s); past it, its senders get store_unavailable. */
  deadlineMs?: number;
  /** Most messages waiting for a transaction (default 20,000); beyond, appends fail fast. */
  maxQueue?: number;
  /** Told once when a transaction misses its deadline and once when the store answers again. */
  onStall?: (info: { stalled: boolean; waiting: number }) => void;
}

export interface GroupCommitter {
  /** Resolves once the message's transaction has committed. */
  append(item: NewMessage): Promise<AppendResult>;
  /** Resolves when everything appended so far has been committed (or rejected). */
  flush(): Promise<void>;
  /** Refuses new appends and waits for those already accepted. Does not close the store. */
  close(): Promise<void>;
}

interface Pending {
  item: NewMessage;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit (DESIGN.md "The hot path"): while one transaction is in flight,
 * newly arriving messages queue up and are committed together in the next one.
 * There is no timer: an idle committer starts a transaction at once, so a lone
 * message pays one flush and no wait, and under load the flush is shared by
 * everything that arrived meanwhile. A promise resolves only after its
 * transaction commits; if the transaction fails, every message in it rejects,
 * so nothing is acknowledged that is not stored (law 5).
 */
export function createGroupCommitter(
  store: Pick<Store, 'messages'>,
  options: GroupCommitterOptions = {},
): GroupCommitter {
  const maxBatch = Math.max(1, options.maxBatch ?? 500);
  const now = options.now ?? Date.now;
  let queue: Pending[] = [];
  let running: Promise<void> | undefined;
  let closing = false;
  const deadlineMs = options.deadlineMs ?? 5000;
  const maxQueue = options.maxQueue ?? 20_000;
  // A transaction that missed its deadline and has not settled yet: while it
  // hangs (a silent partition), new appends fail fast instead of queueing
  // behind it; once it settles the pipeline resumes by itself (issue 18).
  let stalled: Promise<unknown> | undefined;

  const unavailable = (cause?: unknown): ParleyError => {
    const err = new ParleyError('store_unavailable');
    if (cause !== undefined) (err as { cause?: unknown }).cause = cause;
    return err;
  };

  const stall = async (call: Promise<unknown>, cause: unknown): Promise<void> => {
    countFault('storeDeadlines');
    stalled = call;
    const waiting = queue;
    queue = [];
    for (const p of waiting) p.reject(unavailable(cause));
    report({ stalled: true, waiting: waiting.length });
    await call.catch(() => undefined);
    stalled = undefined;
    report({ stalled: false, waiting: queue.length });
  };

  const report = (info: { stalled: boolean; waiting: number }): void => {
    try {
      options.onStall?.(info);
    } catch {
      // A logging hook must not disturb committing.
    }
  };

  const drain = async (): Promise<void> => {
    // Let appends made in the same tick join the first transaction; a
    // microtask, not a timer, so it adds no latency.
    await Promise.resolve();
    while (queue.length > 0) {
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
      const started = performance.now();
      const call = store.messages.appendBatch(
        batch.map((p) => p.item),
        now(),
      );
      try {
        const results = await withDeadline(call, deadlineMs, 'message commit');
        if (results.length !== batch.length)
          throw new Error('appendBatch returned a result count unlike its batch');
        batch.forEach((p, i) => p.resolve(results[i] as AppendResult));
      } catch (error) {
        // Rejected, never resolved: nothing is acknowledged that is not known
        // to be stored (law 5); a late commit answers the sender's retry as a
        // duplicate with its seq.
        for (const p of batch) p.reject(asStoreError(error));
        if (error instanceof DeadlineError) await stall(call, error);
        continue;
      }
      try {
        options.onCommit?.({ size: batch.length, durationMs: performance.now() - started });
      } catch {
        // A metrics hook must not disturb committing.
      }
    }
  };

  const kick = (): void => {
    running ??= drain().finally(() => {
      running = undefined;
      // An append that raced the loop's exit must not be stranded.
      if (queue.length > 0) kick();
    });
  };

  return {
    append(item) {
      if (closing) return Promise.reject(new ParleyError('server_shutting_down'));
      if (stalled || queue.length >= maxQueue) return Promise.reject(unavailable());
      return new Promise<AppendResult>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        kick();
      });
    },
    async flush() {
      while (running) await running;
    },
    async close() {
      closing = true;
      while (running) await running;
    },
  };
}
