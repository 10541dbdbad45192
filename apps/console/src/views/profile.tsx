import { Passkeys } from './passkeys';
import { useEffect, useState } from 'preact/hooks';
import type { AccountSession, MfaEnrolment, SessionInfo } from '@parley/protocol';
import { accountApi } from '../lib/account-api';
import { ApiError } from '../lib/api';
import { securityApi } from '../lib/security-api';
import { ConfirmDialog } from './confirm-dialog';
import { RecoveryCodes } from './recovery-codes';
import { StepUpPrompt } from './step-up-prompt';
import { NotificationsSection } from './notification-settings';
import { errorOf } from '../lib/errors';
import { LanguagePicker } from './language-picker';
import { t } from '../i18n';
import { dateTime } from './format';

const explain = (e: unknown): string => errorOf(e);
const time = (ms: number) => dateTime(ms);

interface Props {
  session: SessionInfo;
  onSession: (session: SessionInfo) => void;
  onSignedOut: (notice: string) => void;
}

/**
 * The agent's own account (issue 10 item 14, docs/security.md "Self-service"):
 * display name, password, second factors and recovery codes, and sessions.
 * Factor changes need step-up; the prompt appears and the action is retried.
 */
export function ProfilePage({ session, onSession, onSignedOut }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, setPending] = useState<(() => Promise<void>) | null>(null);

  /** Runs an action; when it needs step-up, asks and runs it again. */
  const act = (run: () => Promise<void>): void => {
    setError(null);
    setNotice(null);
    run().catch((e: unknown) => {
      if (e instanceof ApiError && e.code === 'step_up_required') setPending(() => run);
      else setError(explain(e));
    });
  };

  return (
    <div class="app profile">
      <header class="topbar">
        <div class="topbar-left">
          <a class="brand" href="/">
            Parley
          </a>
          <span class="org">{session.organisation.name}</span>
        </div>
        <a class="btn small" href="/">
          {t('profile.back')}
        </a>
      </header>
      <main class="admin-main profile-main">
        <h1>{t('profile.title')}</h1>
        {pending && (
          <StepUpPrompt
            onCancel={() => setPending(null)}
            onConfirmed={() => {
              const retry = pending;
              setPending(null);
              act(retry);
            }}
          />
        )}
        {error && (
          <p class="error" role="alert" data-testid="profile-error">
            {error}
          </p>
        )}
        {notice && (
          <p class="info" role="status" data-testid="profile-notice">
            {notice}
          </p>
        )}
        <NameSection session={session} act={act} onSession={onSession} setNotice={setNotice} />
        <PasswordSection act={act} onSession={onSession} setNotice={setNotice} />
        <FactorsSection act={act} setNotice={setNotice} />
        <LanguagePicker />
        <NotificationsSection />
        <SessionsSection act={act} onSignedOut={onSignedOut} />
      </main>
    </div>
  );
}

type Act = (run: () => Promise<void>) => void;

function NameSection({
  session,
  act,
  onSession,
  setNotice,
}: {
  session: SessionInfo;
  act: Act;
  onSession: (s: SessionInfo) => void;
  setNotice: (n: string) => void;
}) {
  const [name, setName] = useState(session.agent.name);
  return (
    <section class="card" aria-labelledby="name-title">
      <h2 id="name-title">{t('profile.nameTitle')}</h2>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          act(async () => {
            onSession(await accountApi.rename(name.trim()));
            setNotice(t('profile.nameSaved'));
          });
        }}
      >
        <label for="profile-name">{t('profile.nameLabel')}</label>
        <input
          id="profile-name"
          required
          maxLength={80}
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <button type="submit" class="btn primary">
          {t('profile.saveName')}
        </button>
      </form>
    </section>
  );
}

function PasswordSection({
  act,
  onSession,
  setNotice,
}: {
  act: Act;
  onSession: (s: SessionInfo) => void;
  setNotice: (n: string) => void;
}) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  return (
    <section class="card" aria-labelledby="password-title">
      <h2 id="password-title">{t('profile.passwordTitle')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          act(async () => {
            onSession(await securityApi.changePassword(current, next));
            setCurrent('');
            setNext('');
            setNotice(t('profile.passwordChanged'));
          });
        }}
      >
        <label for="pw-current">{t('profile.currentPassword')}</label>
        <input
          id="pw-current"
          type="password"
          autocomplete="current-password"
          required
          value={current}
          onInput={(e) => setCurrent(e.currentTarget.value)}
        />
        <label for="pw-new">{t('profile.newPassword')}</label>
        <input
          id="pw-new"
          type="password"
          autocomplete="new-password"
          minLength={12}
          required
          aria-describedby="pw-hint"
          value={next}
          onInput={(e) => setNext(e.currentTarget.value)}
        />
        <p id="pw-hint" class="hint">
          {t('profile.passwordHint')}
        </p>
        <button type="submit" class="btn primary">
          {t('profile.changePassword')}
        </button>
      </form>
    </section>
  );
}

