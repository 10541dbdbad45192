import { useEffect, useState } from 'preact/hooks';
import type {
  AgentAdminView,
  AuditEntryView,
  Role,
  SecurityEvent,
  SecuritySettings,
  SessionInfo,
} from '@parley/protocol';
import { ApiError } from '../lib/api';
import { securityApi } from '../lib/security-api';
import { accountApi } from '../lib/account-api';
import { ConfirmDialog } from './confirm-dialog';
import { StepUpPrompt } from './step-up-prompt';
import { errorOf } from '../lib/errors';

/** A destructive act waiting for the admin's confirmation (issue 10 item 14). */
interface Confirmation {
  title: string;
  text: string;
  label: string;
  run: () => Promise<unknown>;
}

const explain = (e: unknown): string => errorOf(e);
const time = (ms: number) => new Date(ms).toLocaleString();
const PAGES = [
  ['/agents', 'Agents'],
  ['/security', 'Security settings'],
  ['/security/events', 'Security events'],
  ['/audit', 'Audit log'],
  ['/settings/sso', 'Single sign-on'],
] as const;

/** The admin pages: agents, security settings, security events (live) and the audit log. */
export function AdminConsole({ session, path }: { session: SessionInfo; path: string }) {
  return (
    <div class="app admin">
      <header class="topbar">
        <div class="topbar-left">
          <a class="brand" href="/">
            Parley
          </a>
          <nav aria-label="Administration">
            {PAGES.map(([href, label]) => (
              <a
                key={href}
                href={href}
                class={href === path ? 'active' : ''}
                aria-current={href === path ? 'page' : undefined}
              >
                {label}
              </a>
            ))}
          </nav>
        </div>
        <span class="agent-name">{session.agent.name}</span>
      </header>
      <main class="admin-main">
        {path === '/agents' && <AgentsPage self={session.agent.id} />}
        {path === '/security' && <SettingsPage />}
        {path === '/security/events' && <EventsPage />}
        {path === '/audit' && <AuditPage />}
      </main>
    </div>
  );
}

