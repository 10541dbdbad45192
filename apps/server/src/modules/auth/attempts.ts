import { ParleyError } from '@parley/protocol';
import type { Store } from '../../store';
import { sha256Hex } from '../../lib/tokens';
import type { SecurityEvents } from '../security';
import type { ProofOfWork } from './challenge';

// PCI DSS 8.3.4: at most 10 failed attempts, then locked for at least 30 minutes.
export const LOCKOUT = { max: 10, windowMs: 30 * 60_000, lockMs: 30 * 60_000 } as const;
/** After this many failures from one address or against one account, attempts need proof of work. */
export const POW_AFTER_FAILURES = 3;
const IP_WINDOW_MS = 15 * 60_000;

export const accountKey = (agentId: string) => `agent:${agentId}`;
/** An unknown account is throttled like a known one, so the lock does not tell them apart. */
export const emailKey = (email: string) => `email:${sha256Hex(email.trim().toLowerCase())}`;
export const ipKey = (ip: string) => `ip:${ip}`;

export interface AttemptSlot {
  /** The check passed: the account's counter starts again. */
  succeeded(): Promise<void>;
  /** The check failed: the failure counts towards the address's proof-of-work threshold; the account may lock. */
  failed(reason: string): Promise<void>;
}

export interface AttemptSubject {
  /** Throttle key of the account (accountKey or emailKey). */
  key: string;
  orgId: string;
  agentId: string | null;
  ip: string;
}

export type Attempts = ReturnType<typeof createAttempts>;

/**
 * Counts every password or code check BEFORE it runs (issue 10 finding 1): a
 * slot is reserved under the limit by one conditional upsert, and only a
 * reserved slot may run the slow check. Failures never end live sessions
 * (finding 2): the account lock only refuses new sign-ins, an admin lifts it.
 */
export function createAttempts(deps: { store: Store; events: SecurityEvents; pow: ProofOfWork }) {
  const { store, events, pow } = deps;

  async function needsProof(subject: AttemptSubject): Promise<boolean> {
    const [byIp, byAccount] = await Promise.all([
      store.security.throttle(ipKey(subject.ip)),
      store.security.throttle(subject.key),
    ]);
    const now = Date.now();
    const recent = (t: typeof byIp, windowMs: number) =>
      t !== undefined && now - t.firstAt < windowMs ? t.failures : 0;
    return (
      recent(byIp, IP_WINDOW_MS) >= POW_AFTER_FAILURES ||
      recent(byAccount, LOCKOUT.windowMs) >= POW_AFTER_FAILURES
    );
  }

  async function checkProof(subject: AttemptSubject, altcha: string | undefined): Promise<void> {
    if (!(await needsProof(subject))) return;
    const solved = await pow.verify(altcha);
    if (
      solved &&
      (await store.security.spendChallenge(solved.signature, solved.expiresAt, Date.now()))
    )
      return;
    if (altcha !== undefined)
      await events.emit(subject.orgId, 'challenge_failed', {
        agentId: subject.agentId,
        ip: subject.ip,
        detail: { reason: solved ? 'replayed' : 'invalid' },
      });
    throw new ParleyError('challenge_required');
  }

  return {
    needsProof,

    /**
     * Admits one attempt: proof of work when due, then one reserved slot under
     * the account's limit. Throws challenge_required or account_locked.
     */
    async begin(
      subject: AttemptSubject,
      opts: { altcha?: string | undefined; proof?: boolean } = {},
    ): Promise<AttemptSlot> {
      if (opts.proof !== false) await checkProof(subject, opts.altcha);
      const r = await store.security.reserveAttempt(subject.key, Date.now(), LOCKOUT);
      if (!r.reserved) throw new ParleyError('account_locked');
      const attempt = r.row.failures;
      // Only anonymous sign-in failures count towards the address's proof-of-work
      // threshold; a wrong code from a signed-in session counts against its account.
      const countsForAddress = opts.proof !== false;
      return {
        async succeeded() {
          await store.security.clearThrottle(subject.key);
        },
        async failed(reason) {
          const now = Date.now();
          if (countsForAddress)
            await store.security.countFailure(ipKey(subject.ip), now, IP_WINDOW_MS);
          if (attempt < LOCKOUT.max) return;
          await store.security.lock(subject.key, now + LOCKOUT.lockMs);
          await events.emit(subject.orgId, 'account_locked', {
            agentId: subject.agentId,
            ip: subject.ip,
            detail: { reason },
          });
        },
      };
    },

    async locked(key: string): Promise<boolean> {
      const t = await store.security.throttle(key);
      return t?.lockedUntil != null && t.lockedUntil > Date.now();
    },
  };
}
