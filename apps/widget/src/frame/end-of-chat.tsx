import { useEffect, useState } from 'preact/hooks';
import type { Rating } from '@parley/protocol';
import { ApiError, visitorApi } from './api';

interface Props {
  token: string;
  conversationId: string;
  onNewConversation: () => void;
}

const SCORE_LABELS = ['Very poor', 'Poor', 'OK', 'Good', 'Excellent'] as const;

function errorText(e: unknown): string {
  return e instanceof ApiError ? e.message : 'Something went wrong. Please try again.';
}

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
    if (score === null) return setRateError('Choose a rating from 1 to 5.');
    setBusy(true);
    setRateError(null);
    try {
      const r = await visitorApi.rate(token, conversationId, score, comment.trim() || undefined);
      setRating(r.rating);
      setEditing(false);
      setComment('');
    } catch (err) {
      setRateError(errorText(err));
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
      setMailError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="ended" data-testid="end-of-chat">
      <p>This conversation has ended.</p>
      {editing ? (
        <form class="rate" data-testid="rating-form" onSubmit={(e) => void rate(e)}>
          <fieldset>
            <legend>How was this chat?</legend>
            <div class="stars">
              {SCORE_LABELS.map((label, i) => (
                <label key={label} class={`star${score !== null && i < score ? ' on' : ''}`}>
                  <input
                    type="radio"
                    name="score"
                    value={i + 1}
                    checked={score === i + 1}
                    onChange={() => setScore(i + 1)}
                  />
                  <span aria-hidden="true">★</span>
                  <span class="visually-hidden">
                    {i + 1} of 5: {label}
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
          {score !== null && (
            <>
              <label for="rating-comment">Anything to add? (optional)</label>
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
            Send rating
          </button>
        </form>
      ) : (
        <p class="thanks" role="status" data-testid="rating-thanks">
          Thank you! You rated this chat {rating?.score ?? score} of 5.{' '}
          <button type="button" class="link" onClick={() => setEditing(true)}>
            Change
          </button>
        </p>
      )}
      {sent ? (
        <p class="thanks" role="status" data-testid="transcript-sent">
          A transcript is on its way to {sent}.
        </p>
      ) : askTranscript ? (
        <form class="transcript" data-testid="transcript-form" onSubmit={(e) => void transcript(e)}>
          <label for="transcript-email">Your e-mail address</label>
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
            Send transcript
          </button>
        </form>
      ) : (
        <button type="button" class="btn" onClick={() => setAskTranscript(true)}>
          E-mail me a transcript
        </button>
      )}
      <button type="button" class="btn primary new-chat" onClick={onNewConversation}>
        Start a new conversation
      </button>
    </div>
  );
}
