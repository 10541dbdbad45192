/**
 * A bounded work queue: at most `concurrency` jobs run, at most `max` wait.
 * `push` says false when full, so callers answer "try again later" instead of
 * piling up memory (law 8: every queue has a bound).
 */
export interface WorkQueue {
  push(key: string, job: () => Promise<void>): boolean;
  /** Jobs waiting or running. */
  readonly size: number;
  readonly full: boolean;
  has(key: string): boolean;
  /** Resolves when nothing waits or runs. */
  idle(): Promise<void>;
}

export function createWorkQueue(opts: {
  concurrency: number;
  max: number;
  onError: (key: string, err: unknown) => void;
}): WorkQueue {
  const waiting: { key: string; job: () => Promise<void> }[] = [];
  const keys = new Set<string>();
  let running = 0;
  let idlers: (() => void)[] = [];
  const settle = () => {
    if (running === 0 && waiting.length === 0) {
      const list = idlers;
      idlers = [];
      for (const f of list) f();
    }
  };
  const next = () => {
    while (running < opts.concurrency && waiting.length > 0) {
      const item = waiting.shift();
      if (!item) break;
      running += 1;
      void item
        .job()
        .catch((err: unknown) => opts.onError(item.key, err))
        .finally(() => {
          running -= 1;
          keys.delete(item.key);
          next();
          settle();
        });
    }
  };
  return {
    push(key, job) {
      if (keys.has(key)) return true;
      if (waiting.length + running >= opts.max) return false;
      keys.add(key);
      waiting.push({ key, job });
      next();
      return true;
    },
    get size() {
      return waiting.length + running;
    },
    get full() {
      return waiting.length + running >= opts.max;
    },
    has: (key) => keys.has(key),
    idle() {
      if (running === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise((resolve) => idlers.push(resolve));
    },
  };
}
