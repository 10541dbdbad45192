import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logger';
import type { RetentionService } from './service';

/**
 * The retention scheduler: every node runs it, the lease in the store lets one
 * purge at a time (issue 12 item 4). A failed run is logged and tried again at
 * the next tick (law 8); a tick never overlaps the one before.
 */
export function createRetentionJob(deps: {
  retention: RetentionService;
  log: Logger;
  everyMs: number;
}) {
  const holder = `node-${randomUUID()}`;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = deps.retention
      .runOnce(holder)
      .then(
        () => undefined,
        (err: unknown) =>
          deps.log.error(
            { err: err instanceof Error ? err.message : 'unknown' },
            'retention: the purge failed; it is tried again at the next tick',
          ),
      )
      .finally(() => {
        running = undefined;
      });
  };
  return {
    holder,
    start(): void {
      timer = setInterval(tick, deps.everyMs);
      timer.unref();
      // First run soon after start, not a whole period later.
      setTimeout(tick, Math.min(60_000, deps.everyMs)).unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
