import { useState } from 'preact/hooks';
import type { Rating } from '@parley/protocol';
import { maskedLabel } from '../lib/state';
import { timeOf } from './format';
import { t } from '../i18n';

/** The customer's rating in the thread, after the conversation ended. */
export function RatingItem({ r }: { r: Rating }) {
  const label = maskedLabel(r.masked);
  return (
    <li class="msg rating" data-testid="rating" data-score={r.score}>
      <div class="msg-head">
        <span class="rating-tag">{t('thread.ratingTag')}</span>
        <span class="who">
          <span aria-hidden="true">{'★'.repeat(r.score) + '☆'.repeat(5 - r.score)}</span>{' '}
          {t('thread.ratingScore', { score: r.score })}
        </span>
        <span class="when">{timeOf(r.updatedAt)}</span>
        {label && (
          <span class="badge-masked" title={label}>
            {t('thread.maskedBadge')}
          </span>
        )}
      </div>
      {r.comment && <div class="msg-text">{r.comment}</div>}
    </li>
  );
}

/** Sends the transcript (masked, no notes) to an address the customer gave. */
export function TranscriptBox({ onSend }: { onSend: (email: string) => Promise<string | null> }) {
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  if (!open)
    return (
      <div class="note-toggle">
        <button type="button" class="btn" onClick={() => setOpen(true)}>
          {t('thread.transcript')}
        </button>
        {sent && (
          <span role="status" class="muted" data-testid="transcript-queued">
            {' '}
            {t('thread.transcriptQueued', { to: sent })}
          </span>
        )}
      </div>
    );
  return (
    <form
      class="transcript-box"
      data-testid="transcript-box"
      onSubmit={(e) => {
        e.preventDefault();
        const to = email.trim();
        if (!to || busy) return;
        setBusy(true);
        void onSend(to).then((failed) => {
          setBusy(false);
          setError(failed);
          if (failed) return;
          setSent(to);
          setEmail('');
          setOpen(false);
        });
      }}
    >
      <label for="transcript-to">{t('thread.transcriptTo')}</label>
      <div class="row">
        <input
          id="transcript-to"
          type="email"
          required
          maxLength={254}
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <button type="submit" class="btn primary" disabled={busy}>
          {t('thread.send')}
        </button>
        <button type="button" class="btn" onClick={() => setOpen(false)}>
          {t('thread.cancel')}
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
