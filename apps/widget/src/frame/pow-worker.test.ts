import { describe, expect, it } from 'vitest';
import { createChallenge, solveChallenge, verifySolution } from 'altcha-lib';
import { deriveKey as nodeDeriveKey } from 'altcha-lib/algorithms/sha';
import { sha256 } from './sha256';
import { deriveKey } from './pow-worker';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

describe("the proof-of-work worker's SHA-256", () => {
  it('matches Web Crypto on the FIPS vectors and on every length across the padding edges', async () => {
    expect(hex(sha256(new Uint8Array()))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(hex(sha256(new TextEncoder().encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    for (let n = 0; n < 200; n++) {
      const data = new Uint8Array(n).map((_, i) => (i * 31 + n) & 0xff);
      expect(hex(sha256(data)), `length ${n}`).toBe(
        hex(new Uint8Array(await crypto.subtle.digest('SHA-256', data))),
      );
    }
  });

  it("solves a server challenge that the server's own verifier accepts, and prints the time", async () => {
    const hmacSignatureSecret = 'test-secret';
    const challenge = await createChallenge({
      algorithm: 'SHA-256',
      cost: 1,
      keyPrefix: '0000',
      deriveKey: nodeDeriveKey,
      hmacSignatureSecret,
      expiresAt: new Date(Date.now() + 60_000),
    });
    const started = performance.now();
    const solution = await solveChallenge({ challenge, deriveKey });
    const ms = performance.now() - started;
    console.log(`difficulty 4 solved with the worker's SHA-256 in ${Math.round(ms)} ms (Node)`);
    expect(solution).not.toBeNull();
    const r = await verifySolution({
      challenge,
      solution: solution!,
      deriveKey: nodeDeriveKey,
      hmacSignatureSecret,
    });
    expect(r.verified).toBe(true);
  });
});
