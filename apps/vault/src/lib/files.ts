import { chmodSync, mkdirSync } from 'node:fs';

/** Creates a directory 0700, or tightens an existing one to 0700 (it holds the store or the key). */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}
