import type { FileSummary } from '@parley/protocol';

/** Merges file cards by id, keeping the newer view (frames and REST reloads may race); oldest first. */
export function mergeFiles(existing: FileSummary[], incoming: FileSummary[]): FileSummary[] {
  const byId = new Map(existing.map((f) => [f.id, f]));
  let changed = false;
  for (const f of incoming) {
    const prev = byId.get(f.id);
    if (
      !prev ||
      prev.updatedAt < f.updatedAt ||
      (prev.updatedAt === f.updatedAt && prev.status !== f.status)
    ) {
      byId.set(f.id, f);
      changed = true;
    }
  }
  if (!changed) return existing;
  return [...byId.values()].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

/** 1536 → "1.5 KB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A short label of a content type: "image/png" → "PNG", "application/pdf" → "PDF". */
export function typeLabel(type: string): string {
  if (type === 'text/plain') return 'Text';
  const sub = type.split('/')[1] ?? type;
  return sub.replace(/\+xml$/, '').toUpperCase();
}

export interface UploadOptions {
  /** `/api/visitor/conversations/<id>/files` or `/api/conversations/<id>/files`. */
  base: string;
  file: Blob;
  name: string;
  /** Made once per file when it is picked and kept for every retry: the server stores it once. */
  clientId: string;
  batchId: string;
  headers: Record<string, string>;
  onProgress(fraction: number): void;
  /** Attempts on a network drop or a retryable answer (5xx, 429), each after a longer pause. */
  attempts?: number;
}

export class UploadError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

export interface Upload {
  done: Promise<FileSummary>;
  cancel(): void;
}

/**
 * Uploads one file by XHR (for upload progress) as a PUT of its bytes under
 * its client id; a network drop is retried with the same id, so the server
 * never stores it twice. `cancel` aborts the request and stops retrying.
 */
export function uploadFile(o: UploadOptions): Upload {
  let xhr: XMLHttpRequest | undefined;
  let cancelled = false;
  let wake: (() => void) | undefined;
  const attempts = o.attempts ?? 4;
  const once = () =>
    new Promise<FileSummary>((resolve, reject) => {
      const r = new XMLHttpRequest();
      xhr = r;
      r.open('PUT', `${o.base}/${encodeURIComponent(o.clientId)}`);
      for (const [k, v] of Object.entries(o.headers)) r.setRequestHeader(k, v);
      r.setRequestHeader('content-type', 'application/octet-stream');
      r.setRequestHeader('x-file-name', encodeURIComponent(o.name));
      r.setRequestHeader('x-batch-id', o.batchId);
      r.upload.onprogress = (e) => {
        if (e.lengthComputable) o.onProgress(e.loaded / e.total);
      };
      r.onerror = () => reject(new UploadError('network_error', 'The connection dropped.', true));
      r.onabort = () => reject(new UploadError('cancelled', 'Cancelled.', false));
      r.onload = () => {
        let body: { file?: FileSummary; error?: { code?: string; message?: string } } = {};
        try {
          body = JSON.parse(r.responseText) as typeof body;
        } catch {
          /* not JSON: handled below */
        }
        if (r.status >= 200 && r.status < 300 && body.file) return resolve(body.file);
        const code = body.error?.code ?? 'internal_error';
        reject(
          new UploadError(
            code,
            body.error?.message ?? 'The file could not be sent.',
            r.status >= 500 || r.status === 429 || r.status === 0,
          ),
        );
      };
      r.send(o.file);
    });
  const done = (async () => {
    for (let n = 1; ; n += 1) {
      try {
        return await once();
      } catch (e) {
        if (cancelled || !(e instanceof UploadError) || !e.retryable || n >= attempts) throw e;
        o.onProgress(0);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.min(1000 * 2 ** (n - 1), 8000));
        });
        if (cancelled) throw new UploadError('cancelled', 'Cancelled.', false);
      }
    }
  })();
  return {
    done,
    cancel() {
      cancelled = true;
      xhr?.abort();
      wake?.();
    },
  };
}
