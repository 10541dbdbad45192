import { useState } from 'preact/hooks';
import { ApiError, consoleApi } from '../lib/api';
import { explainWebAuthn, passkeyApi, passkeysSupported } from '../lib/passkey-api';

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
      setError(e instanceof ApiError ? e.message : 'Something went wrong.');
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
      <h2 id="step-up-title">Confirm it is you</h2>
      <p>Enter your password and a current code from your authenticator app.</p>
      <label for="step-up-password">Password</label>
      <input
        id="step-up-password"
        type="password"
        autocomplete="current-password"
        required
        value={password}
        onInput={(e) => setPassword(e.currentTarget.value)}
      />
      <label for="step-up-code">Code</label>
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
        Confirm
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
              setError(
                explainWebAuthn(e) ?? (e instanceof ApiError ? e.message : 'Something went wrong.'),
              );
              setBusy(false);
            });
          }}
        >
          Confirm with a passkey
        </button>
      )}
      <button type="button" class="btn" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
