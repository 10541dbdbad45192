import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface OneTimePassword {
  email: string;
  password: string;
}

export interface RevealTarget {
  dataDir: string;
  /** Where an interactive operator reads it; defaults to process.stderr. */
  terminal?: NodeJS.WriteStream;
}

/** The file a one-time password goes to when no terminal is attached: in the data directory, mode 0600. */
export function oneTimePasswordFile(dataDir: string, email: string): string {
  const safe = email.toLowerCase().replace(/[^a-z0-9@._-]/g, '_');
  return resolve(join(dataDir, `one-time-password-${safe}.txt`));
}

/**
 * Hands a one-time password to the operator, never to the log stream (stdout
 * carries the JSON log, which ends up in log files, journald and container
 * logs). On an interactive terminal it is written to stderr; otherwise to a
 * 0600 file in the data directory. Returns the line to print on stdout: where
 * the password is, never the password itself.
 */
export function revealOneTimePassword(otp: OneTimePassword, target: RevealTarget): string {
  const terminal = target.terminal ?? process.stderr;
  if (terminal.isTTY) {
    terminal.write(
      `\n  One-time password for ${otp.email}: ${otp.password}\n  (shown only now, on this terminal; it is stored only as a hash and must be replaced at first sign-in)\n\n`,
    );
    return `  One-time password for ${otp.email}: shown on this terminal (stderr), not in the log`;
  }
  const file = oneTimePasswordFile(target.dataDir, otp.email);
  mkdirSync(target.dataDir, { recursive: true, mode: 0o700 });
  // A fresh file each time, so that a stale one with wider permissions is not reused.
  rmSync(file, { force: true });
  writeFileSync(file, `${otp.email}\n${otp.password}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return `  One-time password for ${otp.email}: written to ${file} (mode 0600; delete it after the first sign-in)`;
}
