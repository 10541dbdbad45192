import { useEffect, useState } from 'preact/hooks';
import type { MfaEnrolment, SessionInfo } from '@parley/protocol';
import { securityApi } from '../lib/security-api';
import { passkeyApi, passkeysSupported } from '../lib/passkey-api';
import { errorOf } from '../lib/errors';
import { t } from '../i18n';

interface Props {
  session: SessionInfo;
  onDone: (session: SessionInfo) => void;
  onCancel: () => void;
}

const explain = (e: unknown): string => errorOf(e);

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
          <h1 id="rc-title">{t('signIn.recoveryTitle')}</h1>
          <p>{t('signIn.recoveryHint')}</p>
          <ul class="recovery-codes" data-testid="recovery-codes">
            {recovery.codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <button type="button" class="btn primary" onClick={() => onDone(recovery.session)}>
            {t('signIn.recoverySaved')}
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
        <h1 id="step-title">{t('signIn.mfaTitle')}</h1>
        <p>{t('signIn.mfaHint')}</p>
        <label for="mfa-code">{t('signIn.code')}</label>
        <input
          id="mfa-code"
          autocomplete="one-time-code"
          inputMode="numeric"
          required
          value={code}
          onInput={(e) => setCode(e.currentTarget.value)}
        />
        <button type="submit" class="btn primary" disabled={busy}>
          {t('signIn.verify')}
        </button>
        {passkeysSupported() && (
          <button
            type="button"
            class="btn"
            disabled={busy}
            data-testid="mfa-passkey"
            onClick={() => void run(async () => onDone(await passkeyApi.verify()))}
          >
            {t('signIn.usePasskey')}
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
        <h1 id="step-title">{t('signIn.newPasswordTitle')}</h1>
        <p>{t('signIn.newPasswordHint')}</p>
        <label for="pw-current">{t('signIn.oneTimePassword')}</label>
        <input
          id="pw-current"
          type="password"
          autocomplete="current-password"
          required
          value={current}
          onInput={(e) => setCurrent(e.currentTarget.value)}
        />
        <label for="pw-new">{t('signIn.newPassword')}</label>
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
          {t('signIn.savePassword')}
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
        <h1 id="step-title">{t('signIn.enrolTitle')}</h1>
        <p>{t('signIn.enrolHint')}</p>
        {enrolment ? (
          <>
            <img
              src={enrolment.qrDataUrl}
              alt={t('signIn.qrAlt')}
              width={220}
              height={220}
              data-testid="mfa-qr"
            />
            <p>
              {t('signIn.orEnterKey')} <code data-testid="mfa-secret">{enrolment.secret}</code>
            </p>
          </>
        ) : (
          <p>{t('signIn.preparing')}</p>
        )}
        <label for="mfa-code">{t('signIn.code')}</label>
        <input
          id="mfa-code"
          autocomplete="one-time-code"
          inputMode="numeric"
          required
          value={code}
          onInput={(e) => setCode(e.currentTarget.value)}
        />
        <button type="submit" class="btn primary" disabled={busy || !enrolment}>
          {t('signIn.turnOn')}
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
          {t('signIn.cancelSignOut')}
        </button>
      </section>
    </main>
  );
}
