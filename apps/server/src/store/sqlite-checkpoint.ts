import { Worker } from 'node:worker_threads';

/** How often the checkpointer copies the WAL back into the database (a PASSIVE checkpoint). */
export const CHECKPOINT_INTERVAL_MS = 250;
const READY_TIMEOUT_MS = 10_000;
const CLOSE_GRACE_MS = 5_000;
/** A checkpointer that died is started again after this long (law 8: heal without a restart). */
const RESTART_MS = 1_000;

export interface SqliteCheckpointer {
  /** Stops the thread (one last checkpoint first). */
  close(): Promise<void>;
}

async function startThread(file: string, timeoutMs: number, intervalMs: number): Promise<Worker> {
  const worker = new Worker(new URL('./sqlite-checkpointer.mjs', import.meta.url), {
    workerData: { file, timeoutMs, intervalMs },
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('did not start in time')), READY_TIMEOUT_MS);
    const fail = (error: unknown): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      void worker.terminate();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    const onMessage = (msg: { ready?: boolean }): void => {
      if (msg.ready !== true) return;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', fail);
      resolve();
    };
    worker.on('message', onMessage);
    worker.once('error', fail);
  });
  // Its timer must not keep the process alive.
  worker.unref();
  return worker;
}

/**
 * WAL checkpoints on a thread of their own (sqlite-checkpointer.mjs, issue 18 must 7), so that
 * neither the writer thread's commits nor the main thread's rare writes pay for them. `onState`
 * is told whether the thread runs: while it does not, the caller's connections checkpoint by
 * themselves again (wal_autocheckpoint), so the WAL never grows without a bound.
 */
export async function startSqliteCheckpointer(
  file: string,
  timeoutMs: number,
  opts: {
    intervalMs?: number;
    onState: (running: boolean) => void;
    onError: (message: string) => void;
  },
): Promise<SqliteCheckpointer> {
  const intervalMs = opts.intervalMs ?? CHECKPOINT_INTERVAL_MS;
  let closing = false;
  let current: Worker | undefined;
  let retry: NodeJS.Timeout | undefined;

  const adopt = (worker: Worker): void => {
    current = worker;
    worker.on('message', (msg: { error?: string }) => {
      if (msg.error !== undefined) opts.onError(msg.error);
    });
    worker.on('error', (err) => opts.onError(err.message));
    worker.once('exit', () => {
      if (current === worker) current = undefined;
      if (closing) return;
      opts.onState(false);
      schedule();
    });
    opts.onState(true);
  };
  const schedule = (): void => {
    retry = setTimeout(() => {
      retry = undefined;
      startThread(file, timeoutMs, intervalMs).then(adopt, (err: unknown) => {
        opts.onError(err instanceof Error ? err.message : String(err));
        if (!closing) schedule();
      });
    }, RESTART_MS);
    retry.unref();
  };

  adopt(await startThread(file, timeoutMs, intervalMs));
  return {
    async close() {
      closing = true;
      if (retry) clearTimeout(retry);
      const worker = current;
      if (!worker) return;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage({ op: 'close' });
      const timer = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
