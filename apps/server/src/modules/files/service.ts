import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  DEFAULT_FILE_TYPES,
  FILE_TYPES,
  ParleyError,
  type FileSettings,
  type FileVariant,
} from '@parley/protocol';
import { topics, type Bus } from '../../bus';
import type { Logger } from '../../logger';
import type { FileRow, Store } from '../../store';
import type { ChatActor, ChatService } from '../chat';
import type { SecurityEvents } from '../security';
import { inspectFile } from './inspect';
import type { LinkSigner } from './links';
import { sanitiseFileName } from './names';
import type { Ocr } from './ocr';
import { ctxOf, createPipeline } from './pipeline';
import { conversationActionFor, mayManageFileSettings, type FileAction } from './policy';
import { presentFileFrame } from './presenter';
import { createWorkQueue } from './queue';
import type { Scanner } from './scanner';
import { storageKey, type FileSealer, type FileStorage } from './storage';

export interface FileLimits {
  /** The server's cap; an organisation may set less. */
  maxBytes: number;
  /** Files one visitor (or agent) may upload per hour. */
  perUploaderPerHour: number;
  /** Bytes an organisation may receive per day. */
  orgBytesPerDay: number;
  /** Scans and OCR running at once on this node, and waiting at most. */
  workers: number;
  queueMax: number;
  /** Upload bodies being received at once on this node. */
  uploadsInFlight: number;
  retryBaseMs: number;
  /** How often the retry job looks for files still checking. */
  retryEveryMs: number;
}

export interface FileDeps {
  store: Store;
  bus: Bus;
  chat: ChatService;
  events: SecurityEvents;
  log: Logger;
  storage: FileStorage;
  sealer: FileSealer;
  /** Undefined when no clamd is configured: uploads answer files_unavailable (law 7). */
  scanner: Scanner | undefined;
  ocr: Ocr | undefined;
  links: LinkSigner;
  limits: FileLimits;
}

export interface UploadInput {
  conversationId: string;
  clientId: string;
  batchId: string;
  name: string;
  contentLength: number | undefined;
  body: Readable;
}

export type FileService = ReturnType<typeof createFileService>;

const HOUR = 3_600_000;

/** Reads a body up to `max` bytes; more is refused without reading it all. */
async function readLimited(body: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    total += b.length;
    if (total > max) {
      body.destroy();
      throw new ParleyError('file_too_large');
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks, total);
}

