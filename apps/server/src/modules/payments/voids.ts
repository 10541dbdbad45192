/**
 * Delivers "void this create attempt" to the vault (issue 18): after a create
 * whose outcome the server does not know (deadline, lost answer, 5xx), the
 * server reports payment_unavailable and tells the vault to withdraw that
 * attempt. The first try starts at once; failures are retried with backoff
 * until the request would have expired anyway. Bounded; timers never keep the
 * process alive.
 */
import type { Logger } from '../../logger';
import type { VaultClient } from './vault-client';

export interface VoidQueueOptions {
  vault: VaultClient;
  log: Logger;
  /** Most voids waiting for a retry; beyond it the oldest is given up (the vault's expiry still ends it). */
  maxPending?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface VoidQueue {
  /** Starts delivering; resolves when the first try ends (delivered or scheduled for retry). */
  submit(idempotencyKey: string, attemptId: string, untilMs: number): Promise<void>;
  pending(): number;
  stop(): void;
}

interface Job {
  key: string;
  attemptId: string;
  untilMs: number;
  tries: number;
  timer?: NodeJS.Timeout;
}

export function createVoidQueue(o: VoidQueueOptions): VoidQueue {
  const max = o.maxPending ?? 10_000;
  const base = o.baseDelayMs ?? 1000;
  const cap = o.maxDelayMs ?? 60_000;
  const jobs = new Map<string, Job>();
  let stopped = false;

  async function attempt(job: Job): Promise<void> {
    job.tries++;
    try {
      const r = await o.vault.voidAttempt(job.key, job.attemptId);
      jobs.delete(`${job.key}\n${job.attemptId}`);
      o.log.info(
        { paymentId: r.payment?.id ?? null, voided: r.voided, tries: job.tries },
        'payment create attempt voided',
      );
    } catch {
      if (stopped || Date.now() >= job.untilMs) {
        jobs.delete(`${job.key}\n${job.attemptId}`);
        o.log.error({ tries: job.tries }, 'payment create attempt could not be voided');
        return;
      }
      const delay = Math.min(cap, base * 2 ** Math.min(job.tries - 1, 16));
      job.timer = setTimeout(() => {
        attempt(job).catch(() => undefined);
      }, delay);
      job.timer.unref();
    }
  }

  return {
    submit(key, attemptId, untilMs) {
      const id = `${key}\n${attemptId}`;
      if (jobs.has(id)) return Promise.resolve();
      if (jobs.size >= max) {
        const [oldestId, oldest] = jobs.entries().next().value as [string, Job];
        clearTimeout(oldest.timer);
        jobs.delete(oldestId);
        o.log.error({ pending: jobs.size }, 'void queue full: oldest void given up');
      }
      const job: Job = { key, attemptId, untilMs, tries: 0 };
      jobs.set(id, job);
      return attempt(job);
    },
    pending: () => jobs.size,
    stop() {
      stopped = true;
      for (const job of jobs.values()) clearTimeout(job.timer);
      jobs.clear();
    },
  };
}
