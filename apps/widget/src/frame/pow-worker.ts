// The proof-of-work solver, off the main thread (issue 11 item 3): SHA-256 in
// plain JavaScript inside a dedicated worker, so the page stays responsive and
// the solve can start as soon as the frame loads. altcha-lib drives the search
// (counter encoding, prefix test), so solutions verify exactly as the server's.
import { solveChallenge, type Challenge, type ChallengeParameters } from 'altcha-lib';
import { sha256 } from './sha256';

/** ALTCHA's SHA-256 key derivation (cost rounds over salt ‖ password), synchronously. */
export function deriveKey(parameters: ChallengeParameters, salt: Uint8Array, password: Uint8Array) {
  let key: Uint8Array = new Uint8Array(salt.length + password.length);
  key.set(salt);
  key.set(password, salt.length);
  for (let i = 0; i < Math.max(1, parameters.cost); i++) key = sha256(key);
  return Promise.resolve({ parameters: {}, derivedKey: key.slice(0, parameters.keyLength ?? 32) });
}

if (typeof self !== 'undefined' && typeof window === 'undefined')
  self.onmessage = (event: MessageEvent<Challenge>) => {
    if (event.data.parameters.algorithm !== 'SHA-256')
      return void self.postMessage({ solution: null });
    solveChallenge({ challenge: event.data, deriveKey }).then(
      (solution) => self.postMessage({ solution }),
      () => self.postMessage({ solution: null }),
    );
  };
