import { useEffect, useRef, useState } from 'preact/hooks';
import type { FileSummary } from '@parley/protocol';
import { typeLabel, uploadFile, type Upload } from '@parley/realtime-client';
import { visitorApi } from './api';
import { errorOf, formatFileSize, t } from './i18n';

/** One file in the thread: a thumbnail that opens full size, or a named download; checking or blocked states. */
export function FileBubble({ f, token, mine }: { f: FileSummary; token: string; mine: boolean }) {
  const [thumb, setThumb] = useState<string | null>(null);
  const [full, setFull] = useState<string | null>(null);
  useEffect(() => {
    if (f.status !== 'available' || f.kind !== 'image') return;
    let live = true;
    visitorApi.fileLink(token, f.id, 'thumb').then(
      (r) => live && setThumb(r.url),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [f.id, f.status]);
  const link = async () => (await visitorApi.fileLink(token, f.id, 'original')).url;
  return (
    <li
      class={`msg ${mine ? 'mine' : 'theirs'} file ${f.status}`}
      data-testid="file-card"
      data-status={f.status}
      data-file-id={f.id}
    >
      <div class="bubble">
        {f.status === 'available' && f.kind === 'image' && (
          <button
            type="button"
            class="file-thumb"
            aria-label={t('files.openFull', { name: f.name })}
            onClick={() => void link().then(setFull)}
          >
            {thumb ? (
              <img src={thumb} alt={f.name} data-testid="file-thumb" />
            ) : (
              t('files.loadingPreview')
            )}
          </button>
        )}
        <span class="file-name">{f.name}</span>
        <span class="file-info">
          {f.type === 'text/plain' ? t('files.text') : typeLabel(f.type)} · {formatFileSize(f.size)}
        </span>
        {f.status === 'checking' && <span class="file-state">{t('files.checking')}</span>}
        {f.status === 'blocked' && (
          <span class="file-state blocked" data-testid="file-blocked">
            {f.notice}
          </span>
        )}
        {f.status === 'available' && f.kind === 'file' && (
          <button
            type="button"
            class="btn"
            onClick={() => void link().then((u) => window.location.assign(u))}
          >
            {t('files.download')}
          </button>
        )}
      </div>
      {full && (
        <div class="file-full" role="dialog" aria-label={f.name}>
          <img src={full} alt={f.name} />
          <button type="button" class="btn" onClick={() => setFull(null)}>
            {t('files.close')}
          </button>
        </div>
      )}
    </li>
  );
}

interface Pending {
  key: string;
  name: string;
  progress: number;
  error: string | null;
  upload: Upload;
}

/** Attach from the picker, by drag and drop onto the chat, or by paste; progress and Cancel per file. */
export function AttachControl({
  token,
  conversationId,
}: {
  token: string;
  conversationId: string;
}) {
  const [pending, setPending] = useState<Pending[]>([]);
  const host = useRef<HTMLDivElement>(null);
  const patch = (key: string, p: Partial<Pending>) =>
    setPending((list) => list.map((x) => (x.key === key ? { ...x, ...p } : x)));
  const send = (files: File[]) => {
    if (files.length === 0) return;
    const batchId = crypto.randomUUID();
    for (const file of files) {
      const key = crypto.randomUUID();
      const upload = uploadFile({
        base: `/api/visitor/conversations/${encodeURIComponent(conversationId)}/files`,
        file,
        name: file.name || 'pasted-image.png',
        clientId: key,
        batchId,
        headers: { authorization: `Bearer ${token}` },
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
    const chat = host.current?.closest<HTMLElement>('.chat');
    if (!chat) return;
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
    chat.addEventListener('paste', onPaste);
    chat.addEventListener('drop', onDrop);
    chat.addEventListener('dragover', onDragOver);
    return () => {
      chat.removeEventListener('paste', onPaste);
      chat.removeEventListener('drop', onDrop);
      chat.removeEventListener('dragover', onDragOver);
    };
  }, [token, conversationId]);
  return (
    <div class="attach" ref={host}>
      <label class="btn attach-button">
        {t('files.attach')}
        <input
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
        <ul class="uploads" aria-label={t('files.uploads')}>
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
                  aria-label={t('files.uploading', { name: p.name })}
                />
              )}
              <button
                type="button"
                class="btn"
                onClick={() => {
                  p.upload.cancel();
                  setPending((list) => list.filter((x) => x.key !== p.key));
                }}
              >
                {p.error ? t('files.dismiss') : t('files.cancel')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
