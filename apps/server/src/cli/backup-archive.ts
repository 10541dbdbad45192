import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/**
 * The encrypted backup archive (`parley backup`): a plaintext header, then the
 * payload in chunks of AES-256-GCM. Each chunk's nonce is a random prefix and
 * its index; its additional data binds the header, the index and whether it is
 * the last chunk, so a reordered, dropped, truncated or edited chunk fails to
 * open. The key is random per backup and lives only in the separate key file.
 *
 *   "PARLEYBK" | version (1 byte) | header length (u32) | header JSON
 *   then per chunk: ciphertext length (u32) | ciphertext with its 16-byte tag
 */

const MAGIC = Buffer.from('PARLEYBK');
const VERSION = 1;
const TAG_BYTES = 16;
export const CHUNK_BYTES = 1 << 20;
/** A chunk larger than this is not ours: refuse before allocating it. */
const MAX_RECORD = CHUNK_BYTES + TAG_BYTES;

export interface ArchiveHeader {
  backupId: string;
  created: string;
  parleyVersion: string;
  chunkBytes: number;
  /** base64url, 8 bytes: the fixed part of every chunk's nonce. */
  nonce: string;
  /** base64url, 8 bytes: tells a wrong key file from a damaged archive. */
  keyCheck: string;
}

export class BackupFormatError extends Error {}

export function newBackupKey(): Buffer {
  return randomBytes(32);
}

function dataKey(key: Buffer, backupId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, backupId, 'parley backup v1 data', 32));
}

function keyCheck(key: Buffer, backupId: string): string {
  return createHmac('sha256', key)
    .update(`parley backup key check ${backupId}`)
    .digest()
    .subarray(0, 8)
    .toString('base64url');
}

function chunkAad(headerHash: Buffer, index: number, final: boolean): Buffer {
  const aad = Buffer.alloc(headerHash.length + 9);
  headerHash.copy(aad);
  aad.writeBigUInt64BE(BigInt(index), headerHash.length);
  aad[headerHash.length + 8] = final ? 1 : 0;
  return aad;
}

function chunkNonce(prefix: Buffer, index: number): Buffer {
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce);
  nonce.writeUInt32BE(index, 8);
  return nonce;
}

/** Writes an archive: `write` takes plaintext in any sizes, `finish` seals the last chunk. */
export class ArchiveWriter {
  readonly header: ArchiveHeader;
  private readonly key: Buffer;
  private readonly prefix: Buffer;
  private readonly headerHash: Buffer;
  private readonly headerBytes: Buffer;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private index = 0;
  private started = false;
  /** Ciphertext bytes written so far, header included. */
  written = 0;

  constructor(
    private readonly out: FileHandle,
    key: Buffer,
    parleyVersion: string,
  ) {
    const backupId = randomUUID();
    this.prefix = randomBytes(8);
    this.header = {
      backupId,
      created: new Date().toISOString(),
      parleyVersion,
      chunkBytes: CHUNK_BYTES,
      nonce: this.prefix.toString('base64url'),
      keyCheck: keyCheck(key, backupId),
    };
    this.key = dataKey(key, backupId);
    this.headerBytes = Buffer.from(JSON.stringify(this.header));
    this.headerHash = createHash('sha256').update(this.headerBytes).digest();
  }

