/**
 * Where file bytes live: the data directory (disk.ts) or an S3-compatible
 * bucket (s3.ts). Drivers store opaque bytes under a key; what they store has
 * passed the sealer first, so that encryption at rest (issue 12: a data key per
 * conversation, wrapped by a key-encryption key outside the database) plugs in
 * here without touching the drivers or the pipeline.
 */
export interface FileStorage {
  readonly kind: 'disk' | 's3';
  put(key: string, data: Buffer): Promise<void>;
  /** The bytes, or undefined when nothing is stored under the key. */
  get(key: string): Promise<Buffer | undefined>;
  /** Deletes the key; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
}

/** What a sealer knows of a file's owner: enough to pick the conversation's data key. */
export interface SealContext {
  orgId: string;
  conversationId: string;
  fileId: string;
}

/**
 * Encryption at rest seam. The server wires `createDataKeySealer` (sealer.ts, issue 12): files
 * are sealed with the conversation's data key, and erasing that key makes every stored copy
 * unreadable. `plainSealer` is for tests of the pipeline alone.
 */
export interface FileSealer {
  seal(ctx: SealContext, data: Buffer): Promise<Buffer>;
  open(ctx: SealContext, data: Buffer): Promise<Buffer>;
}

export const plainSealer: FileSealer = {
  seal: (_ctx, data) => Promise.resolve(data),
  open: (_ctx, data) => Promise.resolve(data),
};

export type StoredVariant = 'incoming' | 'original' | 'thumb';

/** Keys are built here only, from ids the server made: never from anything a client sent. */
export function storageKey(ctx: SealContext, variant: StoredVariant): string {
  return `${ctx.orgId}/${ctx.conversationId}/${ctx.fileId}.${variant}`;
}

/** Deletes every stored variant of a file (erasure, retention): the bytes go before the row. */
export async function deleteFileBytes(storage: FileStorage, ctx: SealContext): Promise<void> {
  await Promise.all(
    (['incoming', 'original', 'thumb'] as const).map((v) => storage.delete(storageKey(ctx, v))),
  );
}

const KEY = /^[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+\.(incoming|original|thumb)$/;
export function assertKey(key: string): void {
  if (!KEY.test(key)) throw new Error('invalid storage key');
}
