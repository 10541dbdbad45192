import Database from 'better-sqlite3';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { BackupFormatError, readArchive, readArchiveHeader } from './backup-archive';
import { mergeDataKeys } from './backup-data-keys';
import type { KeyFile, Manifest } from './backup-manifest';

/**
 * `parley restore` (issue 17, item 7): the other half of backup.ts. Reads the
 * archive with its key file, checks every path and every SQLite file, and
 * renames the result into place only when all of it is there.
 */

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
