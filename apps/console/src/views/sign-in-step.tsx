import { useEffect, useState } from 'preact/hooks';
import type { MfaEnrolment, SessionInfo } from '@parley/protocol';
import { ApiError } from '../lib/api';
import { securityApi } from '../lib/security-api';
import { passkeyApi, passkeysSupported } from '../lib/passkey-api';

interface Props {
  session: SessionInfo;
  onDone: (session: SessionInfo) => void;
  onCancel: () => void;
}

const explain = (e: unknown): string =>
  e instanceof ApiError ? e.message : 'Something went wrong. Please try again.';

/** The second sign-in step: a code from the authenticator app, enrolment, or a new password. */
export function SignInStep({ session, onDone, onCancel }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [code, setCode] = useState('');
  const [enrolment, setEnrolment] = useState<MfaEnrolment | null>(null);
  const [recovery, setRecovery] = useState<{ codes: string[]; session: SessionInfo } | null>(null);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');

  useEffect(() => {
    if (session.stage === 'mfa_enrol' && !enrolment)
      securityApi.startEnrolment().then(setEnrolment, (e: unknown) => setError(explain(e)));
  }, [session.stage, enrolment]);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(explain(e));
    } finally {
      setBusy(false);
    }
  };

  if (recovery) {
    return (
      <main class="signin">
        <section class="card signin-card" aria-labelledby="rc-title">
          <h1 id="rc-title">Save your recovery codes</h1>
          <p>Each code signs you in once if you lose your phone. They are shown only now.</p>
          <ul class="recovery-codes" data-testid="recovery-codes">
            {recovery.codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <button type="button" class="btn primary" onClick={() => onDone(recovery.session)}>
            I have saved them — continue
          </button>
        </section>
      </main>
    );
  }

  let body;
  if (session.stage === 'mfa_verify') {
    body = (
      <form
        onSubmit={(e) => (
          e.preventDefault(),
          void run(async () => onDone(await securityApi.verifyMfa(code.trim())))
        )}
      >
        <h1 id="step-title">Two-step verification</h1>
        <p>Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
        <label for="mfa-code">Code</label>
        <input
          id="mfa-code"
          autocomplete="one-time-code"
          inputMode="numeric"
          required
          value={code}
          onInput={(e) => setCode(e.currentTarget.value)}
        />
        <button type="submit" class="btn primary" disabled={busy}>
          Verify
        </button>
        {passkeysSupported() && (
          <button
            type="button"
            class="btn"
            disabled={busy}
            data-testid="mfa-passkey"
            onClick={() => void run(async () => onDone(await passkeyApi.verify()))}
          >
            Use a passkey instead
          </button>
        )}
      </form>
    );
  } else if (session.stage === 'password_change') {
    body = (
      <form
        onSubmit={(e) => (
          e.preventDefault(),
          void run(async () => onDone(await securityApi.changePassword(current, next)))
        )}
      >
        <h1 id="step-title">Choose a new password</h1>
        <p>
          At least 12 characters, not a commonly used password. A few unrelated words work well.
        </p>
        <label for="pw-current">One-time password</label>
        <input
          id="pw-current"
          type="password"
          autocomplete="current-password"
          required
          value={current}
          onInput={(e) => setCurrent(e.currentTarget.value)}
        />
        <label for="pw-new">New password</label>
        <input
          id="pw-new"
          type="password"
          autocomplete="new-password"
          minLength={12}
          required
          value={next}
          onInput={(e) => setNext(e.currentTarget.value)}
        />
        <button type="submit" class="btn primary" disabled={busy}>
          Save password
        </button>
      </form>
    );
  } else {
    body = (
      <form
        onSubmit={(e) => (
          e.preventDefault(),
          void run(async () => {
            const r = await securityApi.confirmEnrolment(code.trim());
            setRecovery({ codes: r.recoveryCodes, session: r.session });
          })
        )}
      >
        <h1 id="step-title">Set up two-step verification</h1>
        <p>
          Your organisation requires it. Scan this code with an authenticator app, then enter the
          6-digit code it shows.
        </p>
        {enrolment ? (
          <>
            <img
              src={enrolment.qrDataUrl}
              alt="QR code for your authenticator app"
              width={220}
              height={220}
              data-testid="mfa-qr"
            />
            <p>
              Or enter this key: <code data-testid="mfa-secret">{enrolment.secret}</code>
            </p>
          </>
        ) : (
          <p>Preparing…</p>
        )}
        <label for="mfa-code">Code</label>
        <input
          id="mfa-code"
          autocomplete="one-time-code"
          inputMode="numeric"
          required
          value={code}
          onInput={(e) => setCode(e.currentTarget.value)}
        />
        <button type="submit" class="btn primary" disabled={busy || !enrolment}>
          Turn on
        </button>
      </form>
    );
  }

  return (
    <main class="signin">
      <section class="card signin-card" aria-labelledby="step-title">
        <p class="brand">Parley</p>
        {body}
        {error && (
          <p class="error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        <button type="button" class="link" onClick={onCancel}>
          Cancel and sign out
        </button>
      </section>
    </main>
  );
}
