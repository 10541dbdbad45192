import { createPublicKey, type KeyObject } from 'node:crypto';
import { errors, jwtVerify } from 'jose';
import { ParleyError } from '@parley/protocol';
import type { VisitorIdentityAlgorithm } from '../../store';

/** Clock difference tolerated between the host website and this server. */
export const CLOCK_SKEW_SECONDS = 60;
/** Identity tokens are short-lived: a token may not be valid for longer than this. */
export const MAX_TOKEN_LIFETIME_SECONDS = 3600;

export interface VerifiedIdentity {
  sub: string;
  email: string | null;
  name: string | null;
  jti: string;
  /** ms */
  expiresAt: number;
}

export interface VerifyKey {
  algorithm: VisitorIdentityAlgorithm;
  /** HS256: the shared secret; RS256/ES256: the host's public key. */
  key: Uint8Array | KeyObject;
  issuer: string;
  audience: string;
}

/** Why a token was refused: the security event's `reason` (never the token itself). */
export class IdentityRefusal extends ParleyError {
  constructor(
    code: 'identity_invalid' | 'identity_expired' | 'identity_replayed' | 'identity_mismatch',
    readonly reason: string,
  ) {
    super(code);
  }
}

/**
 * Parses an admin-pasted public key (SPKI PEM) for the algorithm; throws
 * bad_request when it is not a key of that kind (ES256: P-256 only, RS256: ≥ 2048 bits).
 */
export function parsePublicKey(pem: string, algorithm: 'RS256' | 'ES256'): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new ParleyError('bad_request', 'The public key is not a PEM public key.');
  }
  const d = key.asymmetricKeyDetails;
  if (algorithm === 'ES256' && (key.asymmetricKeyType !== 'ec' || d?.namedCurve !== 'prime256v1'))
    throw new ParleyError('bad_request', 'ES256 needs an EC P-256 public key.');
  if (algorithm === 'RS256' && (key.asymmetricKeyType !== 'rsa' || (d?.modulusLength ?? 0) < 2048))
    throw new ParleyError('bad_request', 'RS256 needs an RSA public key of at least 2048 bits.');
  return key;
}

const text = (v: unknown, max: number): string | null =>
  typeof v === 'string' && v.trim().length > 0 ? v.trim().slice(0, max) : null;

/**
 * Verifies a host-signed identity token: signature with exactly the configured
 * algorithm (no `none`, no algorithm switching), issuer, audience, `exp`/`iat`
 * with CLOCK_SKEW_SECONDS, a lifetime of at most MAX_TOKEN_LIFETIME_SECONDS,
 * and the claims `sub` and `jti`. Replay is checked by the caller (it needs the store).
 */
export async function verifyIdentityToken(
  token: string,
  key: VerifyKey,
  now: number = Date.now(),
): Promise<VerifiedIdentity> {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, key.key, {
      algorithms: [key.algorithm],
      issuer: key.issuer,
      audience: key.audience,
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ['sub', 'exp', 'iat', 'jti'],
      currentDate: new Date(now),
    }));
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new IdentityRefusal('identity_expired', 'expired');
    if (err instanceof errors.JWTClaimValidationFailed)
      throw new IdentityRefusal('identity_invalid', `claim_${err.claim}`);
    if (err instanceof errors.JWSSignatureVerificationFailed)
      throw new IdentityRefusal('identity_invalid', 'signature');
    if (err instanceof errors.JOSEAlgNotAllowed)
      throw new IdentityRefusal('identity_invalid', 'algorithm');
    throw new IdentityRefusal('identity_invalid', 'malformed');
  }
  const exp = payload.exp ?? 0;
  const iat = payload.iat ?? 0;
  if (exp - iat > MAX_TOKEN_LIFETIME_SECONDS || iat * 1000 > now + CLOCK_SKEW_SECONDS * 1000)
    throw new IdentityRefusal('identity_invalid', 'lifetime');
  const sub = text(payload.sub, 200);
  const jti = text(payload.jti, 200);
  if (!sub || !jti) throw new IdentityRefusal('identity_invalid', 'claim_sub');
  const email = text(payload.email, 254);
  return {
    sub,
    jti,
    email: email && /^[^\s@]+@[^\s@]+$/.test(email) ? email : null,
    name: text(payload.name, 80),
    expiresAt: exp * 1000,
  };
}
