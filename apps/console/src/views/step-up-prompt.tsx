import { useState } from 'preact/hooks';
import { consoleApi } from '../lib/api';
import { explainWebAuthn, passkeyApi, passkeysSupported } from '../lib/passkey-api';
import { errorOf } from '../lib/errors';
import { t } from '../i18n';

/**
 * Step-up (docs/security.md): changing a factor or recovery codes, or resetting
 * a colleague's factor, asks again for the password and a current code. The
 * proof counts for five minutes; then `onConfirmed` retries the action.
 */
export function StepUpPrompt({
  onConfirmed,
  onCancel,
}: {
  onConfirmed: () => void;
  onCancel: () => void;
}) {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await consoleApi.stepUp(password, code.trim() || undefined);
      onConfirmed();
    } catch (e) {
      setError(errorOf(e));
      setBusy(false);
    }
  };
  return (
    <form
      class="card step-up"
      role="dialog"
      aria-labelledby="step-up-title"
      data-testid="step-up"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 id="step-up-title">{t('security.stepUpTitle')}</h2>
      <p>{t('security.stepUpHint')}</p>
      <label for="step-up-password">{t('security.password')}</label>
      <input
        id="step-up-password"
        type="password"
        autocomplete="current-password"
        required
        value={password}
        onInput={(e) => setPassword(e.currentTarget.value)}
      />
      <label for="step-up-code">{t('security.code')}</label>
      <input
        id="step-up-code"
        inputMode="numeric"
        autocomplete="one-time-code"
        value={code}
        onInput={(e) => setCode(e.currentTarget.value)}
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="btn primary" disabled={busy}>
        {t('security.confirm')}
      </button>
      {passkeysSupported() && (
        <button
          type="button"
          class="btn"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            setError(null);
            passkeyApi.verify().then(onConfirmed, (e: unknown) => {
              setError(explainWebAuthn(e) ?? errorOf(e));
              setBusy(false);
            });
          }}
        >
          {t('security.confirmPasskey')}
        </button>
      )}
      <button type="button" class="btn" onClick={onCancel}>
        {t('security.cancel')}
      </button>
    </form>
  );
}
