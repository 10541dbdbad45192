import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/web/sha';

/**
 * Solves the server's self-hosted ALTCHA challenge in the browser (Web Crypto),
 * as sign-in asks after a few failures: about a second of work for a person,
 * real cost for a flood of guesses. Nothing is sent to a third party.
 */
export async function solveSignInChallenge(): Promise<string> {
  const res = await fetch('/api/auth/challenge', { credentials: 'same-origin', cache: 'no-store' });
  const challenge = (await res.json()) as Challenge;
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('The challenge could not be solved in time.');
  return btoa(JSON.stringify({ challenge, solution }));
}
