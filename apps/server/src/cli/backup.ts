import Database from 'better-sqlite3';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { VERSION } from '../version';
import { ArchiveWriter, BackupFormatError, newBackupKey } from './backup-archive';
import { stripDataKeys } from './backup-data-keys';
import type { KeyFile, Manifest } from './backup-manifest';

export { restore, type RestoreOptions, type RestoreSummary } from './restore';
export { progressBar } from './progress-bar';

/**
 * `parley backup` and `parley restore` (issue 17, item 7): a consistent,
 * encrypted snapshot of an installation's data directory, taken while it runs.
 *
 * - SQLite databases (the chat store `parley.db`, the vault's `vault/vault.sqlite`)
 *   are copied with SQLite's online backup API, each in one step, i.e. one read
 *   transaction: a consistent snapshot while writers go on (WAL mode).
 * - The audit checkpoints are copied before the chat store, so every checkpoint
 *   names an entry that the snapshot holds (`parley audit verify` passes on a
 *   restored copy).
 * - Keys (`secrets.key`, `audit.key`, `edge-secrets.json`, the vault's
 *   `encryption.key`) never go into the archive: they go into the key file with
 *   the archive's own random key. Keep the two apart; either alone is useless.
 * - One-time passwords and SQLite's WAL/SHM/journal files are not copied.
 *
 * `restore.ts` reads it back.
 */

export interface BackupOptions {
  dataDir: string;
  out: string;
  keys: string;
  /** The chat store is PostgreSQL: it is not in the archive (pg_dump, docs/operations.md). */
  chatStoreIsPostgres?: boolean;
  /** Key material given by environment instead of files: named in the key file, not copied. */
  externalKeys?: string[];
  progress?: (done: number, total: number) => void;
}

export interface BackupSummary {
  backupId: string;
  files: { path: string; size: number; kind: 'sqlite' | 'file' }[];
  keys: string[];
  notIncluded: string[];
  archiveBytes: number;
}

/** Key material: into the key file, never the archive. Paths relative to the data directory. */
const KEY_FILES = [
  'secrets.key',
  'audit.key',
  'data.key',
  'edge-secrets.json',
  'vault/encryption.key',
];
/** SQLite databases, snapshotted with the backup API. */
const DATABASES = ['parley.db', 'vault/vault.sqlite'];
const CHECKPOINTS = 'audit-checkpoints.jsonl';

function skipped(path: string): boolean {
  const name = path.split('/').pop() ?? path;
  return (
    /-(wal|shm|journal)$/.test(name) ||
    /^one-time-password-.*\.txt$/.test(name) ||
    name.startsWith('.backup-') ||
    name.startsWith('.restore-')
  );
}

/** Every regular file under dir, as paths relative to it with '/' separators. */
function walk(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const rel = relative(base, full).split(sep).join('/');
    if (skipped(rel)) continue;
    if (entry.isDirectory()) out.push(...walk(full, base));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

async function snapshotSqlite(source: string, target: string): Promise<void> {
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    // One step copies every page inside one read transaction: consistent even
    // while the server writes (a stepwise copy restarts on every write).
    await db.backup(target, { progress: () => 0x7fffffff });
  } finally {
    db.close();
  }
  chmodSync(target, 0o600);
}

