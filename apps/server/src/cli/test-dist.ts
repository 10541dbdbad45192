/**
 * For tests that run the real command line: `bin/parley.mjs` runs the compiled
 * code in dist/, so these tests build it first when it is missing or older than
 * any source it is made of (scripts/build-node.mjs; a few seconds). A lock
 * directory keeps test files that run in parallel from building at once.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../../..');
export const BIN = join(ROOT, 'bin/parley.mjs');
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.node-build');
const LOCK = join(DIST, '.build-lock');
const SOURCES = ['apps/server/src', 'apps/vault/src', 'packages', 'scripts/build-node.mjs'];

function newestMtime(path: string): number {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function isFresh(): boolean {
  const built = statSync(STAMP, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = Math.max(
    newestMtime(join(ROOT, 'package-lock.json')),
    ...SOURCES.map((s) => newestMtime(join(ROOT, s))),
  );
  return built > sources;
}

function tryLock(): boolean {
  try {
    mkdirSync(LOCK);
    return true;
  } catch {
    // A lock left by a killed run is stale after two minutes.
    const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > 120_000) rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
}

/** Builds dist/ (the Node side) unless it is up to date; resolves to bin/parley.mjs. */
export async function ensureDist(): Promise<string> {
  if (isFresh()) return BIN;
  mkdirSync(DIST, { recursive: true });
  const deadline = Date.now() + 180_000;
  while (!tryLock()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for another build of dist/');
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    if (!isFresh()) {
      const res = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--node'], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 170_000,
      });
      if (res.status !== 0) throw new Error(`npm run build failed:\n${res.stdout}${res.stderr}`);
    }
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
  return BIN;
}

/** The environment of a child process that must not see a TypeScript loader. */
export function plainNodeEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PARLEY_LOG_LEVEL: 'warn', ...extra };
  delete env.NODE_OPTIONS;
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  return env;
}