function AgentsPage({ self }: { self: string }) {
  const [agents, setAgents] = useState<AgentAdminView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [invite, setInvite] = useState({ email: '', name: '', role: 'agent' as Role });
  const [oneTime, setOneTime] = useState<string | null>(null);
  const load = () => securityApi.agents().then(setAgents, (e: unknown) => setError(explain(e)));
  useEffect(() => void load(), []);
  // An action that needs step-up waits here while the prompt asks for the password and a code.
  const [pending, setPending] = useState<(() => Promise<unknown>) | null>(null);
  const [confirm, setConfirm] = useState<Confirmation | null>(null);
  const act = (run: Promise<unknown> | (() => Promise<unknown>)): void => {
    const thunk = typeof run === 'function' ? run : () => run;
    void thunk().then(load, (e: unknown) => {
      if (e instanceof ApiError && e.code === 'step_up_required' && typeof run === 'function')
        setPending(() => run);
      else setError(explain(e));
    });
  };
  return (
    <section aria-labelledby="agents-title">
      <h1 id="agents-title">Agents</h1>
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
      {confirm && (
        <ConfirmDialog
          title={confirm.title}
          confirmLabel={confirm.label}
          onCancel={() => {
            setConfirm(null);
            void load();
          }}
          onConfirm={() => {
            const run = confirm.run;
            setConfirm(null);
            act(run);
          }}
        >
          <p>{confirm.text}</p>
        </ConfirmDialog>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {oneTime && (
        <p class="info" role="status" data-testid="one-time-password">
          One-time password (shown once; they choose their own at first sign-in):{' '}
          <code class="nowrap">{oneTime}</code>
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>E-mail</th>
            <th>Role</th>
            <th>Status</th>
            <th>MFA</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => (
            <tr key={a.id} data-testid="agent-row">
              <td>{a.name}</td>
              <td>{a.email}</td>
              <td>
                <select
                  aria-label={`Role of ${a.name}`}
                  value={a.role}
                  disabled={a.id === self}
                  onChange={(e) => {
                    const role = e.currentTarget.value as Role;
                    setConfirm({
                      title: `Make ${a.name} ${role === 'admin' ? 'an' : 'a'} ${role}?`,
                      text: 'Their sessions end at once; they sign in again with the new role.',
                      label: 'Change role',
                      run: () => securityApi.updateAgent(a.id, { role }),
                    });
                  }}
                >
                  <option value="agent">agent</option>
                  <option value="supervisor">supervisor</option>
                  <option value="admin">admin</option>
                </select>
              </td>
              <td>{a.active ? (a.locked ? 'locked' : 'active') : 'deactivated'}</td>
              <td>{a.mfaEnabled ? 'on' : 'off'}</td>
              <td>
                {a.locked && (
                  <button
                    type="button"
                    class="btn small"
                    onClick={() => act(securityApi.unlock(a.id))}
                  >
                    Unlock
                  </button>
                )}
                {a.mfaEnabled && a.id !== self && (
                  <button
                    type="button"
                    class="btn small"
                    onClick={() =>
                      setConfirm({
                        title: `Reset ${a.name}'s two-step verification?`,
                        text: 'Their authenticator and recovery codes stop working and their sessions end. They set up a new one at next sign-in if required.',
                        label: 'Reset MFA',
                        run: () => securityApi.resetMfa(a.id),
                      })
                    }
                  >
                    Reset MFA
                  </button>
                )}
                {a.id !== self && (
                  <button
                    type="button"
                    class="btn small"
                    onClick={() =>
                      setConfirm({
                        title: `Reset ${a.name}'s password?`,
                        text: 'Their password stops working and their sessions end. You get a one-time password to give them, shown once.',
                        label: 'Reset password',
                        run: async () => {
                          const r = await accountApi.resetPassword(a.id);
                          setOneTime(`${r.agent.email}: ${r.oneTimePassword}`);
                        },
                      })
                    }
                  >
                    Reset password
                  </button>
                )}
                {a.id !== self && (
                  <button
                    type="button"
                    class="btn small"
                    onClick={() =>
                      a.active
                        ? setConfirm({
                            title: `Deactivate ${a.name}?`,
                            text: 'They are signed out everywhere at once and cannot sign in until reactivated.',
                            label: 'Deactivate',
                            run: () => securityApi.updateAgent(a.id, { active: false }),
                          })
                        : act(securityApi.updateAgent(a.id, { active: true }))
                    }
                  >
                    {a.active ? 'Deactivate' : 'Reactivate'}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        class="card inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          securityApi.invite(invite).then(
            (r) => {
              setOneTime(`${r.agent.email}: ${r.oneTimePassword}`);
              void load();
            },
            (err: unknown) => setError(explain(err)),
          );
        }}
      >
        <h2>Invite an agent</h2>
        <label>
          E-mail{' '}
          <input
            type="email"
            required
            value={invite.email}
            onInput={(e) => setInvite({ ...invite, email: e.currentTarget.value })}
          />
        </label>
        <label>
          Name{' '}
          <input
            required
            value={invite.name}
            onInput={(e) => setInvite({ ...invite, name: e.currentTarget.value })}
          />
        </label>
        <label>
          Role{' '}
          <select
            value={invite.role}
            onChange={(e) => setInvite({ ...invite, role: e.currentTarget.value as Role })}
          >
            <option>agent</option>
            <option>supervisor</option>
            <option>admin</option>
          </select>
        </label>
        <button type="submit" class="btn primary">
          Create
        </button>
      </form>
    </section>
  );
}

function SettingsPage() {
  const [s, setS] = useState<SecuritySettings | null>(null);
  const [allowlist, setAllowlist] = useState('');
  const [webhookUrl, setWebhookUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [msg, setMsg] = useState<string | null>(null);
  const apply = (v: SecuritySettings) => {
    setS(v);
    setAllowlist(v.ipAllowlist.join('\n'));
    setWebhookUrl(v.webhookUrl ?? '');
  };
  useEffect(() => void securityApi.settings().then(apply, (e: unknown) => setMsg(explain(e))), []);
  if (!s) return <p>{msg ?? 'Loading…'}</p>;
  const save = () =>
    securityApi
      .saveSettings({
        mfaPolicy: s.mfaPolicy === 'all' ? 'all' : 'admins',
        ipAllowlist: allowlist.split(/\s+/).filter((l) => l.length > 0),
        webhookUrl: webhookUrl.trim() === '' ? null : webhookUrl.trim(),
        ...(secret ? { webhookSecret: secret } : {}),
        ...(s.idleMinutes !== null ? { idleMinutes: s.idleMinutes } : {}),
      })
      .then(
        (v) => (apply(v), setSecret(''), setMsg('Saved.')),
        (e: unknown) => setMsg(explain(e)),
      );
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Security settings</h1>
      <form class="card inline-form" onSubmit={(e) => (e.preventDefault(), void save())}>
        <fieldset>
          <legend>Two-step verification required for</legend>
          <label>
            <input
              type="radio"
              name="mfa"
              checked={s.mfaPolicy !== 'all'}
              onChange={() => setS({ ...s, mfaPolicy: 'admins' })}
            />{' '}
            admins
          </label>
          <label>
            <input
              type="radio"
              name="mfa"
              checked={s.mfaPolicy === 'all'}
              onChange={() => setS({ ...s, mfaPolicy: 'all' })}
            />{' '}
            everyone
          </label>
        </fieldset>
        <label for="idle-minutes">
          Idle timeout in minutes (1–15, PCI DSS 8.2.8): the console locks, and asks for the
          password again
        </label>
        <input
          id="idle-minutes"
          type="number"
          min={1}
          max={15}
          value={s.idleMinutes ?? 15}
          onInput={(e) => setS({ ...s, idleMinutes: Number(e.currentTarget.value) || null })}
        />
        <label for="allowlist">
          IP allowlist (one IPv4/IPv6 address or CIDR range per line; empty allows all)
        </label>
        <textarea
          id="allowlist"
          rows={5}
          value={allowlist}
          onInput={(e) => setAllowlist(e.currentTarget.value)}
        />
        <label for="webhook-url">Security webhook URL</label>
        <input
          id="webhook-url"
          type="url"
          value={webhookUrl}
          onInput={(e) => setWebhookUrl(e.currentTarget.value)}
        />
        <label for="webhook-secret">
          Webhook signing secret{' '}
          {s.webhookSecretSet ? '(set; leave empty to keep)' : '(min. 16 characters)'}
        </label>
        <input
          id="webhook-secret"
          type="password"
          autocomplete="off"
          value={secret}
          onInput={(e) => setSecret(e.currentTarget.value)}
        />
        <button type="submit" class="btn primary">
          Save
        </button>
        {msg && <p role="status">{msg}</p>}
      </form>
    </section>
  );
}

function EventsPage() {
  const [events, setEvents] = useState<SecurityEvent[]>([]);
  const [counts, setCounts] = useState<Record<string, number>>({});
  useEffect(() => {
    void securityApi.events().then((r) => (setEvents(r.events), setCounts(r.counts)));
    // Live: the agent socket forwards security_event frames to admins and supervisors.
    const ws = new WebSocket(
      `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/agent`,
    );
    ws.onmessage = (m: MessageEvent<string>) => {
      const f = JSON.parse(m.data) as { type?: string; event?: SecurityEvent };
      const ev = f.event;
      if (f.type === 'security_event' && ev) {
        setEvents((list) => [ev, ...list].slice(0, 200));
        setCounts((c) => ({ ...c, [ev.type]: (c[ev.type] ?? 0) + 1 }));
      }
    };
    return () => ws.close();
  }, []);
  return (
    <section aria-labelledby="events-title">
      <h1 id="events-title">Security events</h1>
      <p data-testid="event-counts">
        {Object.entries(counts)
          .map(([k, v]) => `${k}: ${v}`)
          .join(' · ') || 'None yet.'}
      </p>
      <table>
        <thead>
          <tr>
            <th>When</th>
            <th>Type</th>
            <th>Address</th>
            <th>Agent</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id} data-testid="security-event">
              <td>{time(e.createdAt)}</td>
              <td>{e.type}</td>
              <td>{e.ip ?? ''}</td>
              <td>{e.agentId ?? ''}</td>
              <td>{JSON.stringify(e.detail)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function AuditPage() {
  const [filter, setFilter] = useState({ action: '', outcome: '', actorId: '' });
  const [entries, setEntries] = useState<AuditEntryView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    securityApi.audit(filter).then(setEntries, (e: unknown) => setError(explain(e)));
  useEffect(() => void load(), []);
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <form class="inline-form" onSubmit={(e) => (e.preventDefault(), void load())}>
        <label>
          Action{' '}
          <input
            value={filter.action}
            placeholder="auth.sign_in"
            onInput={(e) => setFilter({ ...filter, action: e.currentTarget.value })}
          />
        </label>
        <label>
          Actor id{' '}
          <input
            value={filter.actorId}
            onInput={(e) => setFilter({ ...filter, actorId: e.currentTarget.value })}
          />
        </label>
        <label>
          Outcome{' '}
          <select
            value={filter.outcome}
            onChange={(e) => setFilter({ ...filter, outcome: e.currentTarget.value })}
          >
            <option value="">any</option>
            <option>success</option>
            <option>failure</option>
          </select>
        </label>
        <button type="submit" class="btn">
          Filter
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th>#</th>
            <th>When</th>
            <th>Actor</th>
            <th>Action</th>
            <th>Outcome</th>
            <th>Address</th>
            <th>Resource</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.seq} data-testid="audit-entry">
              <td>{e.seq}</td>
              <td>{time(e.at)}</td>
              <td>
                {e.actorKind} {e.actorId ?? ''}
              </td>
              <td>{e.action}</td>
              <td>{e.outcome}</td>
              <td>{e.ip ?? ''}</td>
              <td>{e.resourceType ? `${e.resourceType} ${e.resourceId ?? ''}` : ''}</td>
              <td>{JSON.stringify(e.detail)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