export async function backup(opts: BackupOptions): Promise<BackupSummary> {
  const dataDir = resolve(opts.dataDir);
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory())
    throw new BackupFormatError(`no data directory at ${dataDir}`);
  if (!opts.chatStoreIsPostgres && !existsSync(join(dataDir, 'parley.db')))
    throw new BackupFormatError(`no Parley database in ${dataDir} (parley.db)`);
  const out = resolve(opts.out);
  const keysPath = resolve(opts.keys);
  if (out === keysPath) throw new BackupFormatError('--out and --keys must be different files');
  for (const p of [out, keysPath]) {
    if (existsSync(p)) throw new BackupFormatError(`${p} exists already; choose a new file`);
    if (!existsSync(dirname(p))) throw new BackupFormatError(`no directory ${dirname(p)}`);
  }

  const staging = mkdtempSync(join(dataDir, '.backup-'));
  chmodSync(staging, 0o700);
  try {
    const files: Manifest['files'] = [];
    const notIncluded: string[] = [];
    const stage = (rel: string): string => {
      const target = join(staging, ...rel.split('/'));
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      return target;
    };
    // 1. Checkpoints first: each names an entry the snapshot below must hold.
    if (existsSync(join(dataDir, CHECKPOINTS))) {
      copyFileSync(join(dataDir, CHECKPOINTS), stage(CHECKPOINTS));
      files.push({ path: CHECKPOINTS, size: statSync(stage(CHECKPOINTS)).size, kind: 'file' });
    }
    // 2. The databases, each a consistent snapshot.
    for (const rel of DATABASES) {
      const source = join(dataDir, ...rel.split('/'));
      if (rel === 'parley.db' && opts.chatStoreIsPostgres) {
        notIncluded.push('chat store (PostgreSQL): back it up with pg_dump');
        continue;
      }
      if (!existsSync(source)) continue;
      await snapshotSqlite(source, stage(rel));
      if (rel === 'parley.db') {
        const stripped = stripDataKeys(stage(rel));
        if (stripped > 0)
          notIncluded.push(
            `data keys (${stripped}): restore with --data-keys-from the live data directory (docs/privacy.md)`,
          );
      }
      files.push({ path: rel, size: statSync(stage(rel)).size, kind: 'sqlite' });
    }
    // 3. Every other file (files added later, e.g. attachments), keys excepted.
    const handled = new Set([CHECKPOINTS, ...DATABASES, ...KEY_FILES]);
    for (const rel of walk(dataDir)) {
      if (handled.has(rel) || rel.startsWith(`${relative(dataDir, staging)}/`)) continue;
      copyFileSync(join(dataDir, ...rel.split('/')), stage(rel));
      files.push({ path: rel, size: statSync(stage(rel)).size, kind: 'file' });
    }
    // 4. Keys into the key file.
    const secrets: Record<string, string> = {};
    for (const rel of KEY_FILES) {
      const p = join(dataDir, ...rel.split('/'));
      if (existsSync(p)) secrets[rel] = readFileSync(p, 'utf8');
    }

    const manifest: Manifest = {
      format: 'parley-backup',
      version: 1,
      parleyVersion: VERSION,
      created: new Date().toISOString(),
      files,
      notIncluded,
    };
    const key = newBackupKey();
    const writer = await writeArchive(out, key, manifest, staging, opts.progress);
    const keyFile: KeyFile = {
      format: 'parley-backup-keys',
      version: 1,
      backupId: writer.header.backupId,
      created: manifest.created,
      key: key.toString('base64url'),
      secrets,
      external: opts.externalKeys ?? [],
    };
    writeFileSync(keysPath, `${JSON.stringify(keyFile, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return {
      backupId: writer.header.backupId,
      files,
      keys: Object.keys(secrets),
      notIncluded,
      archiveBytes: writer.written,
    };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Writes the staged files into the encrypted archive at `out` (a new file), synced. */
async function writeArchive(
  out: string,
  key: Buffer,
  manifest: Manifest,
  staging: string,
  progress: BackupOptions['progress'],
): Promise<ArchiveWriter> {
  const files = manifest.files;
  const total = files.reduce((n, f) => n + f.size, 0);
  let done = 0;
  const handle = await open(out, 'wx', 0o600);
  let writer: ArchiveWriter;
  try {
    writer = new ArchiveWriter(handle, key, VERSION);
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    const len = Buffer.alloc(4);
    len.writeUInt32BE(manifestBytes.length);
    await writer.write(Buffer.concat([len, manifestBytes]));
    const buf = Buffer.alloc(1 << 20);
    for (const f of files) {
      const input = await open(join(staging, ...f.path.split('/')), 'r');
      try {
        let position = 0;
        while (position < f.size) {
          const { bytesRead } = await input.read(
            buf,
            0,
            Math.min(buf.length, f.size - position),
            position,
          );
          if (bytesRead === 0) throw new BackupFormatError(`${f.path} shrank while being copied`);
          await writer.write(Buffer.from(buf.subarray(0, bytesRead)));
          position += bytesRead;
          done += bytesRead;
          progress?.(done, total);
        }
      } finally {
        await input.close();
      }
    }
    await writer.finish();
    await handle.sync();
  } catch (err) {
    await handle.close();
    rmSync(out, { force: true });
    throw err;
  }
  await handle.close();
  return writer;
}