function FactorsSection({ act, setNotice }: { act: Act; setNotice: (n: string) => void }) {
  const [status, setStatus] = useState<{ enabled: boolean; recoveryCodesLeft: number } | null>(
    null,
  );
  const [enrolment, setEnrolment] = useState<MfaEnrolment | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const load = () => accountApi.mfaStatus().then(setStatus, () => setStatus(null));
  useEffect(() => void load(), []);

  return (
    <section class="card" aria-labelledby="factors-title">
      <h2 id="factors-title">{t('profile.factorsTitle')}</h2>
      {status === null ? (
        <p>{t('profile.loading')}</p>
      ) : status.enabled ? (
        <>
          <p data-testid="totp-status">
            {t('profile.totpOn', { count: status.recoveryCodesLeft })}
          </p>
          <div class="dialog-actions">
            <button
              type="button"
              class="btn"
              onClick={() =>
                act(async () => {
                  setCodes(await accountApi.regenerateRecoveryCodes());
                  await load();
                })
              }
            >
              {t('profile.newRecoveryCodes')}
            </button>
            <button type="button" class="btn danger" onClick={() => setConfirmRemove(true)}>
              {t('profile.removeAuthenticator')}
            </button>
          </div>
        </>
      ) : enrolment ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            act(async () => {
              const r = await securityApi.confirmEnrolment(code.trim());
              setEnrolment(null);
              setCode('');
              setCodes(r.recoveryCodes);
              await load();
            });
          }}
        >
          <p>{t('profile.enrolHint')}</p>
          <img src={enrolment.qrDataUrl} alt={t('signIn.qrAlt')} width={200} height={200} />
          <p>
            {t('signIn.orEnterKey')}{' '}
            <code class="nowrap" data-testid="enrol-secret">
              {enrolment.secret}
            </code>
          </p>
          <label for="enrol-code">{t('signIn.code')}</label>
          <input
            id="enrol-code"
            inputMode="numeric"
            autocomplete="one-time-code"
            required
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
          <button type="submit" class="btn primary">
            {t('signIn.turnOn')}
          </button>
        </form>
      ) : (
        <>
          <p data-testid="totp-status">{t('profile.totpOff')}</p>
          <button
            type="button"
            class="btn primary"
            onClick={() => act(async () => setEnrolment(await securityApi.startEnrolment()))}
          >
            {t('profile.setUpTotp')}
          </button>
        </>
      )}
      {codes && <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />}
      <Passkeys />
      {confirmRemove && (
        <ConfirmDialog
          title={t('profile.removeTitle')}
          confirmLabel={t('profile.removeAuthenticator')}
          onCancel={() => setConfirmRemove(false)}
          onConfirm={() => {
            setConfirmRemove(false);
            act(async () => {
              await accountApi.disableMfa();
              setNotice(t('profile.removed'));
              await load();
            });
          }}
        >
          <p>{t('profile.removeText')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function SessionsSection({
  act,
  onSignedOut,
}: {
  act: Act;
  onSignedOut: (notice: string) => void;
}) {
  const [sessions, setSessions] = useState<AccountSession[]>([]);
  const [confirmAll, setConfirmAll] = useState(false);
  const load = () => accountApi.sessions().then(setSessions, () => undefined);
  useEffect(() => void load(), []);
  return (
    <section class="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">{t('profile.sessionsTitle')}</h2>
      <ul class="session-list" data-testid="session-list">
        {sessions.map((s) => (
          <li key={s.id} data-testid="session-row">
            <div>
              <strong>{s.device}</strong>
              {s.current && <span class="badge"> {t('profile.thisDevice')}</span>}
              {s.locked && <span class="badge"> {t('profile.locked')}</span>}
              <br />
              <span class="hint">
                {t('profile.sessionFacts', {
                  ip: s.ip ?? t('profile.addressUnknown'),
                  seen: time(s.lastSeenAt),
                  since: time(s.createdAt),
                })}
              </span>
            </div>
            {!s.current && (
              <button
                type="button"
                class="btn small"
                onClick={() =>
                  act(async () => {
                    await accountApi.endSession(s.id);
                    await load();
                  })
                }
              >
                {t('profile.signOut')}
                <span class="visually-hidden"> {s.device}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
      <div class="dialog-actions">
        <button
          type="button"
          class="btn"
          disabled={sessions.length < 2}
          onClick={() =>
            act(async () => {
              await accountApi.endOtherSessions();
              await load();
            })
          }
        >
          {t('profile.signOutOthers')}
        </button>
        <button type="button" class="btn danger" onClick={() => setConfirmAll(true)}>
          {t('profile.signOutEverywhere')}
        </button>
      </div>
      {confirmAll && (
        <ConfirmDialog
          title={t('profile.signOutEverywhereTitle')}
          confirmLabel={t('profile.signOutEverywhere')}
          onCancel={() => setConfirmAll(false)}
          onConfirm={() => {
            setConfirmAll(false);
            act(async () => {
              await securityApi.logoutEverywhere();
              onSignedOut(t('profile.signedOutEverywhere'));
            });
          }}
        >
          <p>{t('profile.signOutEverywhereText')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
