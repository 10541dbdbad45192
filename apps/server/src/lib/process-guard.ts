import type { Logger } from '../logger';
import { withDeadline } from './deadline';
import { countFault } from './fault-counters';
import { errorContext } from './store-errors';

/** The exit status after a drain caused by an escaped error (EX_SOFTWARE): a supervisor restarts on it. */
export const FATAL_EXIT_CODE = 70;

export interface ProcessGuardOptions {
  log: Logger;
  /** Stops accepting, closes sockets with a retryable code, flushes the committer. */
  drain(): Promise<void>;
  /** How long the drain may take before the process exits anyway. */
  drainMs?: number;
  exit?: (code: number) => void;
}

/**
 * The last line of DESIGN.md law 8: an error that escaped every handler
 * (`unhandledRejection`, `uncaughtException`) is logged once, masked, with
 * context; the node then drains and exits non-zero so that its supervisor
 * starts a clean one, rather than limping on in an unknown state. Returns a
 * function that removes the handlers.
 */
export function installProcessGuards(options: ProcessGuardOptions): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let draining = false;
  const onFatal = (kind: 'unhandledRejection' | 'uncaughtException') => (err: unknown) => {
    countFault('processFatal');
    try {
      options.log.fatal(
        { kind, draining, ...errorContext(err) },
        'an error escaped every handler; draining and exiting for a clean restart',
      );
    } catch {
      // Logging must not stop the drain.
    }
    if (draining) return;
    draining = true;
    withDeadline(options.drain(), options.drainMs ?? 10_000, 'drain')
      .catch(() => undefined)
      .finally(() => exit(FATAL_EXIT_CODE));
  };
  const onRejection = onFatal('unhandledRejection');
  const onException = onFatal('uncaughtException');
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
