import type { Logger } from '../logger';

/** Retry delay after `attempt` failed attempts: `base` doubling up to `max`. */
export function backoffMs(attempt: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, attempt - 1));
}

export interface OutboxWorkerOptions {
  /** Names the queue in log lines. */
  name: string;
  log: Pick<Logger, 'error'>;
  /** Sends one batch of due rows; resolves true when there may be more due now. */
  sendBatch: () => Promise<boolean>;
  /** How often the queue is polled (a new row also wakes it through `kick`). */
  pollMs: number;
  /** Bookkeeping run at most once per `housekeepingMs` before a drain (pruning delivered rows). */
  housekeeping?: () => Promise<unknown>;
  housekeepingMs?: number;
}

/**
 * The drain loop of a durable queue that every node drains (rows are leased
 * in the store): one drain at a time per node, woken by `kick` or the poll,
 * running batches until none is due. A failure of a drain is logged and the
 * next poll tries again (law 8: it never escapes). The queue's repository and
 * its send are the caller's.
 */
export function createOutboxWorker(opts: OutboxWorkerOptions) {
  let timer: NodeJS.Timeout | undefined;
  let draining: Promise<void> | undefined;
  let again = false;
  let stopped = true;
  let keptAt = 0;

  async function drainOnce(): Promise<void> {
    if (opts.housekeeping && Date.now() - keptAt > (opts.housekeepingMs ?? 3_600_000)) {
      keptAt = Date.now();
      await opts.housekeeping();
    }
    do {
      again = false;
      while (!stopped && (await opts.sendBatch()));
    } while (again && !stopped);
  }

  function kick(): void {
    if (stopped) return;
    if (draining) {
      again = true;
      return;
    }
    draining = drainOnce()
      .catch((err: unknown) =>
        opts.log.error(
          { err: err instanceof Error ? err.message : String(err) },
          `${opts.name}: drain failed`,
        ),
      )
      .finally(() => {
        draining = undefined;
      });
  }

  return {
    kick,
    start(): void {
      if (!stopped) return;
      stopped = false;
      timer = setInterval(kick, opts.pollMs);
      timer.unref();
      kick();
    },
    get running(): boolean {
      return !stopped;
    },
    /** Resolves once no drain is running (a retry due later may still be waiting). */
    async idle(): Promise<void> {
      while (draining) await draining;
    },
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await draining;
    },
  };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