/** Files in the chat (docs/files.md): upload, check, list, sign download links, settings. */
export function createFileService(deps: FileDeps) {
  const { store, bus, chat, log, storage, sealer, limits } = deps;
  let uploading = 0;

  async function publish(row: FileRow): Promise<void> {
    const topic = topics.conversation(row.conversationId);
    await Promise.all(
      (['visitor', 'agent'] as const).map((audience) =>
        bus.publish(topic, {
          audience,
          conversationId: row.conversationId,
          frame: JSON.stringify(presentFileFrame(row, audience)),
        }),
      ),
    );
  }

  const pipeline = deps.scanner
    ? createPipeline({
        store,
        storage,
        sealer,
        scanner: deps.scanner,
        ocr: deps.ocr,
        events: deps.events,
        log,
        publish,
        retryBaseMs: limits.retryBaseMs,
      })
    : undefined;
  const queue = createWorkQueue({
    concurrency: limits.workers,
    max: limits.queueMax,
    onError: (key, err) =>
      log.error(
        { fileId: key, err: err instanceof Error ? err.name : 'unknown' },
        'file check failed; retried later',
      ),
  });

  function enqueue(row: FileRow): boolean {
    if (!pipeline) return false;
    return queue.push(row.id, () => pipeline.process(row));
  }

  async function settingsOf(orgId: string): Promise<FileSettings> {
    const s = await store.files.settings(orgId);
    const allowed = (s?.allowedTypes ?? DEFAULT_FILE_TYPES).filter(
      (t): t is FileSettings['allowedTypes'][number] =>
        (FILE_TYPES as readonly string[]).includes(t),
    );
    return {
      allowedTypes: allowed,
      maxBytes: Math.min(s?.maxBytes ?? limits.maxBytes, limits.maxBytes),
    };
  }

  async function authorise(actor: ChatActor, conversationId: string, action: FileAction) {
    return chat.authorize(actor, conversationId, conversationActionFor(action));
  }

  /** The file, if the actor may see its conversation; someone else's is reported as missing. */
  async function visible(actor: ChatActor, id: string): Promise<FileRow> {
    const row = await store.files.byId(actor.orgId, id);
    if (!row) throw new ParleyError('file_not_found');
    try {
      await authorise(actor, row.conversationId, 'view');
    } catch {
      throw new ParleyError('file_not_found');
    }
    return row;
  }

  let timer: NodeJS.Timeout | undefined;
  let sweeping = false;
  async function sweep(): Promise<void> {
    if (sweeping || !pipeline) return;
    sweeping = true;
    try {
      const free = limits.queueMax - queue.size;
      if (free <= 0) return;
      for (const row of await store.files.due(Date.now(), free))
        if (!queue.has(row.id)) enqueue(row);
    } finally {
      sweeping = false;
    }
  }

  return {
    settings: (actor: ChatActor) => settingsOf(actor.orgId),

    async putSettings(actor: ChatActor, body: FileSettings): Promise<FileSettings> {
      if (!mayManageFileSettings(actor)) throw new ParleyError('forbidden');
      if (body.maxBytes > limits.maxBytes)
        throw new ParleyError(
          'bad_request',
          `The largest size this server accepts is ${limits.maxBytes} bytes.`,
        );
      await store.files.putSettings(
        actor.orgId,
        [...new Set(body.allowedTypes)],
        body.maxBytes,
        Date.now(),
      );
      return settingsOf(actor.orgId);
    },

    async upload(
      actor: ChatActor,
      input: UploadInput,
    ): Promise<{ row: FileRow; duplicate: boolean }> {
      const conv = await authorise(actor, input.conversationId, 'upload');
      if (conv.status === 'closed') throw new ParleyError('conversation_closed');
      if (!pipeline) throw new ParleyError('files_unavailable');
      const uploaderId = actor.kind === 'agent' ? actor.agentId : actor.visitorId;
      const settings = await settingsOf(actor.orgId);
      if (input.contentLength !== undefined && input.contentLength > settings.maxBytes)
        throw new ParleyError('file_too_large');
      // Back-pressure before a byte is read: a full queue or too many bodies in flight say "later".
      if (queue.full || uploading >= limits.uploadsInFlight) throw new ParleyError('files_busy');
      const now = Date.now();
      const mine = await store.files.usage(actor.orgId, now - HOUR, uploaderId);
      if (mine.count >= limits.perUploaderPerHour) throw new ParleyError('file_quota_exceeded');
      const org = await store.files.usage(actor.orgId, now - 24 * HOUR);
      if (org.bytes + (input.contentLength ?? 0) > limits.orgBytesPerDay)
        throw new ParleyError('file_quota_exceeded');

      uploading += 1;
      let bytes: Buffer;
      try {
        bytes = await readLimited(input.body, settings.maxBytes);
      } finally {
        uploading -= 1;
      }
      const inspected = await inspectFile(bytes, input.name, new Set(settings.allowedTypes));
      // Law 1: the name is masked like message text before it is stored or shown.
      const name = await chat.maskField(
        sanitiseFileName(input.name, inspected.extension),
        actor.orgId,
      );
      const id = randomUUID();
      const ctx = { orgId: actor.orgId, conversationId: conv.id, fileId: id };
      await storage.put(storageKey(ctx, 'incoming'), await sealer.seal(ctx, bytes));
      const created = await store.files.create({
        id,
        orgId: actor.orgId,
        conversationId: conv.id,
        uploaderKind: actor.kind,
        uploaderId,
        clientId: input.clientId,
        batchId: input.batchId,
        name,
        size: bytes.length,
        mime: inspected.type,
        createdAt: now,
      });
      if (created.duplicate) {
        await storage.delete(storageKey(ctx, 'incoming'));
        return created;
      }
      log.info(
        { fileId: id, conversationId: conv.id, type: inspected.type, size: bytes.length },
        'file received; checking',
      );
      await publish(created.row);
      // A full queue leaves it for the retry job; it stays checking, never released unscanned.
      enqueue(created.row);
      return created;
    },

    async list(actor: ChatActor, conversationId: string): Promise<FileRow[]> {
      await authorise(actor, conversationId, 'view');
      return store.files.listForConversation(actor.orgId, conversationId);
    },

    async get(actor: ChatActor, id: string): Promise<FileRow> {
      return visible(actor, id);
    },

    /** A short-lived signed URL, for an actor who may see the file's conversation. */
    async link(actor: ChatActor, id: string, variant: FileVariant) {
      const row = await visible(actor, id);
      if (row.status !== 'available') throw new ParleyError('file_not_available');
      if (variant === 'thumb' && !row.hasThumb) throw new ParleyError('file_not_found');
      return deps.links.sign(row.orgId, row.id, variant, Date.now());
    },

    /** The bytes behind a signed URL; the signature is the authorisation. */
    async download(orgId: string, id: string, variant: string, exp: number, sig: string) {
      if (!deps.links.verify(orgId, id, variant, exp, sig, Date.now()))
        throw new ParleyError('file_link_invalid');
      const row = await store.files.byId(orgId, id);
      if (!row || row.status !== 'available') throw new ParleyError('file_not_found');
      const v = variant === 'thumb' ? 'thumb' : 'original';
      const ctx = ctxOf(row);
      const sealed = await storage.get(storageKey(ctx, v));
      if (!sealed) throw new ParleyError('file_not_found');
      return { row, variant: v, data: await sealer.open(ctx, sealed) };
    },

    /** Erasure of a conversation's files: bytes first, then rows. */
    async eraseConversation(orgId: string, conversationId: string): Promise<number> {
      for (const row of await store.files.listForConversation(orgId, conversationId))
        await storage
          .delete(storageKey(ctxOf(row), 'incoming'))
          .then(() =>
            Promise.all([
              storage.delete(storageKey(ctxOf(row), 'original')),
              storage.delete(storageKey(ctxOf(row), 'thumb')),
            ]),
          );
      return store.files.deleteForConversation(orgId, conversationId);
    },

    /** Retention of one file (issue 12 item 4): bytes first, then the row; false when it is gone. */
    async eraseFile(orgId: string, id: string): Promise<boolean> {
      const row = await store.files.byId(orgId, id);
      if (!row) return false;
      await Promise.all(
        (['incoming', 'original', 'thumb'] as const).map((v) =>
          storage.delete(storageKey(ctxOf(row), v)),
        ),
      );
      return (await store.retention.deleteFiles(orgId, [id])) > 0;
    },

    /** Starts the retry job: files still checking (scanner was down, queue was full) are tried again. */
    start(): void {
      if (timer || !pipeline) return;
      timer = setInterval(() => {
        sweep().catch((err: unknown) =>
          log.warn({ err: err instanceof Error ? err.name : 'unknown' }, 'file retry sweep failed'),
        );
      }, limits.retryEveryMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      timer = undefined;
      await queue.idle();
    },
    /** Resolves when no check runs or waits (tests, benchmarks). */
    idle: () => queue.idle(),
    sweep,
    queueSize: () => queue.size,
  };
}
