import { useState } from 'preact/hooks';
import { visitorApi } from './api';
import { errorOf, t } from './i18n';

interface Props {
  token: string;
  conversationId: string;
  onWithdrawn: (outcome: 'erased' | 'closed') => void;
}

/** Withdraw consent from the chat (issue 12 item 1): asks once, then ends (and may erase) the chat. */
export function ConsentWithdraw({ token, conversationId, onWithdrawn }: Props) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!asking)
    return (
      <p class="consent-withdraw">
        <button
          type="button"
          class="link-btn"
          data-testid="consent-withdraw"
          onClick={() => setAsking(true)}
        >
          {t('consent.withdraw')}
        </button>
      </p>
    );
  return (
    <div class="consent-withdraw confirm" role="group" aria-labelledby="withdraw-q">
      <p id="withdraw-q">{t('consent.question')}</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="mask-actions">
        <button
          type="button"
          class="btn primary"
          disabled={busy}
          data-testid="consent-withdraw-confirm"
          onClick={() => {
            setBusy(true);
            setError(null);
            visitorApi.withdrawConsent(token, conversationId).then(
              (r) => onWithdrawn(r.outcome),
              (e: unknown) => {
                setBusy(false);
                setError(errorOf(e));
              },
            );
          }}
        >
          {busy ? t('consent.withdrawing') : t('consent.confirm')}
        </button>
        <button type="button" class="btn" disabled={busy} onClick={() => setAsking(false)}>
          {t('consent.keep')}
        </button>
      </div>
    </div>
  );
}