  private async emit(bytes: Buffer): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesWritten } = await this.out.write(bytes, offset, bytes.length - offset);
      offset += bytesWritten;
    }
    this.written += bytes.length;
  }

  private async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const lead = Buffer.alloc(MAGIC.length + 5);
    MAGIC.copy(lead);
    lead[MAGIC.length] = VERSION;
    lead.writeUInt32BE(this.headerBytes.length, MAGIC.length + 1);
    await this.emit(Buffer.concat([lead, this.headerBytes]));
  }

  private async seal(plain: Buffer, final: boolean): Promise<void> {
    if (this.index >= 0xffffffff) throw new BackupFormatError('backup too large');
    const cipher = createCipheriv('aes-256-gcm', this.key, chunkNonce(this.prefix, this.index));
    cipher.setAAD(chunkAad(this.headerHash, this.index, final));
    const ct = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(ct.length);
    await this.emit(Buffer.concat([len, ct]));
    this.index += 1;
  }

  async write(bytes: Buffer): Promise<void> {
    await this.start();
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    while (this.pendingBytes > CHUNK_BYTES) {
      const all = Buffer.concat(this.pending);
      await this.seal(all.subarray(0, CHUNK_BYTES), false);
      const rest = all.subarray(CHUNK_BYTES);
      this.pending = [rest];
      this.pendingBytes = rest.length;
    }
  }

  /** Seals what is left as the final chunk (possibly empty). */
  async finish(): Promise<void> {
    await this.start();
    await this.seal(Buffer.concat(this.pending), true);
    this.pending = [];
    this.pendingBytes = 0;
  }
}

async function readExactly(input: FileHandle, length: number, position: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await input.read(buf, got, length - got, position + got);
    if (bytesRead === 0) throw new BackupFormatError('the archive is truncated');
    got += bytesRead;
  }
  return buf;
}

/** Reads the plaintext header without a key (for messages and the key-file match). */
export async function readArchiveHeader(
  input: FileHandle,
): Promise<{ header: ArchiveHeader; headerBytes: Buffer; bodyOffset: number }> {
  const lead = await readExactly(input, MAGIC.length + 5, 0).catch(() => {
    throw new BackupFormatError('not a Parley backup (too short)');
  });
  if (!lead.subarray(0, MAGIC.length).equals(MAGIC))
    throw new BackupFormatError('not a Parley backup');
  if (lead[MAGIC.length] !== VERSION)
    throw new BackupFormatError(`unsupported backup version ${lead[MAGIC.length]}`);
  const headerLength = lead.readUInt32BE(MAGIC.length + 1);
  if (headerLength > 64 * 1024) throw new BackupFormatError('not a Parley backup (header)');
  const headerBytes = await readExactly(input, headerLength, lead.length);
  let header: ArchiveHeader;
  try {
    header = JSON.parse(headerBytes.toString('utf8')) as ArchiveHeader;
  } catch {
    throw new BackupFormatError('not a Parley backup (header)');
  }
  if (typeof header.backupId !== 'string' || typeof header.nonce !== 'string')
    throw new BackupFormatError('not a Parley backup (header)');
  return { header, headerBytes, bodyOffset: lead.length + headerLength };
}

/**
 * Yields the archive's plaintext chunk by chunk, each authenticated before it
 * is yielded; throws on a wrong key, an edit, a reordering or a missing tail.
 */
export async function* readArchive(input: FileHandle, key: Buffer): AsyncGenerator<Buffer> {
  const { header, headerBytes, bodyOffset } = await readArchiveHeader(input);
  if (keyCheck(key, header.backupId) !== header.keyCheck)
    throw new BackupFormatError('the key file does not belong to this backup');
  const k = dataKey(key, header.backupId);
  const prefix = Buffer.from(header.nonce, 'base64url');
  const headerHash = createHash('sha256').update(headerBytes).digest();
  const size = (await input.stat()).size;
  let position = bodyOffset;
  for (let index = 0; ; index += 1) {
    if (position + 4 > size) throw new BackupFormatError('the archive is truncated');
    const length = (await readExactly(input, 4, position)).readUInt32BE();
    if (length < TAG_BYTES || length > MAX_RECORD)
      throw new BackupFormatError('the archive is damaged');
    const record = await readExactly(input, length, position + 4);
    position += 4 + length;
    const final = position === size;
    const decipher = createDecipheriv('aes-256-gcm', k, chunkNonce(prefix, index));
    decipher.setAAD(chunkAad(headerHash, index, final));
    decipher.setAuthTag(record.subarray(length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([
        decipher.update(record.subarray(0, length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new BackupFormatError(
        final
          ? 'the archive is damaged or truncated (its last part does not authenticate)'
          : 'the archive is damaged (a part does not authenticate)',
      );
    }
    yield plain;
    if (final) return;
  }
}
