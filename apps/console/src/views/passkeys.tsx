import { useEffect, useState } from 'preact/hooks';
import type { Passkey, SessionInfo } from '@parley/protocol';
import { ApiError } from '../lib/api';
import { explainWebAuthn, passkeyApi, passkeysSupported } from '../lib/passkey-api';
import { StepUpPrompt } from './step-up-prompt';
import { errorOf } from '../lib/errors';
import { t } from '../i18n';
import { pageTitle } from './format';

const explain = (e: unknown): string => explainWebAuthn(e) ?? errorOf(e);
const when = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toLocaleString());

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
      setNotice(`Passkey “${p.name}” added.`);
    });
  const remove = (p: Passkey) => {
    if (!confirm(`Remove the passkey “${p.name}”? You can no longer sign in with it.`)) return;
    void run(async () => {
      await passkeyApi.remove(p.id);
      setNotice(`Passkey “${p.name}” removed.`);
    });
  };

  return (
    <section class="card passkeys" aria-labelledby="passkeys-title" data-testid="passkeys">
      <h2 id="passkeys-title">Passkeys</h2>
      <p>
        A passkey signs you in with this device’s screen lock or a security key, without a password.
        It only works on this site, so a look-alike page cannot steal it.
      </p>
      {list === null ? (
        <p>Loading…</p>
      ) : list.length === 0 ? (
        <p data-testid="passkeys-empty">You have no passkeys yet.</p>
      ) : (
        <table class="passkey-list">
          <caption class="visually-hidden">Your passkeys</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Added</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
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
                    aria-label={`Remove passkey ${p.name}`}
                    onClick={() => remove(p)}
                  >
                    Remove
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
          <label for="passkey-name">Name of the new passkey</label>
          <input
            id="passkey-name"
            required
            maxLength={60}
            placeholder="e.g. Work laptop"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
          <button type="submit" class="btn primary" disabled={busy || name.trim() === ''}>
            Add a passkey
          </button>
        </form>
      ) : (
        <p class="info">This browser cannot create passkeys.</p>
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
        <h1>Your sign-in methods</h1>
        <Passkeys />
      </main>
    </div>
  );
}
