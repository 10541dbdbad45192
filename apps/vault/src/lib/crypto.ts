/** Vault key handling: AES-256-GCM for stored secrets, derived keys for links, hashes for lookups. */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/** base64url random token; 32 bytes = 256 bits, well over the 128 required. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A purpose-bound subkey, so the data key never doubles as a MAC key. */
export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `parley-vault:${purpose}`, 32));
}

/**
 * The pay link token of a payment's link generation: an HMAC under a derived
 * key, so an idempotent replay of a create can return the same link while the
 * store holds only the token's hash.
 */
export function linkToken(linkKey: Buffer, paymentId: string, generation: number): string {
  return createHmac('sha256', linkKey).update(`${paymentId}:${generation}`).digest('base64url');
}

/**
 * The capability in a 3-D Secure return URL (issue 10 finding 9): bound to the
 * payment and its one charge, handed only to the payer's browser through the
 * gateway's redirect, where the SameSite=Strict session cookie is not sent.
 */
export function returnToken(linkKey: Buffer, paymentId: string, chargeId: string): string {
  return createHmac('sha256', linkKey)
    .update(`return:${paymentId}:${chargeId}`)
    .digest('base64url');
}

/** Constant-time comparison of two tokens. */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const VERSION = 'v1';

/** AES-256-GCM with a random 96-bit nonce; `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export function encrypt(key: Buffer, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    VERSION,
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    ct.toString('base64url'),
  ].join('.');
}

export function decrypt(key: Buffer, sealed: string, aad: string): string {
  const [version, iv, tag, ct] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || ct === undefined)
    throw new Error('unknown ciphertext format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString(
    'utf8',
  );
}
