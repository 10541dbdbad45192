import type { Logger } from '../../logger';
import type { FileRow, Store } from '../../store';
import type { SecurityEvents } from '../security';
import { stripImage, UnreadableImageError } from './images';
import { showsCardNumber, type Ocr } from './ocr';
import { ScannerUnavailableError, type Scanner } from './scanner';
import { storageKey, type FileSealer, type FileStorage, type SealContext } from './storage';

export interface PipelineDeps {
  store: Store;
  storage: FileStorage;
  sealer: FileSealer;
  scanner: Scanner;
  /** Undefined when OCR is turned off (PARLEY_FILES_OCR=off): images are delivered unread. */
  ocr: Ocr | undefined;
  events: SecurityEvents;
  log: Logger;
  publish(row: FileRow): Promise<void>;
  now?: () => number;
}

/** Delay before the next attempt after the scanner or OCR could not answer: 2 s, 4 s, ... at most 5 min. */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 5 * 60_000);
}

export const ctxOf = (row: FileRow): SealContext => ({
  orgId: row.orgId,
  conversationId: row.conversationId,
  fileId: row.id,
});

/**
 * One file from "checking" to "available" or "blocked": scanned by clamd first
 * (the bytes as uploaded), then, for images, re-encoded (sharp) and read by
 * OCR. Nothing is downloadable until this finishes; a scanner or OCR that
 * cannot answer leaves the file checking for the retry job (fail closed).
 */
export function createPipeline(deps: PipelineDeps & { retryBaseMs: number }) {
  const { store, storage, sealer, log } = deps;
  const now = deps.now ?? Date.now;

  async function erase(row: FileRow): Promise<void> {
    const ctx = ctxOf(row);
    await Promise.all([
      storage.delete(storageKey(ctx, 'incoming')),
      storage.delete(storageKey(ctx, 'original')),
      storage.delete(storageKey(ctx, 'thumb')),
    ]);
  }

  async function block(
    row: FileRow,
    reason: 'malware' | 'card' | 'unreadable',
    signature: string | null,
  ) {
    // Nothing of a blocked file is kept (a card image, malware): the bytes go before the row says so.
    await erase(row);
    const done = await store.files.update(
      row.orgId,
      row.id,
      { status: 'blocked', blockReason: reason, signature, updatedAt: now() },
      'checking',
    );
    if (!done) return;
    await deps.events.emit(row.orgId, 'file_blocked', {
      detail: {
        fileId: row.id,
        conversationId: row.conversationId,
        reason,
        signature,
        uploader: row.uploaderKind,
      },
    });
    log.warn(
      { fileId: row.id, conversationId: row.conversationId, reason, signature },
      'file blocked',
    );
    await deps.publish(done);
  }

  async function later(row: FileRow, why: string): Promise<void> {
    const attempts = row.attempts + 1;
    await store.files.update(
      row.orgId,
      row.id,
      {
        attempts,
        nextAttemptAt: now() + retryDelayMs(attempts, deps.retryBaseMs),
        updatedAt: now(),
      },
      'checking',
    );
    log.warn({ fileId: row.id, attempts, why }, 'file check postponed; the file stays checking');
  }

  return {
    async process(row: FileRow): Promise<void> {
      const current = await store.files.byId(row.orgId, row.id);
      if (!current || current.status !== 'checking') return;
      const ctx = ctxOf(current);
      const sealed = await storage.get(storageKey(ctx, 'incoming'));
      if (!sealed) {
        // Another node settled it meanwhile, or the bytes were lost: never released unchecked.
        const again = await store.files.byId(row.orgId, row.id);
        if (again?.status === 'checking') await block(again, 'unreadable', null);
        return;
      }
      const bytes = await sealer.open(ctx, sealed);
      const started = now();
      let verdict;
      try {
        verdict = await deps.scanner.scan(bytes);
      } catch (err) {
        if (err instanceof ScannerUnavailableError) return later(current, err.message);
        throw err;
      }
      if (!verdict.clean) return block(current, 'malware', verdict.signature);

      let final = bytes;
      let patch: Partial<FileRow> = {};
      let thumb: Buffer | undefined;
      if (current.mime.startsWith('image/')) {
        let img;
        try {
          img = await stripImage(bytes, current.mime as Parameters<typeof stripImage>[1]);
        } catch (err) {
          if (err instanceof UnreadableImageError) return block(current, 'unreadable', null);
          throw err;
        }
        if (deps.ocr) {
          let text: string;
          try {
            text = await deps.ocr.read(img.data);
          } catch (err) {
            return later(current, err instanceof Error ? err.message : 'ocr failed');
          }
          if (showsCardNumber(text)) return block(current, 'card', null);
        }
        final = img.data;
        thumb = img.thumb;
        patch = { mime: img.type, width: img.width, height: img.height, size: img.data.length };
      }
      await storage.put(storageKey(ctx, 'original'), await sealer.seal(ctx, final));
      if (thumb) await storage.put(storageKey(ctx, 'thumb'), await sealer.seal(ctx, thumb));
      const done = await store.files.update(
        current.orgId,
        current.id,
        {
          status: 'available',
          ...(patch.mime ? { mime: patch.mime } : {}),
          ...(patch.size !== undefined ? { size: patch.size } : {}),
          ...(patch.width !== undefined
            ? { width: patch.width, height: patch.height ?? null }
            : {}),
          hasThumb: thumb !== undefined,
          updatedAt: now(),
        },
        'checking',
      );
      // The bytes as uploaded are discarded (an image keeps only its re-encoding).
      await storage.delete(storageKey(ctx, 'incoming'));
      if (!done) return;
      log.info({ fileId: done.id, ms: now() - started, type: done.mime }, 'file available');
      await deps.publish(done);
    },
    erase,
  };
}
export type Pipeline = ReturnType<typeof createPipeline>;
