import { useEffect, useState } from 'preact/hooks';
import {
  WEBHOOK_EVENT_TYPES,
  type SessionInfo,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEventType,
} from '@parley/protocol';
import { webhooksApi } from '../lib/webhooks-api';
import { explain, useAction } from '../lib/use-action';
import { ConfirmDialog } from './confirm-dialog';
import { SecretOnce } from './secret-once';
import { SettingsHeader } from './settings-header';
import { t } from '../i18n';
import { pageTitle } from './format';

/** Each event in the words an admin reads. */
const EVENT_LABELS: Record<WebhookEventType, string> = {
  'conversation.started': 'A conversation starts',
  'conversation.assigned': 'A conversation is assigned to an agent',
  'conversation.transferred': 'A conversation is transferred',
  'conversation.closed': 'A conversation is closed',
  'message.created': 'A message is sent (masked text)',
  'conversation.rated': 'A customer rates a conversation',
  'payment.updated': 'A payment changes state',
};

const date = (ms: number | null) => (ms === null ? '—' : new Date(ms).toLocaleString());

function deliveryState(d: WebhookDelivery): string {
  if (d.status === 'delivered') return d.lastStatus === 0 ? 'skipped (erased)' : 'delivered';
  if (d.lastError) return `retrying: ${d.lastError}`;
  return d.status === 'sending' ? 'sending' : 'waiting';
}

