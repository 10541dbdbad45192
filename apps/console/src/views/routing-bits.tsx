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
import { t } from '../i18n';

// Mirrors LIMITS.maxTextLength (@parley/protocol); the server enforces it.
const MAX_TEXT_LENGTH = 4000;

// Keys in full for i18n.test.ts.
const STATUS_LABEL: Record<AgentPresence['status'], string> = {
  online: 'routing.online',
  away: 'routing.away',
  offline: 'routing.offline',
};

/** The agent's own status in the top bar (docs/routing.md): online, away, or appear offline. */
export function StatusPicker({ client }: { client: ConsoleClient }) {
  const [error, setError] = useState<string | null>(null);
  const mine = client.state.presence[client.me.id];
  const choice: PresenceChoice = mine?.choice ?? 'online';
  return (
    <span class="status-picker">
      <span class={`presence-dot ${mine?.status ?? 'offline'}`} aria-hidden="true" />
      <label for="status-picker">{t('routing.yourStatus')}</label>
      <select
        id="status-picker"
        data-testid="status-picker"
        value={choice}
        onChange={(e) => {
          const next = e.currentTarget.value as PresenceChoice;
          void client.setStatus(next).then(setError);
        }}
      >
        <option value="online">{t('routing.online')}</option>
        <option value="away">{t('routing.away')}</option>
        <option value="offline">{t('routing.appearOffline')}</option>
      </select>
      {mine?.idle && (
        <span class="hint" data-testid="idle-note">
          {t('routing.idle')}
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

const targetOf = (tr: Transfer): string =>
  tr.toAgent
    ? (tr.toAgent.name ?? t('routing.anAgent'))
    : t('routing.team', { name: tr.toTeam?.name ?? '' }).trim();

const OUTCOME: Record<Transfer['status'], string> = {
  pending: 'routing.outcomePending',
  accepted: 'routing.outcomeAccepted',
  declined: 'routing.outcomeDeclined',
  expired: 'routing.outcomeExpired',
};

/** A transfer in the conversation history (agents only). */
export function TransferItem({ t: tr, me }: { t: Transfer; me: string }) {
  const from = tr.from.id === me ? t('routing.you') : (tr.from.name ?? t('routing.anAgent'));
  const by = tr.resolvedBy
    ? tr.resolvedBy.id === me
      ? t('routing.you')
      : (tr.resolvedBy.name ?? t('routing.anAgent'))
    : null;
  return (
    <li class="msg event transfer" data-testid="transfer-event" data-status={tr.status}>
      <div class="msg-head">
        <span class="note-tag">{t('routing.transfer')}</span>
        <span class="when">{timeOf(tr.createdAt)}</span>
      </div>
      <div class="msg-text">
        {t('routing.transferEvent', {
          from,
          to: targetOf(tr),
          outcome:
            tr.status === 'accepted' && by
              ? t('routing.outcomeAcceptedBy', { by })
              : t(OUTCOME[tr.status]),
        })}
        {tr.note && <span class="transfer-note"> {t('routing.note', { note: tr.note })}</span>}
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
      <label for="transfer-to">{t('routing.transferTo')}</label>
      <select id="transfer-to" required value={to} onChange={(e) => setTo(e.currentTarget.value)}>
        <option value="">{t('routing.choose')}</option>
        <optgroup label={t('routing.agents')}>
          {agents.map((a) => (
            <option key={a.agentId} value={`agent:${a.agentId}`}>
              {t('routing.agentOption', {
                name: a.name,
                status: t(STATUS_LABEL[a.status]),
                active: a.activeChats,
                max: a.maxChats,
              })}
            </option>
          ))}
        </optgroup>
        {client.teams.length > 0 && (
          <optgroup label={t('routing.teams')}>
            {client.teams.map((team) => (
              <option key={team.id} value={`team:${team.id}`}>
                {team.name}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      <label for="transfer-note">{t('routing.noteLabel')}</label>
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
          {t('routing.offer')}
        </button>
        <button type="button" class="btn" onClick={onClose}>
          {t('routing.cancel')}
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
    id === null
      ? t('routing.sharedQueue')
      : (client.teams.find((team) => team.id === id)?.name ?? t('routing.aTeam'));
  return (
    <div class="routing-alerts" aria-live="polite">
      {offers.map((tr) => {
        const conv = s.conversations[tr.conversationId];
        return (
          <div
            class="banner info transfer-offer"
            key={tr.id}
            data-testid="transfer-offer"
            role="group"
            aria-label={t('routing.offerLabel')}
          >
            <span>
              {t(tr.toTeam ? 'routing.offerForTeam' : 'routing.offerText', {
                from: tr.from.name ?? t('routing.anAgent'),
                name: conv ? visitorName(conv) : t('routing.aVisitor'),
                team: tr.toTeam?.name ?? t('routing.yourTeam'),
              })}
              {tr.note && (
                <span class="transfer-note"> {t('routing.note', { note: tr.note })}</span>
              )}
            </span>
            <span class="note-actions">
              <button
                type="button"
                class="btn primary small"
                onClick={() => void client.answerTransfer(tr, true).then(setError)}
              >
                {t('routing.acceptTransfer')}
              </button>
              <button
                type="button"
                class="btn small"
                onClick={() => void client.answerTransfer(tr, false).then(setError)}
              >
                {t('routing.decline')}
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
          aria-label={t('routing.waitingTooLong')}
        >
          <span>
            {t(e.level === 'supervisors' ? 'routing.escalatedSupervisors' : 'routing.escalated', {
              count: Math.round(e.waitingSeconds / 60) || 1,
              queue: teamName(e.teamId),
            })}
          </span>
          <button
            type="button"
            class="btn small"
            onClick={() => void client.select(e.conversationId)}
          >
            {t('routing.open')}
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
