import { useEffect, useState } from 'preact/hooks';
import {
  API_TOKEN_SCOPES,
  type ApiToken,
  type ApiTokenScope,
  type SessionInfo,
} from '@parley/protocol';
import { apiTokensApi } from '../lib/api-tokens-api';
import { explain, useAction } from '../lib/use-action';
import { ConfirmDialog } from './confirm-dialog';
import { SecretOnce } from './secret-once';
import { SettingsHeader } from './settings-header';
import { t } from '../i18n';
import { pageTitle } from './format';

/** What each scope lets an automation do, in the words an admin reads. */
const SCOPE_LABELS: Record<ApiTokenScope, string> = {
  'conversation:read': 'Read conversations and messages',
  'conversation:accept': 'Accept waiting conversations',
  'conversation:reply': 'Send messages in its own conversations',
  'conversation:reply_any': 'Send messages in any conversation',
  'conversation:close': 'Close its own conversations',
  'conversation:close_any': 'Close any conversation',
  'payment:request': 'Request payments',
  'payment:cancel': 'Cancel payment requests',
  'payment:refund': 'Refund payments',
  'agent:manage': 'Manage agents',
  'settings:manage': 'Change organisation, masking, file and payment settings',
  'audit:read': 'Read the audit log',
  'security_event:read': 'Read security events',
  'report:read': 'Read reports and export them as CSV',
};

const date = (ms: number | null) => (ms === null ? '—' : new Date(ms).toLocaleString());

/** Admin page: scoped API tokens (docs/api.md). The secret is shown once, at creation. */
export function ApiTokensSettingsPage({ session }: { session: SessionInfo }) {
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Set<ApiTokenScope>>(new Set());
  const [days, setDays] = useState(90);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const { busy, error, setError, run } = useAction();

  const reload = () => apiTokensApi.list().then(setTokens, (e: unknown) => setError(explain(e)));
  useEffect(() => {
    document.title = pageTitle(t('workspace.navApiTokens'));
    void reload();
  }, []);

  if (session.agent.role !== 'admin')
    return <p class="centered">Only administrators can manage API tokens.</p>;

  const create = () =>
    run(async () => {
      const r = await apiTokensApi.create({
        name: name.trim(),
        scopes: API_TOKEN_SCOPES.filter((s) => scopes.has(s)),
        expiresInDays: days,
      });
      setSecret({ name: r.token.name, value: r.secret });
      setName('');
      await reload();
    });
  const toggle = (s: ApiTokenScope, on: boolean) => {
    const next = new Set(scopes);
    if (on) next.add(s);
    else next.delete(s);
    setScopes(next);
  };

  return (
    <div class="app admin">
      <SettingsHeader
        session={session}
        links={[
          ['/settings/organisation', 'Organisation'],
          ['/api-docs', 'API reference'],
        ]}
      />
      <main class="admin-main" data-testid="api-tokens">
        <h1>API tokens</h1>
        <p>
          A token lets a script or another system use the REST API with the permissions you give it,
          acting as you: it can never do more than your own role, and it stops when your account is
          deactivated. Every act it does is audited with the token. Send it as{' '}
          <code>Authorization: Bearer …</code>; see the <a href="/api-docs">API reference</a>.
        </p>
        {secret && (
          <SecretOnce testId="token-secret" value={secret.value} onDone={() => setSecret(null)}>
            Copy the token <strong>{secret.name}</strong> now; it is not shown again:
          </SecretOnce>
        )}
        <form
          class="card api-tokens-card"
          aria-labelledby="tok-new"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <h2 id="tok-new">New token</h2>
          <label for="tok-name">Name (what uses it)</label>
          <input
            id="tok-name"
            required
            maxLength={80}
            value={name}
            placeholder="CRM sync"
            onInput={(e) => setName(e.currentTarget.value)}
          />
          <fieldset>
            <legend>Permissions</legend>
            {API_TOKEN_SCOPES.map((s) => (
              <label class="check" key={s}>
                <input
                  type="checkbox"
                  checked={scopes.has(s)}
                  onChange={(e) => toggle(s, e.currentTarget.checked)}
                />{' '}
                {SCOPE_LABELS[s]}
              </label>
            ))}
          </fieldset>
          <label for="tok-days">Expires after (days, at most 365)</label>
          <input
            id="tok-days"
            type="number"
            min={1}
            max={365}
            value={days}
            onInput={(e) => setDays(Number(e.currentTarget.value))}
          />
          {error && (
            <p class="error" role="alert" data-testid="tok-error">
              {error}
            </p>
          )}
          <button
            type="submit"
            class="btn primary"
            disabled={busy || scopes.size === 0 || !name.trim()}
          >
            Create token
          </button>
        </form>
        <section class="card api-tokens-card" aria-labelledby="tok-list">
          <h2 id="tok-list">Tokens</h2>
          {!tokens ? (
            <p>Loading…</p>
          ) : tokens.length === 0 ? (
            <p>No tokens yet.</p>
          ) : (
            <div class="table-scroll" tabIndex={0} aria-label="Tokens">
              <table data-testid="token-table">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Token</th>
                    <th scope="col">Permissions</th>
                    <th scope="col">Created by</th>
                    <th scope="col">Expires</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Status</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {tokens.map((t) => (
                    <tr key={t.id} data-testid="token-row">
                      <td>{t.name}</td>
                      <td>
                        <code>{t.prefix}…</code>
                      </td>
                      <td>{t.scopes.join(', ')}</td>
                      <td>{t.createdBy.name ?? '—'}</td>
                      <td>{date(t.expiresAt)}</td>
                      <td>
                        {date(t.lastUsedAt)}
                        {t.lastUsedIp ? ` from ${t.lastUsedIp}` : ''}
                      </td>
                      <td>{t.status}</td>
                      <td>
                        {t.status === 'active' && (
                          <button
                            type="button"
                            class="btn small danger"
                            onClick={() => setRevoking(t)}
                          >
                            Revoke<span class="visually-hidden"> {t.name}</span>
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        {revoking && (
          <ConfirmDialog
            title={`Revoke “${revoking.name}”?`}
            confirmLabel="Revoke"
            onCancel={() => setRevoking(null)}
            onConfirm={() =>
              void run(async () => {
                await apiTokensApi.revoke(revoking.id);
                setRevoking(null);
                await reload();
              })
            }
          >
            Whatever uses it stops working at once. This cannot be undone.
          </ConfirmDialog>
        )}
      </main>
    </div>
  );
}
