import { useEffect, useRef, useState } from 'preact/hooks';
import type { FileSummary } from '@parley/protocol';
import { typeLabel, uploadFile, type Upload } from '@parley/realtime-client';
import { t } from '../i18n';
import { errorOf } from '../lib/errors';
import { fileSize } from './format';
import { csrfHeader } from '../lib/api';
import { filesApi } from '../lib/files-api';

/** Files sent together (one batch) share one entry in the thread. */
export function batchesOf(
  files: FileSummary[],
): { batchId: string; at: number; files: FileSummary[] }[] {
  const out = new Map<string, { batchId: string; at: number; files: FileSummary[] }>();
  for (const f of files) {
    const key = `${f.uploader.id}:${f.batchId}`;
    const b = out.get(key) ?? { batchId: f.batchId, at: f.createdAt, files: [] };
    b.files.push(f);
    out.set(key, b);
  }
  return [...out.values()];
}

function ImagePreview({ f }: { f: FileSummary }) {
  const [thumb, setThumb] = useState<string | null>(null);
  const [full, setFull] = useState<string | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    let live = true;
    filesApi.link(f.id, 'thumb').then(
      (u) => live && setThumb(u),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [f.id]);
  const open = async () => {
    setFull(await filesApi.link(f.id, 'original'));
    dialog.current?.showModal();
  };
  return (
    <>
      <button
        type="button"
        class="file-thumb"
        onClick={() => void open()}
        aria-label={t('attachments.openFull', { name: f.name })}
      >
        {thumb ? (
          <img src={thumb} alt={f.name} data-testid="file-thumb" />
        ) : (
          <span>{t('attachments.loadingPreview')}</span>
        )}
      </button>
      <dialog ref={dialog} class="file-lightbox" aria-label={f.name}>
        {full && <img src={full} alt={f.name} />}
        <button type="button" class="btn" onClick={() => dialog.current?.close()}>
          {t('attachments.close')}
        </button>
      </dialog>
    </>
  );
}

export function FileCard({ f }: { f: FileSummary }) {
  const download = async () => {
    window.location.assign(await filesApi.link(f.id, 'original'));
  };
  return (
    <div
      class={`file-card ${f.status}`}
      data-testid="file-card"
      data-status={f.status}
      data-file-id={f.id}
    >
      {f.status === 'available' && f.kind === 'image' && <ImagePreview f={f} />}
      <div class="file-meta">
        <span class="file-name">{f.name}</span>
        <span class="file-info">
          {f.type === 'text/plain' ? t('attachments.text') : typeLabel(f.type)} · {fileSize(f.size)}
        </span>
        {f.status === 'checking' && (
          <span class="file-state" role="status">
            {t('attachments.checking')}
          </span>
        )}
        {f.status === 'blocked' && (
          <span class="file-state blocked" data-testid="file-blocked" role="status">
            {f.notice}
            {f.signature && ` (${f.signature})`}
          </span>
        )}
        {f.status === 'available' && f.kind === 'file' && (
          <button type="button" class="btn small" onClick={() => void download()}>
            {t('attachments.download')}
          </button>
        )}
      </div>
    </div>
  );
}

interface Pending {
  key: string;
  name: string;
  progress: number;
  error: string | null;
  upload: Upload;
}

/** Attach files to a conversation: picker, drop and paste; a progress bar and Cancel per file. */
export function AttachBar({ conversationId }: { conversationId: string }) {
  const [pending, setPending] = useState<Pending[]>([]);
  const input = useRef<HTMLInputElement>(null);
  const patch = (key: string, p: Partial<Pending>) =>
    setPending((list) => list.map((x) => (x.key === key ? { ...x, ...p } : x)));
  const send = (files: File[]) => {
    if (files.length === 0) return;
    const batchId = crypto.randomUUID();
    for (const file of files) {
      const key = crypto.randomUUID();
      const upload = uploadFile({
        base: filesApi.uploadBase(conversationId),
        file,
        name: file.name || 'pasted-image.png',
        clientId: key,
        batchId,
        headers: csrfHeader(),
        onProgress: (progress) => patch(key, { progress }),
      });
      setPending((list) => [...list, { key, name: file.name, progress: 0, error: null, upload }]);
      upload.done.then(
        () => setPending((list) => list.filter((x) => x.key !== key)),
        (e: Error) => patch(key, { error: errorOf(e) }),
      );
    }
  };
  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const files = [...(e.clipboardData?.files ?? [])];
      if (files.length > 0) {
        e.preventDefault();
        send(files);
      }
    };
    const onDrop = (e: DragEvent) => {
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length > 0) {
        e.preventDefault();
        send(files);
      }
    };
    const onDragOver = (e: DragEvent) => e.preventDefault();
    const pane = document.querySelector<HTMLElement>('[data-testid="conversation-view"]');
    pane?.addEventListener('paste', onPaste);
    pane?.addEventListener('drop', onDrop);
    pane?.addEventListener('dragover', onDragOver);
    return () => {
      pane?.removeEventListener('paste', onPaste);
      pane?.removeEventListener('drop', onDrop);
      pane?.removeEventListener('dragover', onDragOver);
    };
  }, [conversationId]);
  return (
    <div class="attach-bar">
      <label class="btn small attach-button">
        {t('attachments.attach')}
        <input
          ref={input}
          type="file"
          multiple
          class="visually-hidden"
          data-testid="attach-input"
          onChange={(e) => {
            send([...(e.currentTarget.files ?? [])]);
            e.currentTarget.value = '';
          }}
        />
      </label>
      {pending.length > 0 && (
        <ul class="uploads" aria-label={t('attachments.uploads')}>
          {pending.map((p) => (
            <li key={p.key} data-testid="upload">
              <span class="file-name">{p.name}</span>
              {p.error ? (
                <span class="file-state blocked" role="alert">
                  {p.error}
                </span>
              ) : (
                <progress
                  max={1}
                  value={p.progress}
                  aria-label={t('attachments.uploading', { name: p.name })}
                />
              )}
              <button
                type="button"
                class="btn small"
                onClick={() => {
                  p.upload.cancel();
                  setPending((list) => list.filter((x) => x.key !== p.key));
                }}
              >
                {p.error ? t('attachments.dismiss') : t('attachments.cancel')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
