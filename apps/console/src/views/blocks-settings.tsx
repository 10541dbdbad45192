import { useEffect, useState } from 'preact/hooks';
import type { SessionInfo, VisitorBlock } from '@parley/protocol';
import { BLOCK_DURATIONS, blocksApi } from '../lib/blocks-api';
import { explain, useAction } from '../lib/use-action';
import { ConfirmDialog } from './confirm-dialog';
import { SettingsHeader } from './settings-header';
import { t } from '../i18n';
import { pageTitle } from './format';

const date = (ms: number | null) => (ms === null ? '—' : new Date(ms).toLocaleString());

const KIND_LABELS: Record<VisitorBlock['kind'], string> = {
  visitor: 'Visitor',
  address: 'Address',
  network: 'Network',
  identity: 'Verified customer',
};

const target = (b: VisitorBlock) =>
  b.network ?? (b.visitorId ? `visitor ${b.visitorId.slice(0, 8)}…` : '—');

/** Admin page: who is blocked, why, until when; add a network block; lift (docs/security.md "Blocking visitors"). */
export function BlocksSettingsPage({ session }: { session: SessionInfo }) {
  const [blocks, setBlocks] = useState<VisitorBlock[] | null>(null);
  const [network, setNetwork] = useState('');
  const [reason, setReason] = useState('');
  const [minutes, setMinutes] = useState<number | null>(1440);
  const [lifting, setLifting] = useState<VisitorBlock | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { busy, error, setError, run } = useAction();

  const reload = () => blocksApi.list().then(setBlocks, (e: unknown) => setError(explain(e)));
  useEffect(() => {
    document.title = pageTitle(t('workspace.navBlocks'));
    void reload();
  }, []);

  if (session.agent.role !== 'admin')
    return <p class="centered">Only administrators can manage blocked visitors.</p>;

  const add = () =>
    run(async () => {
      const b = await blocksApi.network({
        network: network.trim(),
        reason: reason.trim(),
        expiresInMinutes: minutes,
      });
      setNotice(`Blocked ${b.network ?? ''}.`);
      setNetwork('');
      setReason('');
      await reload();
    });

  return (
    <div class="app admin">
      <SettingsHeader
        session={session}
        links={[
          ['/security/events', 'Security events'],
          ['/audit', 'Audit log'],
        ]}
      />
      <main class="admin-main" data-testid="blocks">
        <h1>Blocked visitors</h1>
        <p>
          Agents block a visitor from its conversation: the visitor, its address or network, or the
          customer your website verified. A blocked visitor only sees “Chat is not available at the
          moment”, its chat ends on every server at once, and each attempt to come back is counted
          and reported as a security event. Every block and lift is in the audit log.
        </p>
        {notice && (
          <p class="banner" role="status" data-testid="blocks-notice">
            {notice}
          </p>
        )}
        <form
          class="card api-tokens-card"
          aria-labelledby="blk-new"
          onSubmit={(e) => {
            e.preventDefault();
            void add();
          }}
        >
          <h2 id="blk-new">Block an address or network</h2>
          <label for="blk-network">Address or CIDR range (IPv4 or IPv6)</label>
          <input
            id="blk-network"
            required
            maxLength={64}
            value={network}
            placeholder="203.0.113.0/24"
            onInput={(e) => setNetwork(e.currentTarget.value)}
          />
          <label for="blk-reason">Reason</label>
          <input
            id="blk-reason"
            required
            maxLength={500}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
          <label for="blk-expiry">For</label>
          <select
            id="blk-expiry"
            value={minutes === null ? '' : String(minutes)}
            onChange={(e) =>
              setMinutes(e.currentTarget.value === '' ? null : Number(e.currentTarget.value))
            }
          >
            {BLOCK_DURATIONS.map(([m, label]) => (
              <option key={label} value={m === null ? '' : String(m)}>
                {t(label)}
              </option>
            ))}
          </select>
          {error && (
            <p class="error" role="alert" data-testid="blk-error">
              {error}
            </p>
          )}
          <div class="actions">
            <button
              type="submit"
              class="btn primary"
              disabled={busy || !network.trim() || !reason.trim()}
            >
              Block
            </button>
          </div>
        </form>
        <section class="card api-tokens-card" aria-labelledby="blk-list">
          <h2 id="blk-list">Blocks</h2>
          {!blocks ? (
            <p>Loading…</p>
          ) : blocks.length === 0 ? (
            <p>Nobody is blocked.</p>
          ) : (
            <div class="table-scroll" tabIndex={0} aria-label="Blocks">
              <table data-testid="block-table">
                <thead>
                  <tr>
                    <th scope="col">Blocked</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Reason</th>
                    <th scope="col">By</th>
                    <th scope="col">Since</th>
                    <th scope="col">Until</th>
                    <th scope="col">Refused</th>
                    <th scope="col">Status</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {blocks.map((b) => (
                    <tr key={b.id} data-testid="block-row" data-status={b.status}>
                      <td>
                        <code>{target(b)}</code>
                      </td>
                      <td>{KIND_LABELS[b.kind]}</td>
                      <td>{b.reason}</td>
                      <td>{b.createdBy.name ?? '—'}</td>
                      <td>{date(b.createdAt)}</td>
                      <td>
                        {b.liftedAt !== null ? `lifted ${date(b.liftedAt)}` : date(b.expiresAt)}
                      </td>
                      <td>{b.refused}</td>
                      <td>{b.status}</td>
                      <td>
                        {b.status === 'active' && (
                          <button
                            type="button"
                            class="btn small danger"
                            onClick={() => setLifting(b)}
                          >
                            Lift<span class="visually-hidden"> the block on {target(b)}</span>
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
        {lifting && (
          <ConfirmDialog
            title="Lift this block?"
            confirmLabel="Lift block"
            onCancel={() => setLifting(null)}
            onConfirm={() =>
              void run(async () => {
                await blocksApi.lift(lifting.id);
                setLifting(null);
                setNotice('Block lifted.');
                await reload();
              })
            }
          >
            {KIND_LABELS[lifting.kind]} <code>{target(lifting)}</code> can start chats again at
            once.
          </ConfirmDialog>
        )}
      </main>
    </div>
  );
}
