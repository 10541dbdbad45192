import { readFileSync } from 'node:fs';
import { ParleyError } from '@parley/protocol';

export const MIN_PASSWORD_LENGTH = 12;

let common: Set<string> | undefined;

/** The shipped list of common passwords (common-passwords.txt), lower-cased. */
function commonPasswords(): Set<string> {
  common ??= new Set(
    readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0 && !l.startsWith('#')),
  );
  return common;
}

/**
 * Why a password is refused, or undefined when it is acceptable: at least 12
 * characters (PCI DSS 8.3.6), not on the common-password list, also after
 * dropping trailing digits and symbols ("password1234!"), not one repeated
 * character and not the account's e-mail address.
 */
export function passwordProblem(password: string, email?: string): string | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH)
    return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  const lower = password.toLowerCase();
  const list = commonPasswords();
  const stripped = lower.replace(/[\d\W_]+$/u, '');
  if (
    list.has(lower) ||
    (stripped.length >= 4 && list.has(stripped)) ||
    list.has(lower.replace(/\s+/g, ''))
  ) {
    return 'This password is on a list of commonly used passwords.';
  }
  if (/^(.)\1*$/u.test(password)) return 'Do not repeat one character.';
  if (email && (lower === email.toLowerCase() || lower === email.toLowerCase().split('@')[0]))
    return 'Do not use your e-mail address.';
  return undefined;
}

/** Throws weak_password when the password does not meet the policy. */
export function assertStrongPassword(password: string, email?: string): void {
  const problem = passwordProblem(password, email);
  if (problem)
    throw new ParleyError(
      'weak_password',
      `${problem} Choose a password of at least ${MIN_PASSWORD_LENGTH} characters that is not a commonly used one.`,
    );
}
