import { createChallenge, verifySolution, type Challenge, type Solution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';

/**
 * Self-hosted proof of work (ALTCHA): after a few failed sign-ins from one
 * address or against one account, every further attempt must carry a solved
 * challenge, so an anonymous flood of guesses (or of lockouts) costs the
 * attacker CPU per attempt while a person waits a second once. No third party
 * is contacted: challenges are signed with a key derived from the keyring.
 */
/** What a challenge is for: a solution for one purpose is refused for the other. */
export type PowPurpose = 'sign_in' | 'visitor_session';

export interface ProofOfWork {
  create(purpose?: PowPurpose): Promise<Challenge>;
  /** The challenge's signature when `payload` is a valid, unexpired solution; undefined otherwise. */
  verify(
    payload: string | undefined,
    purpose?: PowPurpose,
  ): Promise<{ signature: string; expiresAt: number } | undefined>;
}

export interface ProofOfWorkOptions {
  hmacKey: string;
  /** Hex zeros the derived key must start with: 4 ≈ 65 000 SHA-256 on average (about a second in a browser). */
  difficulty: number;
  ttlMs?: number;
}

export function createProofOfWork(opts: ProofOfWorkOptions): ProofOfWork {
  const ttlMs = opts.ttlMs ?? 5 * 60_000;
  return {
    create(purpose = 'sign_in') {
      return createChallenge({
        algorithm: 'SHA-256',
        cost: 1,
        keyPrefix: '0'.repeat(Math.max(1, opts.difficulty)),
        deriveKey,
        hmacSignatureSecret: opts.hmacKey,
        expiresAt: new Date(Date.now() + ttlMs),
        data: { purpose },
      });
    },
    async verify(payload, purpose = 'sign_in') {
      if (!payload) return undefined;
      let parsed: { challenge?: Challenge; solution?: Solution };
      try {
        parsed = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as typeof parsed;
      } catch {
        return undefined;
      }
      const { challenge, solution } = parsed;
      if (!challenge?.signature || !solution || challenge.parameters.data?.purpose !== purpose)
        return undefined;
      try {
        const r = await verifySolution({
          challenge,
          solution,
          deriveKey,
          hmacSignatureSecret: opts.hmacKey,
        });
        if (!r.verified) return undefined;
      } catch {
        return undefined;
      }
      const expiresAt = (challenge.parameters.expiresAt ?? 0) * 1000 || Date.now() + ttlMs;
      return { signature: challenge.signature, expiresAt };
    },
  };
}
