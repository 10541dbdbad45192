import { useEffect, useState } from 'preact/hooks';
import type { Passkey, SessionInfo } from '@parley/protocol';
import { ApiError } from '../lib/api';
import { explainWebAuthn, passkeyApi, passkeysSupported } from '../lib/passkey-api';
import { StepUpPrompt } from './step-up-prompt';
import { errorOf } from '../lib/errors';
import { t } from '../i18n';
import { dateTime, pageTitle } from './format';

const explain = (e: unknown): string => explainWebAuthn(e) ?? errorOf(e);
const when = (ms: number | null) => (ms === null ? t('security.never') : dateTime(ms));

/**
 * The signed-in agent's passkeys: list, register (with a name) and remove.
 * Self-contained (no props) so the profile page can include it as it is.
 * Registering and removing are factor changes: the server asks for a step-up,
 * answered here with the password and a code, or with an existing passkey.
 */
export function Passkeys() {
  const [list, setList] = useState<Passkey[] | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<(() => Promise<void>) | null>(null);

  const reload = () => passkeyApi.list().then(setList, (e: unknown) => setError(explain(e)));
  useEffect(() => void reload(), []);

  async function run(action: () => Promise<void>): Promise<void> {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await action();
      await reload();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'step_up_required') setPending(() => action);
      else setError(explain(e));
    } finally {
      setBusy(false);
    }
  }

  const register = () =>
    run(async () => {
      const p = await passkeyApi.register(name.trim());
      setName('');
      setNotice(t('security.passkeyAdded', { name: p.name }));
    });
  const remove = (p: Passkey) => {
    if (!confirm(`Remove the passkey “${p.name}”? You can no longer sign in with it.`)) return;
    void run(async () => {
      await passkeyApi.remove(p.id);
      setNotice(t('security.passkeyRemoved', { name: p.name }));
    });
  };

  return (
    <section class="card passkeys" aria-labelledby="passkeys-title" data-testid="passkeys">
      <h2 id="passkeys-title">{t('security.passkeysTitle')}</h2>
      <p>{t('security.passkeysHint')}</p>
      {list === null ? (
        <p>{t('security.loading')}</p>
      ) : list.length === 0 ? (
        <p data-testid="passkeys-empty">{t('security.passkeysEmpty')}</p>
      ) : (
        <table class="passkey-list">
          <caption class="visually-hidden">{t('security.passkeysCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('security.passkeyName')}</th>
              <th scope="col">{t('security.passkeyAddedAt')}</th>
              <th scope="col">{t('security.passkeyLastUsed')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('security.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((p) => (
              <tr key={p.id} data-testid="passkey-row">
                <td>{p.name}</td>
                <td>{when(p.createdAt)}</td>
                <td>{when(p.lastUsedAt)}</td>
                <td>
                  <button
                    type="button"
                    class="btn small"
                    disabled={busy}
                    aria-label={t('security.removePasskey', { name: p.name })}
                    onClick={() => remove(p)}
                  >
                    {t('security.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {passkeysSupported() ? (
        <form
          class="passkey-add"
          onSubmit={(e) => {
            e.preventDefault();
            void register();
          }}
        >
          <label for="passkey-name">{t('security.newPasskeyName')}</label>
          <input
            id="passkey-name"
            required
            maxLength={60}
            placeholder={t('security.newPasskeyPlaceholder')}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
          <button type="submit" class="btn primary" disabled={busy || name.trim() === ''}>
            {t('security.addPasskey')}
          </button>
        </form>
      ) : (
        <p class="info">{t('security.passkeysUnsupported')}</p>
      )}
      {pending && (
        <StepUpPrompt
          onConfirmed={() => {
            const again = pending;
            setPending(null);
            void run(again);
          }}
          onCancel={() => setPending(null)}
        />
      )}
      {error && (
        <p class="error" role="alert" data-testid="passkeys-error">
          {error}
        </p>
      )}
      {notice && (
        <p class="saved" role="status" data-testid="passkeys-status">
          {notice}
        </p>
      )}
    </section>
  );
}

/** A page of its own (/settings/passkeys) until the profile page includes <Passkeys />. */
export function PasskeysPage({ session }: { session: SessionInfo }) {
  useEffect(() => {
    document.title = pageTitle(t('workspace.navPasskeys'));
  }, []);
  return (
    <div class="app admin">
      <header class="topbar">
        <div class="topbar-left">
          <a class="brand" href="/">
            Parley
          </a>
        </div>
        <span class="agent-name">{session.agent.name}</span>
      </header>
      <main class="admin-main">
        <h1>{t('security.signInMethods')}</h1>
        <Passkeys />
      </main>
    </div>
  );
}
