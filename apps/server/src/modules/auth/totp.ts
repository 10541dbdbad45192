import { randomBytes } from 'node:crypto';
import { authenticator } from 'otplib';
import QRCode from 'qrcode';
import { sha256Hex } from '../../lib/tokens';

// RFC 6238 defaults (SHA-1, 6 digits, 30 s); one step of clock drift either way.
const totp = authenticator.clone({ window: 1 });
const STEP_SECONDS = 30;
export const RECOVERY_CODE_COUNT = 10;

export function newTotpSecret(): string {
  return totp.generateSecret(20);
}

export async function enrolmentFor(
  secret: string,
  account: string,
  issuer: string,
): Promise<{ secret: string; otpauthUrl: string; qrDataUrl: string }> {
  const otpauthUrl = totp.keyuri(account, issuer, secret);
  const qrDataUrl = await QRCode.toDataURL(otpauthUrl, {
    errorCorrectionLevel: 'M',
    margin: 1,
    width: 220,
  });
  return { secret, otpauthUrl, qrDataUrl };
}

/** The time-step a 6-digit code matches (within the window), or undefined. */
export function matchingStep(secret: string, code: string, now = Date.now()): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totp.checkDelta(code, secret);
  if (delta === null) return undefined;
  return Math.floor(now / 1000 / STEP_SECONDS) + delta;
}

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten one-time recovery codes (xxxx-xxxx-xxxx, ~59 bits each). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(12);
    const chars = [...bytes].map((b) => ALPHABET[b % ALPHABET.length] ?? 'a').join('');
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
  });
}

/** Recovery codes are stored only as this hash of their normalised form. */
export function recoveryCodeHash(code: string): string {
  return sha256Hex(`parley-recovery:${code.toLowerCase().replace(/[^a-z0-9]/g, '')}`);
}

export function looksLikeRecoveryCode(code: string): boolean {
  return code.replace(/[^a-zA-Z0-9]/g, '').length === 12;
}
