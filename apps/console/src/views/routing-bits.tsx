import { useState } from 'preact/hooks';
import type {
  AgentPresence,
  ConversationSummary,
  PresenceChoice,
  Transfer,
} from '@parley/protocol';
import type { ConsoleClient } from '../lib/client';
import { incomingTransfers } from '../lib/state';
import { timeOf, visitorName } from './format';

// Mirrors LIMITS.maxTextLength (@parley/protocol); the server enforces it.
const MAX_TEXT_LENGTH = 4000;

const STATUS_LABEL: Record<AgentPresence['status'], string> = {
  online: 'Online',
  away: 'Away',
  offline: 'Offline',
};

/** The agent's own status in the top bar (docs/routing.md): online, away, or appear offline. */
export function StatusPicker({ client }: { client: ConsoleClient }) {
  const [error, setError] = useState<string | null>(null);
  const mine = client.state.presence[client.me.id];
  const choice: PresenceChoice = mine?.choice ?? 'online';
  return (
    <span class="status-picker">
      <span class={`presence-dot ${mine?.status ?? 'offline'}`} aria-hidden="true" />
      <label for="status-picker">Your status</label>
      <select
        id="status-picker"
        data-testid="status-picker"
        value={choice}
        onChange={(e) => {
          const next = e.currentTarget.value as PresenceChoice;
          void client.setStatus(next).then(setError);
        }}
      >
        <option value="online">Online</option>
        <option value="away">Away</option>
        <option value="offline">Appear offline</option>
      </select>
      {mine?.idle && (
        <span class="hint" data-testid="idle-note">
          away (inactive)
        </span>
      )}
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

const targetOf = (t: Transfer): string =>
  t.toAgent ? (t.toAgent.name ?? 'an agent') : `team ${t.toTeam?.name ?? ''}`.trim();

const OUTCOME: Record<Transfer['status'], string> = {
  pending: 'waiting for an answer',
  accepted: 'accepted',
  declined: 'declined — it stayed',
  expired: 'not answered in time — it stayed',
};

/** A transfer in the conversation history (agents only). */
export function TransferItem({ t, me }: { t: Transfer; me: string }) {
  const from = t.from.id === me ? 'You' : (t.from.name ?? 'An agent');
  const by = t.resolvedBy
    ? t.resolvedBy.id === me
      ? 'you'
      : (t.resolvedBy.name ?? 'an agent')
    : null;
  return (
    <li class="msg event transfer" data-testid="transfer-event" data-status={t.status}>
      <div class="msg-head">
        <span class="note-tag">Transfer</span>
        <span class="when">{timeOf(t.createdAt)}</span>
      </div>
      <div class="msg-text">
        {from} offered the conversation to {targetOf(t)}: {OUTCOME[t.status]}
        {t.status === 'accepted' && by ? ` by ${by}` : ''}.
        {t.note && <span class="transfer-note"> Note: {t.note}</span>}
      </div>
    </li>
  );
}

/** Offers the conversation to another agent (online ones first) or a team, with a note. */
export function TransferForm({
  client,
  conversation: c,
  onClose,
}: {
  client: ConsoleClient;
  conversation: ConversationSummary;
  onClose: () => void;
}) {
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const order = { online: 0, away: 1, offline: 2 } as const;
  const agents = Object.values(client.state.presence)
    .filter((p) => p.agentId !== c.agent?.id)
    .sort((a, b) => order[a.status] - order[b.status] || a.name.localeCompare(b.name));
  const submit = async (): Promise<void> => {
    if (!to || busy) return;
    setBusy(true);
    const [kind, id] = to.split(':') as ['agent' | 'team', string];
    const failed = await client.transfer(
      c.id,
      kind === 'agent' ? { toAgentId: id } : { toTeamId: id },
      note.trim(),
    );
    setBusy(false);
    setError(failed);
    if (!failed) onClose();
  };
  return (
    <form
      class="note-box transfer-form"
      data-testid="transfer-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label for="transfer-to">Transfer to</label>
      <select id="transfer-to" required value={to} onChange={(e) => setTo(e.currentTarget.value)}>
        <option value="">Choose an agent or a team…</option>
        <optgroup label="Agents">
          {agents.map((a) => (
            <option key={a.agentId} value={`agent:${a.agentId}`}>
              {a.name} — {STATUS_LABEL[a.status]}, {a.activeChats}/{a.maxChats} chats
            </option>
          ))}
        </optgroup>
        {client.teams.length > 0 && (
          <optgroup label="Teams">
            {client.teams.map((t) => (
              <option key={t.id} value={`team:${t.id}`}>
                {t.name}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      <label for="transfer-note">Note for the receiver (agents only, never the visitor)</label>
      <textarea
        id="transfer-note"
        rows={2}
        maxLength={MAX_TEXT_LENGTH}
        value={note}
        onInput={(e) => setNote(e.currentTarget.value)}
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="note-actions">
        <button type="submit" class="btn primary" disabled={busy || to === ''}>
          Offer transfer
        </button>
        <button type="button" class="btn" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Offers waiting for this agent and chats that waited too long, above the workspace. */
export function RoutingAlerts({ client }: { client: ConsoleClient }) {
  const [error, setError] = useState<string | null>(null);
  const s = client.state;
  const offers = incomingTransfers(s, client.me.id, client.myTeamIds);
  const supervisor = client.me.role !== 'agent';
  const mineTeams = client.myTeamIds;
  const escalations = Object.values(s.escalations).filter((e) => {
    const conv = s.conversations[e.conversationId];
    if (!conv || conv.status !== 'waiting') return false;
    if (e.level === 'supervisors')
      return supervisor || e.teamId === null || mineTeams.includes(e.teamId);
    return e.teamId === null || mineTeams.includes(e.teamId);
  });
  if (offers.length === 0 && escalations.length === 0 && !error) return null;
  const teamName = (id: string | null) =>
    id === null ? 'the shared queue' : (client.teams.find((t) => t.id === id)?.name ?? 'a team');
  return (
    <div class="routing-alerts" aria-live="polite">
      {offers.map((t) => {
        const conv = s.conversations[t.conversationId];
        return (
          <div
            class="banner info transfer-offer"
            key={t.id}
            data-testid="transfer-offer"
            role="group"
            aria-label="Transfer offer"
          >
            <span>
              {t.from.name ?? 'An agent'} offers you the conversation
              {conv ? ` with ${visitorName(conv)}` : ''}
              {t.toTeam ? ` (for ${t.toTeam.name ?? 'your team'})` : ''}.
              {t.note && <span class="transfer-note"> Note: {t.note}</span>}
            </span>
            <span class="note-actions">
              <button
                type="button"
                class="btn primary small"
                onClick={() => void client.answerTransfer(t, true).then(setError)}
              >
                Accept transfer
              </button>
              <button
                type="button"
                class="btn small"
                onClick={() => void client.answerTransfer(t, false).then(setError)}
              >
                Decline
              </button>
            </span>
          </div>
        );
      })}
      {escalations.map((e) => (
        <div
          class="banner warn"
          key={e.conversationId}
          data-testid="escalation"
          role="group"
          aria-label="Waiting too long"
        >
          <span>
            A visitor has waited {Math.round(e.waitingSeconds / 60) || 1} min in{' '}
            {teamName(e.teamId)}
            {e.level === 'supervisors' ? ' (escalated to supervisors)' : ''}.
          </span>
          <button
            type="button"
            class="btn small"
            onClick={() => void client.select(e.conversationId)}
          >
            Open
          </button>
        </div>
      ))}
      {error && (
        <p class="banner error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
