import { ParleyError } from '@parley/protocol';
import type { Store } from '../../store';

/** The pieces of modules/auth's proof of work that visitors use (same ALTCHA key and store). */
export interface VisitorPow {
  verify(
    payload: string | undefined,
    purpose: 'visitor_session',
  ): Promise<{ signature: string; expiresAt: number } | undefined>;
}

export type VisitorPowMode = 'off' | 'always' | 'auto';

/**
 * Proof of work on visitor session creation (issue 11 item 3, docs/widget.md
 * "Proof of work"): `off`, `always`, or `auto` — asked only while the
 * organisation's new sessions per minute exceed the threshold (counted by a
 * limiter, shared through Redis when configured). A solution is spent once in
 * the store, so it is not replayed on another node either.
 */
export function createVisitorProof(deps: {
  pow: VisitorPow;
  store: Store;
  mode: VisitorPowMode;
  /** Counts sessions per organisation; answers > 0 once over the threshold this minute. */
  load?: { hit(key: string): Promise<number> };
}) {
  return {
    mode: deps.mode,
    async assert(orgKey: string, altcha: string | undefined): Promise<void> {
      if (deps.mode === 'off') return;
      const busy = (await deps.load?.hit(`org:${orgKey}`)) ?? 0;
      if (deps.mode === 'auto' && busy === 0) return;
      const solved = await deps.pow.verify(altcha, 'visitor_session');
      if (
        solved &&
        (await deps.store.security.spendChallenge(solved.signature, solved.expiresAt, Date.now()))
      )
        return;
      throw new ParleyError('visitor_challenge_required');
    },
  };
}

export type VisitorProof = ReturnType<typeof createVisitorProof>;
