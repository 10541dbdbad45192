import { useEffect, useState } from 'preact/hooks';
import type { Rating } from '@parley/protocol';
import { visitorApi } from './api';
import { errorOf, t } from './i18n';

interface Props {
  token: string;
  conversationId: string;
  onNewConversation: (() => void) | null;
}

const SCORE_KEYS = ['end.score1', 'end.score2', 'end.score3', 'end.score4', 'end.score5'] as const;

/**
 * What a visitor sees once the conversation has ended (docs/feedback.md): a 1–5 rating with
 * an optional comment (masked by the server like every message), a transcript by e-mail, and
 * a way to start a new conversation while this one stays readable above.
 */
export function EndOfChat({ token, conversationId, onNewConversation }: Props) {
  const [rating, setRating] = useState<Rating | null>(null);
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [editing, setEditing] = useState(true);
  const [busy, setBusy] = useState(false);
  const [rateError, setRateError] = useState<string | null>(null);
  const [askTranscript, setAskTranscript] = useState(false);
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const [mailError, setMailError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    visitorApi.rating(token, conversationId).then(
      (r) => {
        if (!live || !r.rating) return;
        setRating(r.rating);
        setScore(r.rating.score);
        setEditing(false);
      },
      () => undefined, // no rating shown yet: the form stays
    );
    return () => {
      live = false;
    };
  }, [token, conversationId]);

  async function rate(e: Event): Promise<void> {
    e.preventDefault();
    if (score === null) return setRateError(t('end.choose'));
    setBusy(true);
    setRateError(null);
    try {
      const r = await visitorApi.rate(token, conversationId, score, comment.trim() || undefined);
      setRating(r.rating);
      setEditing(false);
      setComment('');
    } catch (err) {
      setRateError(errorOf(err));
    } finally {
      setBusy(false);
    }
  }

  async function transcript(e: Event): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setMailError(null);
    try {
      await visitorApi.transcript(token, conversationId, email.trim());
      setSent(email.trim());
    } catch (err) {
      setMailError(errorOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="ended" data-testid="end-of-chat">
      <p>{t('end.ended')}</p>
      {editing ? (
        <form class="rate" data-testid="rating-form" onSubmit={(e) => void rate(e)}>
          <fieldset>
            <legend>{t('end.how')}</legend>
            <div class="stars">
              {SCORE_KEYS.map((key, i) => (
                <label key={key} class={`star${score !== null && i < score ? ' on' : ''}`}>
                  <input
                    type="radio"
                    name="score"
                    value={i + 1}
                    checked={score === i + 1}
                    onChange={() => setScore(i + 1)}
                  />
                  <span aria-hidden="true">★</span>
                  <span class="visually-hidden">
                    {t('end.scoreLabel', { score: i + 1, label: t(key) })}
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
          {score !== null && (
            <>
              <label for="rating-comment">{t('end.comment')}</label>
              <textarea
                id="rating-comment"
                rows={2}
                maxLength={1000}
                value={comment}
                onInput={(e) => setComment(e.currentTarget.value)}
              />
            </>
          )}
          {rateError && (
            <p class="error" role="alert">
              {rateError}
            </p>
          )}
          <button type="submit" class="btn primary" disabled={busy || score === null}>
            {t('end.sendRating')}
          </button>
        </form>
      ) : (
        <p class="thanks" role="status" data-testid="rating-thanks">
          {t('end.thanks', { score: rating?.score ?? score })}{' '}
          <button type="button" class="link" onClick={() => setEditing(true)}>
            {t('end.change')}
          </button>
        </p>
      )}
      {sent ? (
        <p class="thanks" role="status" data-testid="transcript-sent">
          {t('end.transcriptSent', { email: sent })}
        </p>
      ) : askTranscript ? (
        <form class="transcript" data-testid="transcript-form" onSubmit={(e) => void transcript(e)}>
          <label for="transcript-email">{t('end.email')}</label>
          <input
            id="transcript-email"
            type="email"
            autocomplete="email"
            required
            maxLength={254}
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
          {mailError && (
            <p class="error" role="alert">
              {mailError}
            </p>
          )}
          <button type="submit" class="btn" disabled={busy}>
            {t('end.sendTranscript')}
          </button>
        </form>
      ) : (
        <button type="button" class="btn" onClick={() => setAskTranscript(true)}>
          {t('end.askTranscript')}
        </button>
      )}
      {onNewConversation && (
        <button type="button" class="btn primary new-chat" onClick={onNewConversation}>
          {t('end.newChat')}
        </button>
      )}
    </div>
  );
}
