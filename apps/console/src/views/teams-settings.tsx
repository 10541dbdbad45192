import { useEffect, useState } from 'preact/hooks';
import type { AgentPresence, RoutingMode, SessionInfo, Team } from '@parley/protocol';
import { routingApi } from '../lib/routing-api';
import { errorOf } from '../lib/errors';
import { t } from '../i18n';
import { pageTitle } from './format';

const explain = (e: unknown): string => errorOf(e);

const ROUTING_LABEL: Record<RoutingMode, string> = {
  queue: 'Shared queue — any member accepts',
  round_robin: 'Automatic: round-robin among online members with room',
  least_busy: 'Automatic: the least busy online member',
};

const EMPTY = {
  name: '',
  routing: 'queue' as RoutingMode,
  escalateAfterSeconds: 120,
  visitorChoice: true,
};

/** Admin page: teams, their routing and members, and each agent's capacity (docs/routing.md). */
export function TeamsSettingsPage({ session }: { session: SessionInfo }) {
  const [teams, setTeams] = useState<Team[] | null>(null);
  const [agents, setAgents] = useState<AgentPresence[]>([]);
  const [form, setForm] = useState(EMPTY);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const reload = (): void => {
    Promise.all([routingApi.teams(), routingApi.presence()]).then(
      ([t, a]) => {
        setTeams(t);
        setAgents(a);
      },
      (e: unknown) => setError(explain(e)),
    );
  };
  useEffect(() => {
    document.title = pageTitle(t('workspace.navTeams'));
    reload();
  }, []);

  const run = async (what: () => Promise<string>): Promise<void> => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      setNotice(await what());
      reload();
    } catch (e) {
      setError(explain(e));
    }
    setBusy(false);
  };
  const save = () =>
    run(async () => {
      const saved = editing
        ? await routingApi.updateTeam(editing, form)
        : await routingApi.createTeam(form);
      setForm(EMPTY);
      setEditing(null);
      return `Saved team ${saved.name}.`;
    });
  const toggleMember = (t: Team, agentId: string, on: boolean) =>
    run(async () => {
      const ids = on ? [...t.memberIds, agentId] : t.memberIds.filter((id) => id !== agentId);
      const saved = await routingApi.setMembers(t.id, ids);
      return `${saved.name} has ${saved.memberIds.length} member${saved.memberIds.length === 1 ? '' : 's'}.`;
    });

  return (
    <div class="app admin">
      <header class="topbar">
        <div class="topbar-left">
          <a class="brand" href="/">
            Parley
          </a>
          <span class="org">{session.organisation.name}</span>
        </div>
        <div class="topbar-right">
          <a class="btn small" href="/">
            Back to conversations
          </a>
          <span class="agent-name">{session.agent.name}</span>
        </div>
      </header>
      <main class="admin-main teams-settings" data-testid="teams-settings">
        <h1>Teams and routing</h1>
        <form
          class="card settings-card"
          aria-labelledby="team-form-title"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <h2 id="team-form-title">{editing ? 'Edit the team' : 'New team'}</h2>
          <label for="team-name">Name</label>
          <input
            id="team-name"
            required
            maxLength={80}
            value={form.name}
            onInput={(e) => setForm({ ...form, name: e.currentTarget.value })}
          />
          <label for="team-routing">Routing</label>
          <select
            id="team-routing"
            value={form.routing}
            onChange={(e) => setForm({ ...form, routing: e.currentTarget.value as RoutingMode })}
          >
            {(Object.keys(ROUTING_LABEL) as RoutingMode[]).map((m) => (
              <option key={m} value={m}>
                {ROUTING_LABEL[m]}
              </option>
            ))}
          </select>
          <label for="team-escalate">Notify the team when a chat waits longer than (seconds)</label>
          <input
            id="team-escalate"
            type="number"
            min={10}
            max={86400}
            required
            value={form.escalateAfterSeconds}
            onInput={(e) =>
              setForm({ ...form, escalateAfterSeconds: Number(e.currentTarget.value) })
            }
          />
          <p class="hint">Supervisors are notified when it has waited twice as long.</p>
          <label class="checkbox">
            <input
              type="checkbox"
              checked={form.visitorChoice}
              onChange={(e) => setForm({ ...form, visitorChoice: e.currentTarget.checked })}
            />{' '}
            Visitors may choose this team before the chat
          </label>
          <div class="note-actions">
            <button type="submit" class="btn primary" disabled={busy}>
              {editing ? 'Save changes' : 'Add team'}
            </button>
            {editing && (
              <button
                type="button"
                class="btn"
                onClick={() => {
                  setEditing(null);
                  setForm(EMPTY);
                }}
              >
                Cancel
              </button>
            )}
          </div>
          {error && (
            <p class="error" role="alert" data-testid="teams-error">
              {error}
            </p>
          )}
          {notice && (
            <p class="saved" role="status" data-testid="teams-status">
              {notice}
            </p>
          )}
        </form>
        <section class="card settings-card" aria-labelledby="team-list-title">
          <h2 id="team-list-title">Teams</h2>
          {teams === null ? (
            <p>Loading…</p>
          ) : teams.length === 0 ? (
            <p>No teams yet: every chat waits in the shared queue.</p>
          ) : (
            <ul class="canned-list" data-testid="team-list">
              {teams.map((t) => (
                <li key={t.id} data-testid="team" data-team-id={t.id}>
                  <div>
                    <strong>{t.name}</strong>
                    <p class="hint">
                      {ROUTING_LABEL[t.routing]}; escalated after {t.escalateAfterSeconds} s;
                      {t.visitorChoice ? ' offered to visitors.' : ' not offered to visitors.'} Id
                      for the widget: <code>{t.id}</code>
                    </p>
                    <fieldset class="members">
                      <legend>Members of {t.name}</legend>
                      {agents.map((a) => (
                        <label class="checkbox" key={a.agentId}>
                          <input
                            type="checkbox"
                            disabled={busy}
                            checked={t.memberIds.includes(a.agentId)}
                            onChange={(e) =>
                              void toggleMember(t, a.agentId, e.currentTarget.checked)
                            }
                          />{' '}
                          {a.name}
                        </label>
                      ))}
                    </fieldset>
                  </div>
                  <div class="note-actions">
                    <button
                      type="button"
                      class="btn small"
                      aria-label={`Edit ${t.name}`}
                      onClick={() => {
                        setEditing(t.id);
                        setForm({
                          name: t.name,
                          routing: t.routing,
                          escalateAfterSeconds: t.escalateAfterSeconds,
                          visitorChoice: t.visitorChoice,
                        });
                      }}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      class="btn small"
                      aria-label={`Delete ${t.name}`}
                      onClick={() =>
                        void run(async () => {
                          await routingApi.deleteTeam(t.id);
                          return `Deleted ${t.name}; its waiting chats are in the shared queue.`;
                        })
                      }
                    >
                      Delete
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section class="card settings-card" aria-labelledby="capacity-title">
          <h2 id="capacity-title">Capacity</h2>
          <p class="hint">
            The most chats automatic routing gives each agent at once. Agents can also set their
            own.
          </p>
          <ul class="canned-list" data-testid="capacity-list">
            {agents.map((a) => (
              <li key={a.agentId}>
                <label for={`cap-${a.agentId}`}>
                  {a.name} ({a.status}, {a.activeChats} open)
                </label>
                <input
                  id={`cap-${a.agentId}`}
                  type="number"
                  min={1}
                  max={50}
                  value={a.maxChats}
                  onChange={(e) => {
                    const n = Number(e.currentTarget.value);
                    void run(async () => {
                      await routingApi.setCapacity(a.agentId, n);
                      return `${a.name} takes up to ${n} chats.`;
                    });
                  }}
                />
              </li>
            ))}
          </ul>
        </section>
      </main>
    </div>
  );
}
