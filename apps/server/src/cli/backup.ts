import Database from 'better-sqlite3';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { VERSION } from '../version';
import {
  ArchiveWriter,
  BackupFormatError,
  newBackupKey,
  readArchive,
  readArchiveHeader,
} from './backup-archive';
import { mergeDataKeys, stripDataKeys } from './backup-data-keys';

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

interface Manifest {
  format: 'parley-backup';
  version: 1;
  parleyVersion: string;
  created: string;
  files: { path: string; size: number; kind: 'sqlite' | 'file' }[];
  notIncluded: string[];
}

interface KeyFile {
  format: 'parley-backup-keys';
  version: 1;
  backupId: string;
  created: string;
  /** base64url: the archive's key. */
  key: string;
  /** Key files of the data directory, by their path in it. */
  secrets: Record<string, string>;
  /** Environment variables that held keys: not copied, keep them with this file. */
  external: string[];
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
            opts.progress?.(done, total);
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

function readKeyFile(path: string): KeyFile {
  let parsed: Partial<KeyFile>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<KeyFile>;
  } catch {
    throw new BackupFormatError(`${path} is not a Parley backup key file`);
  }
  if (parsed.format !== 'parley-backup-keys' || typeof parsed.key !== 'string')
    throw new BackupFormatError(`${path} is not a Parley backup key file`);
  return parsed as KeyFile;
}

/** A path from the archive, checked: relative, inside the target, no '..'. */
function safeRelative(rel: string): string {
  const n = normalize(rel);
  if (
    !rel ||
    isAbsolute(rel) ||
    n.startsWith('..') ||
    n.split(sep).includes('..') ||
    rel.includes('\0')
  )
    throw new BackupFormatError(`the archive names an unsafe path: ${JSON.stringify(rel)}`);
  return n;
}

/** Pulls exact byte counts out of the archive's authenticated chunks. */
class PlainReader {
  private buffered: Buffer = Buffer.alloc(0);
  constructor(private readonly chunks: AsyncGenerator<Buffer>) {}

  private async fill(): Promise<boolean> {
    const next = await this.chunks.next();
    if (next.done) return false;
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, next.value]) : next.value;
    return true;
  }

  async take(n: number): Promise<Buffer> {
    while (this.buffered.length < n)
      if (!(await this.fill())) throw new BackupFormatError('the archive ends early');
    const out = this.buffered.subarray(0, n);
    this.buffered = this.buffered.subarray(n);
    return out;
  }

  /** Hands `n` bytes to `sink` in pieces. */
  async pipe(n: number, sink: (piece: Buffer) => Promise<void>): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.buffered.length === 0 && !(await this.fill()))
        throw new BackupFormatError('the archive ends early');
      const piece = this.buffered.subarray(0, Math.min(left, this.buffered.length));
      this.buffered = this.buffered.subarray(piece.length);
      left -= piece.length;
      await sink(piece);
    }
  }

  async end(): Promise<void> {
    if (this.buffered.length > 0) throw new BackupFormatError('the archive has trailing data');
    while (await this.fill())
      if (this.buffered.length > 0) throw new BackupFormatError('the archive has trailing data');
  }
}

export interface RestoreOptions {
  archive: string;
  keys: string;
  dataDir: string;
  /** The live installation's data directory: its data keys open the restored content (law 9). */
  dataKeysFrom?: string;
  progress?: (done: number, total: number) => void;
}

export interface RestoreSummary {
  backupId: string;
  created: string;
  files: { path: string; size: number; kind: 'sqlite' | 'file' }[];
  keys: string[];
  external: string[];
  notIncluded: string[];
  /** Data keys copied from the live installation (undefined: none asked for). */
  dataKeys?: number;
}

/**
 * Restores into a data directory that does not exist yet (or is empty): all is
 * written to a sibling folder and renamed into place at the end, so a failed
 * restore leaves nothing half-written behind.
 */
