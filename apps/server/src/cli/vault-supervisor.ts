import type { ChildProcess } from 'node:child_process';
import type { Logger } from '../logger';

/** First restart delay; doubled after each quick death, up to the cap (a crash loop stays cheap). */
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 10_000;
/** A vault that lived this long counts as healthy again: the next restart is quick. */
const HEALTHY_MS = 60_000;

export interface VaultSupervisor {
  /** The running vault process, if any. */
  readonly current: ChildProcess | undefined;
  /** Stops restarting and ends the vault (SIGTERM). */
  stop(): void;
}

/**
 * Keeps the embedded vault of `parley start` running (issue 18: a killed vault heals without
 * anyone). A vault that exits or is killed while the server runs is logged once with its exit
 * code or signal and started again after a short backoff; meanwhile payment calls fail with the
 * retryable `payment_unavailable` and /readyz reports the vault down.
 */
export function superviseVault(spawnVault: () => ChildProcess, log: Logger): VaultSupervisor {
  let current: ChildProcess | undefined;
  let stopped = false;
  let delay = FIRST_DELAY_MS;
  let timer: NodeJS.Timeout | undefined;

  const start = (): void => {
    const child = spawnVault();
    const startedAt = Date.now();
    current = child;
    log.info({ vaultPid: child.pid }, 'vault process started');
    child.on('error', (err) =>
      log.error({ err: err.message }, 'the vault process could not start'),
    );
    child.once('exit', (code, signal) => {
      if (current === child) current = undefined;
      if (stopped) return;
      if (Date.now() - startedAt >= HEALTHY_MS) delay = FIRST_DELAY_MS;
      log.error(
        { vaultPid: child.pid, code, signal, delayMs: delay },
        'vault process ended; restarting',
      );
      timer = setTimeout(() => {
        timer = undefined;
        if (!stopped) start();
      }, delay);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    });
  };

  start();
  return {
    get current() {
      return current;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const child = current;
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
