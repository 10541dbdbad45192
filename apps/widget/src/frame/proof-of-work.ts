import type { Challenge, Solution } from 'altcha-lib';

/** How long the last solve took, in milliseconds (shown to tests and in docs/widget.md's figures). */
export let lastSolveMs: number | null = null;

/** A solved challenge is used once; an unused one is dropped a minute before the server would refuse it. */
const EXPIRY_MARGIN_MS = 60_000;

interface Prepared {
  payload: Promise<string | null>;
  expiresAt: number;
}

let prepared: Prepared | null = null;

/** Solves in a dedicated worker; on the main thread only where workers are missing. */
async function solve(challenge: Challenge): Promise<Solution | null> {
  if (typeof Worker === 'undefined') {
    const [{ solveChallenge }, { deriveKey }] = await Promise.all([
      import('altcha-lib'),
      import('./pow-worker'),
    ]);
    return solveChallenge({ challenge, deriveKey });
  }
  const worker = new Worker(new URL('./pow-worker.ts', import.meta.url), { type: 'module' });
  try {
    return await new Promise<Solution | null>((resolve) => {
      worker.onmessage = (e: MessageEvent<{ solution: Solution | null }>) =>
        resolve(e.data.solution);
      worker.onerror = () => resolve(null);
      worker.postMessage(challenge);
    });
  } finally {
    worker.terminate();
  }
}

async function fetchAndSolve(): Promise<{ payload: string | null; expiresAt: number }> {
  const started = performance.now();
  const res = await fetch('/api/visitor/challenge', { cache: 'no-store', credentials: 'omit' });
  // 404: proof of work is off on this server; nothing to prepare.
  if (!res.ok) return { payload: null, expiresAt: 0 };
  const challenge = (await res.json()) as Challenge;
  const solution = await solve(challenge);
  if (!solution) return { payload: null, expiresAt: 0 };
  lastSolveMs = Math.round(performance.now() - started);
  document.documentElement.dataset.powMs = String(lastSolveMs);
  const expiresAt = (challenge.parameters.expiresAt ?? 0) * 1000 || Date.now() + 5 * 60_000;
  return { payload: btoa(JSON.stringify({ challenge, solution })), expiresAt };
}

/**
 * Starts fetching and solving a visitor-session challenge in the background,
 * as soon as the frame loads, so that "Start chat" finds it solved and the
 * visitor never waits for it (docs/widget.md "Proof of work").
 */
export function prepareVisitorChallenge(): void {
  if (prepared && prepared.expiresAt > Date.now() + EXPIRY_MARGIN_MS) return;
  const entry: Prepared = { payload: Promise.resolve(null), expiresAt: Infinity };
  entry.payload = fetchAndSolve().then(
    (r) => {
      entry.expiresAt = r.expiresAt;
      if (r.payload) document.documentElement.dataset.powReady = '1';
      return r.payload;
    },
    () => {
      entry.expiresAt = 0;
      return null;
    },
  );
  prepared = entry;
}

/**
 * The solution to send when session creation answers `visitor_challenge_required`:
 * the prepared one if it is still fresh (each is spent once), else a new solve.
 */
export async function solveVisitorChallenge(): Promise<string> {
  const p = prepared;
  prepared = null;
  delete document.documentElement.dataset.powReady;
  const ready = p && p.expiresAt > Date.now() + EXPIRY_MARGIN_MS ? await p.payload : null;
  if (ready) return ready;
  const fresh = await fetchAndSolve();
  if (!fresh.payload) throw new Error('The challenge could not be solved in time.');
  return fresh.payload;
}