export async function restore(opts: RestoreOptions): Promise<RestoreSummary> {
  const target = resolve(opts.dataDir);
  if (existsSync(target) && readdirSync(target).length > 0)
    throw new BackupFormatError(
      `${target} is not empty: restore into a new directory (move the old one aside first)`,
    );
  if (!existsSync(opts.archive)) throw new BackupFormatError(`no backup at ${opts.archive}`);
  if (!existsSync(opts.keys)) throw new BackupFormatError(`no key file at ${opts.keys}`);
  const keyFile = readKeyFile(opts.keys);
  const input = await open(opts.archive, 'r');
  mkdirSync(dirname(target), { recursive: true });
  const work = mkdtempSync(join(dirname(target), '.restore-'));
  chmodSync(work, 0o700);
  try {
    const { header } = await readArchiveHeader(input);
    if (header.backupId !== keyFile.backupId)
      throw new BackupFormatError(
        `the key file belongs to backup ${keyFile.backupId}, the archive is ${header.backupId}`,
      );
    const reader = new PlainReader(readArchive(input, Buffer.from(keyFile.key, 'base64url')));
    const manifestLength = (await reader.take(4)).readUInt32BE();
    if (manifestLength > 16 * 1024 * 1024) throw new BackupFormatError('the archive is damaged');
    const manifest = JSON.parse((await reader.take(manifestLength)).toString('utf8')) as Manifest;
    if (manifest.format !== 'parley-backup') throw new BackupFormatError('the archive is damaged');
    const total = manifest.files.reduce((n, f) => n + f.size, 0);
    let done = 0;
    const place = (rel: string): string => {
      const p = join(work, safeRelative(rel));
      mkdirSync(dirname(p), { recursive: true, mode: 0o700 });
      return p;
    };
    for (const f of manifest.files) {
      const out = await open(place(f.path), 'wx', 0o600);
      try {
        await reader.pipe(f.size, async (piece) => {
          let offset = 0;
          while (offset < piece.length)
            offset += (await out.write(piece, offset, piece.length - offset)).bytesWritten;
          done += piece.length;
          opts.progress?.(done, total);
        });
        await out.sync();
      } finally {
        await out.close();
      }
    }
    await reader.end();
    for (const [rel, text] of Object.entries(keyFile.secrets))
      writeFileSync(place(rel), text, { mode: 0o600, flag: 'wx' });
    for (const f of manifest.files.filter((x) => x.kind === 'sqlite')) {
      const db = new Database(join(work, safeRelative(f.path)), { fileMustExist: true });
      try {
        const result = db.pragma('integrity_check', { simple: true });
        if (result !== 'ok')
          throw new BackupFormatError(`${f.path} fails SQLite's integrity check`);
      } finally {
        db.close();
      }
    }
    const restoredDb = join(work, 'parley.db');
    const dataKeys =
      opts.dataKeysFrom !== undefined && existsSync(restoredDb)
        ? mergeDataKeys(restoredDb, resolve(opts.dataKeysFrom))
        : undefined;
    if (existsSync(target)) rmdirSync(target);
    renameSync(work, target);
    chmodSync(target, 0o700);
    return {
      backupId: header.backupId,
      created: manifest.created,
      files: manifest.files,
      keys: Object.keys(keyFile.secrets),
      ...(dataKeys !== undefined ? { dataKeys } : {}),
      external: keyFile.external,
      notIncluded: manifest.notIncluded,
    };
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  } finally {
    await input.close();
  }
}

/** A one-line progress bar on an interactive terminal; nothing otherwise. */
export function progressBar(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): ((done: number, total: number) => void) & { end(): void } {
  let last = -1;
  const draw = (done: number, total: number): void => {
    if (!stream.isTTY) return;
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (pct === last) return;
    last = pct;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);
    stream.write(
      `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}% (${mb(done)} of ${mb(total)} MB)`,
    );
  };
  return Object.assign(draw, {
    end(): void {
      if (stream.isTTY && last >= 0) stream.write('\n');
    },
  });
}
