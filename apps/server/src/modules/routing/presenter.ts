import type { AgentPresence, PresenceStatus, Team, Transfer } from '@parley/protocol';
import type { PresenceRow, TeamRow, TransferRow } from '../../store';

/** The status others see, derived from the stored facts at `now`. */
export function effectiveStatus(
  row: Pick<PresenceRow, 'choice' | 'connected' | 'lastActiveAt'>,
  now: number,
  awayAfterMs: number,
): { status: PresenceStatus; idle: boolean } {
  if (!row.connected || row.choice === 'offline') return { status: 'offline', idle: false };
  if (row.choice === 'away') return { status: 'away', idle: false };
  if (now - row.lastActiveAt > awayAfterMs) return { status: 'away', idle: true };
  return { status: 'online', idle: false };
}

export function presentPresence(row: PresenceRow, now: number, awayAfterMs: number): AgentPresence {
  const { status, idle } = effectiveStatus(row, now, awayAfterMs);
  return {
    agentId: row.agentId,
    name: row.name,
    status,
    choice: row.choice,
    idle,
    connected: row.connected,
    activeChats: row.activeChats,
    maxChats: row.maxChats,
  };
}

export function presentTeam(row: TeamRow): Team {
  return {
    id: row.id,
    name: row.name,
    routing: row.routing,
    escalateAfterSeconds: row.escalateAfterSeconds,
    visitorChoice: row.visitorChoice,
    memberIds: row.memberIds,
    createdAt: row.createdAt,
  };
}

export function presentTransfer(row: TransferRow): Transfer {
  return {
    id: row.id,
    conversationId: row.conversationId,
    from: { id: row.fromAgentId, name: row.fromAgentName },
    toAgent: row.toAgentId ? { id: row.toAgentId, name: row.toAgentName } : null,
    toTeam: row.toTeamId ? { id: row.toTeamId, name: row.toTeamName } : null,
    note: row.note,
    status: row.status,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    resolvedAt: row.resolvedAt,
    resolvedBy: row.resolvedBy ? { id: row.resolvedBy, name: row.resolvedByName } : null,
  };
}
