import { useState } from 'preact/hooks';
import type { Note } from '@parley/protocol';
import { maskedLabel } from '../lib/state';
import { timeOf } from './format';
import { t } from '../i18n';

// Mirrors LIMITS.maxTextLength (@parley/protocol); the server enforces it.
const MAX_TEXT_LENGTH = 4000;

/** An internal note in the thread: styled apart and labelled, so no agent mistakes it for a reply. */
export function NoteItem({ n, me }: { n: Note; me: string }) {
  const label = maskedLabel(n.masked);
  return (
    <li class="msg note" data-testid="note" data-note-id={n.id}>
      <div class="msg-head">
        <span class="note-tag">{t('thread.noteTag')}</span>
        <span class="who">
          {n.author.id === me ? t('thread.you') : (n.author.name ?? t('thread.agent'))}
        </span>
        <span class="when">{timeOf(n.createdAt)}</span>
        {label && (
          <span class="badge-masked" title={label}>
            {t('thread.maskedBadge')}
          </span>
        )}
      </div>
      <div class="msg-text">{n.text}</div>
    </li>
  );
}

/**
 * Writes a note visitors never see. One client id per note, kept until the server stored it,
 * so a retry after a lost answer stores the note once.
 */
export function NoteBox({
  onAdd,
}: {
  onAdd: (clientId: string, text: string) => Promise<string | null>;
}) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [clientId, setClientId] = useState(() => crypto.randomUUID());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!open)
    return (
      <div class="note-toggle">
        <button type="button" class="btn" onClick={() => setOpen(true)}>
          {t('thread.addNote')}
        </button>
      </div>
    );
  const submit = async (): Promise<void> => {
    const body = text.trim();
    if (!body || busy) return;
    setBusy(true);
    const failed = await onAdd(clientId, body);
    setBusy(false);
    setError(failed);
    if (failed) return;
    setText('');
    setClientId(crypto.randomUUID());
    setOpen(false);
  };
  return (
    <form
      class="note-box"
      data-testid="note-box"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label for="note-input">{t('thread.noteLabel')}</label>
      <textarea
        id="note-input"
        rows={2}
        maxLength={MAX_TEXT_LENGTH}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="note-actions">
        <button type="submit" class="btn primary" disabled={busy || text.trim() === ''}>
          {t('thread.addNoteSubmit')}
        </button>
        <button type="button" class="btn" onClick={() => setOpen(false)}>
          {t('thread.cancel')}
        </button>
      </div>
    </form>
  );
}
