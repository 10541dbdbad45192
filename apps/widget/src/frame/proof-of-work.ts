import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/web/sha';

/** How long the last solve took, in milliseconds (shown to tests and in docs/widget.md's figures). */
export let lastSolveMs: number | null = null;

/**
 * Solves the server's self-hosted ALTCHA challenge (Web Crypto, no third
 * party) when session creation answers `visitor_challenge_required`: the
 * visitor waits a fraction of a second on "Start chat" and does nothing.
 */
export async function solveVisitorChallenge(): Promise<string> {
  const started = performance.now();
  const res = await fetch('/api/visitor/challenge', { cache: 'no-store' });
  if (!res.ok) throw new Error('no challenge');
  const challenge = (await res.json()) as Challenge;
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('The challenge could not be solved in time.');
  lastSolveMs = Math.round(performance.now() - started);
  document.documentElement.dataset.powMs = String(lastSolveMs);
  return btoa(JSON.stringify({ challenge, solution }));
}