/** An endpoint's delivery log, newest first, with replay. */
function Deliveries({
  endpoint,
  onError,
}: {
  endpoint: WebhookEndpoint;
  onError: (e: string) => void;
}) {
  const [rows, setRows] = useState<WebhookDelivery[] | null>(null);
  const load = () =>
    webhooksApi.deliveries(endpoint.id).then(setRows, (e: unknown) => onError(explain(e)));
  useEffect(() => {
    void load();
  }, [endpoint.id]);
  if (!rows) return <p>Loading deliveries…</p>;
  if (rows.length === 0) return <p>No deliveries yet.</p>;
  return (
    <div class="table-scroll" tabIndex={0} aria-label={`Deliveries to ${endpoint.url}`}>
      <table data-testid="delivery-table">
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Queued</th>
            <th scope="col">State</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last answer</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.id} data-testid="delivery-row">
              <td>
                <code>{d.event}</code>
              </td>
              <td>{date(d.createdAt)}</td>
              <td>{deliveryState(d)}</td>
              <td>{d.attempts}</td>
              <td>{d.lastStatus ? `HTTP ${d.lastStatus}` : '—'}</td>
              <td>
                <button
                  type="button"
                  class="btn small"
                  onClick={() =>
                    void webhooksApi.replay(d.id).then(load, (e: unknown) => onError(explain(e)))
                  }
                >
                  Send again<span class="visually-hidden"> {d.event}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Admin page: outgoing webhooks for chat events (docs/webhooks.md). The secret is shown once. */
export function WebhooksSettingsPage({ session }: { session: SessionInfo }) {
  const [endpoints, setEndpoints] = useState<WebhookEndpoint[] | null>(null);
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<Set<WebhookEventType>>(new Set());
  const [secret, setSecret] = useState<{ url: string; value: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [removing, setRemoving] = useState<WebhookEndpoint | null>(null);
  const [notice, setNotice] = useState('');
  const { busy, error, setError, run } = useAction();

  const reload = () => webhooksApi.list().then(setEndpoints, (e: unknown) => setError(explain(e)));
  useEffect(() => {
    document.title = pageTitle(t('workspace.navWebhooks'));
    void reload();
  }, []);

  if (session.agent.role !== 'admin')
    return <p class="centered">Only administrators can manage webhooks.</p>;

  const create = () =>
    run(async () => {
      const r = await webhooksApi.create({
        url: url.trim(),
        description: description.trim(),
        events: WEBHOOK_EVENT_TYPES.filter((e) => events.has(e)),
      });
      setSecret({ url: r.endpoint.url, value: r.secret });
      setUrl('');
      setDescription('');
      await reload();
    });
  const toggle = (e: WebhookEventType, on: boolean) => {
    const next = new Set(events);
    if (on) next.add(e);
    else next.delete(e);
    setEvents(next);
  };

  return (
    <div class="app admin">
      <SettingsHeader
        session={session}
        links={[
          ['/settings/api-tokens', 'API tokens'],
          ['/api-docs', 'API reference'],
        ]}
      />
      <main class="admin-main" data-testid="webhooks">
        <h1>Webhooks</h1>
        <p>
          Parley posts chat events to your systems as they happen, signed with the endpoint's secret
          (headers <code>x-parley-timestamp</code> and <code>x-parley-signature</code>, see
          docs/webhooks.md). A post the receiver does not answer with 2xx is sent again, with the
          same id, until it is taken. Message text is the masked text agents see; addresses on
          internal networks are refused.
        </p>
        <p class="visually-hidden" role="status">
          {notice}
        </p>
        {secret && (
          <SecretOnce testId="webhook-secret" value={secret.value} onDone={() => setSecret(null)}>
            Copy the signing secret of <strong>{secret.url}</strong> now; it is not shown again:
          </SecretOnce>
        )}
        <form
          class="card api-tokens-card"
          aria-labelledby="wh-new"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <h2 id="wh-new">New endpoint</h2>
          <label for="wh-url">Address (https://…)</label>
          <input
            id="wh-url"
            type="url"
            required
            maxLength={2000}
            value={url}
            placeholder="https://crm.example.com/parley"
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
          <label for="wh-desc">Description (optional)</label>
          <input
            id="wh-desc"
            maxLength={120}
            value={description}
            onInput={(e) => setDescription(e.currentTarget.value)}
          />
          <fieldset>
            <legend>Events</legend>
            {WEBHOOK_EVENT_TYPES.map((ev) => (
              <label class="check" key={ev}>
                <input
                  type="checkbox"
                  checked={events.has(ev)}
                  onChange={(e) => toggle(ev, e.currentTarget.checked)}
                />{' '}
                {EVENT_LABELS[ev]}
              </label>
            ))}
          </fieldset>
          {error && (
            <p class="error" role="alert" data-testid="webhook-error">
              {error}
            </p>
          )}
          <button
            type="submit"
            class="btn primary"
            disabled={busy || events.size === 0 || !url.trim()}
          >
            Add endpoint
          </button>
        </form>
        <section class="card api-tokens-card" aria-labelledby="wh-list">
          <h2 id="wh-list">Endpoints</h2>
          {!endpoints ? (
            <p>Loading…</p>
          ) : endpoints.length === 0 ? (
            <p>No endpoints yet.</p>
          ) : (
            <ul class="webhook-list">
              {endpoints.map((ep) => (
                <li key={ep.id} data-testid="webhook-row">
                  <p>
                    <code>{ep.url}</code> {ep.description && <span>· {ep.description}</span>}
                  </p>
                  <p>
                    {ep.enabled ? 'Enabled' : 'Disabled'} · {ep.events.join(', ')} · {ep.pending}{' '}
                    waiting{ep.failing > 0 ? `, ${ep.failing} failing` : ''}
                  </p>
                  <div class="actions">
                    <button
                      type="button"
                      class="btn small"
                      aria-expanded={open === ep.id}
                      onClick={() => setOpen(open === ep.id ? null : ep.id)}
                    >
                      Deliveries
                    </button>
                    <button
                      type="button"
                      class="btn small"
                      onClick={() =>
                        void run(async () => {
                          await webhooksApi.ping(ep.id);
                          setNotice(`Test event queued for ${ep.url}`);
                        })
                      }
                    >
                      Send test event
                    </button>
                    <button
                      type="button"
                      class="btn small"
                      onClick={() =>
                        void run(async () => {
                          await webhooksApi.setEnabled(ep.id, !ep.enabled);
                          await reload();
                        })
                      }
                    >
                      {ep.enabled ? 'Disable' : 'Enable'}
                    </button>
                    <button type="button" class="btn small danger" onClick={() => setRemoving(ep)}>
                      Delete<span class="visually-hidden"> {ep.url}</span>
                    </button>
                  </div>
                  {open === ep.id && <Deliveries endpoint={ep} onError={setError} />}
                </li>
              ))}
            </ul>
          )}
        </section>
        {removing && (
          <ConfirmDialog
            title={`Delete the endpoint ${removing.url}?`}
            confirmLabel="Delete"
            onCancel={() => setRemoving(null)}
            onConfirm={() =>
              void run(async () => {
                await webhooksApi.remove(removing.id);
                setRemoving(null);
                await reload();
              })
            }
          >
            Its waiting deliveries and its delivery log go with it. This cannot be undone.
          </ConfirmDialog>
        )}
      </main>
    </div>
  );
}
