import type { EscalationFrame } from '@parley/protocol';
import { topics, type Bus } from '../../bus';
import type { Logger } from '../../logger';
import type { ConversationRow, PresenceRow, Store, TeamRow, WaitingRow } from '../../store';
import type { ChatService } from '../chat';
import type { PresenceService } from './presence';
import type { ChatEventSink } from '../webhooks';

/** The topic on which nodes tell each other that a conversation's agent changed (cache drops). */
export const ROUTING_TOPIC = 'routing:conversations';

/** Escalation when a chat of the shared queue (no team) waits: the organisation's default. */
export const DEFAULT_ESCALATE_AFTER_S = 120;

/**
 * Orders the candidates of an automatic team: round-robin gives the chat to the online agent
 * with capacity who was assigned one longest ago; least busy to the one with the fewest open
 * chats (then longest ago). Ties by id, so every node computes the same order.
 */
export function rankCandidates(team: Pick<TeamRow, 'routing'>, rows: PresenceRow[]): PresenceRow[] {
  const free = rows.filter((r) => r.activeChats < r.maxChats);
  const byAge = (a: PresenceRow, b: PresenceRow) =>
    a.lastAssignedAt - b.lastAssignedAt ||
    (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0);
  if (team.routing === 'least_busy')
    return free.sort((a, b) => a.activeChats - b.activeChats || byAge(a, b));
  return free.sort(byAge);
}

/**
 * Automatic assignment and escalation (issue 14 item 2). A chat is routed when it starts, when
 * capacity frees up (a chat closes, an agent comes online) and by a sweep on every node, so no
 * chat waits while a free agent exists even if an event was missed. Assignment itself is one
 * atomic store operation (`store.routing.tryAssign`), so concurrent nodes never assign one chat
 * twice nor push an agent over capacity.
 */
export function createRouter(deps: {
  store: Store;
  bus: Bus;
  chat: ChatService;
  presence: PresenceService;
  log: Logger;
  /** Committed chat events (webhooks); ids only. */
  events?: ChatEventSink;
}) {
  const { store, bus, chat, presence, log } = deps;

  async function assigned(orgId: string, conversationId: string, agentId: string): Promise<void> {
    log.info({ orgId, conversationId, agentId }, 'conversation assigned');
    await chat.changed(orgId, conversationId);
    deps.events?.emit({
      orgId,
      type: 'conversation.assigned',
      key: `assigned:${conversationId}:${agentId}:${Date.now()}`,
      subject: { conversationId, agentId },
      occurredAt: Date.now(),
    });
    await bus.publish(ROUTING_TOPIC, {
      audience: 'agent',
      frame: JSON.stringify({ conversationId }),
    });
    await presence.touched(orgId, agentId);
  }

  /** Tries to assign each waiting chat of one automatic team, oldest first; returns how many. */
  async function routeTeam(team: TeamRow, waiting: WaitingRow[]): Promise<number> {
    if (team.routing === 'queue' || waiting.length === 0 || team.memberIds.length === 0) return 0;
    let candidates = await presence.candidates(team.orgId, team.memberIds);
    let done = 0;
    for (const conv of waiting) {
      let placed = false;
      for (const agent of rankCandidates(team, candidates)) {
        const outcome = await store.routing.tryAssign(
          team.orgId,
          conv.id,
          agent.agentId,
          Date.now(),
        );
        if (outcome === 'gone') {
          placed = true; // someone else has it: nothing to do for this chat
          break;
        }
        if (outcome === 'assigned') {
          placed = true;
          done += 1;
          await assigned(team.orgId, conv.id, agent.agentId);
          break;
        }
      }
      if (!placed) break; // every candidate is full: the rest waits too
      candidates = await presence.candidates(team.orgId, team.memberIds);
    }
    return done;
  }

  async function routeOne(conv: Pick<ConversationRow, 'id' | 'orgId' | 'teamId'>): Promise<void> {
    if (!conv.teamId) return;
    const team = await store.routing.teamById(conv.orgId, conv.teamId);
    if (!team) return;
    await routeTeam(team, [
      { id: conv.id, orgId: conv.orgId, teamId: team.id, queuedAt: 0, escalation: 0 },
    ]);
  }

  async function escalate(w: WaitingRow, team: TeamRow | undefined, now: number): Promise<void> {
    const after = (team?.escalateAfterSeconds ?? DEFAULT_ESCALATE_AFTER_S) * 1000;
    const waited = now - w.queuedAt;
    const level = waited >= 2 * after ? 2 : waited >= after ? 1 : 0;
    if (level <= w.escalation) return;
    // One node wins the conditional update and notifies; the others see it done.
    if (!(await store.routing.escalate(w.orgId, w.id, level))) return;
    const frame: EscalationFrame = {
      type: 'escalation',
      conversationId: w.id,
      teamId: w.teamId,
      level: level === 2 ? 'supervisors' : 'team',
      waitingSeconds: Math.floor(waited / 1000),
    };
    log.info(
      { orgId: w.orgId, conversationId: w.id, level: frame.level },
      'waiting chat escalated',
    );
    await bus.publish(topics.organisation(w.orgId), {
      audience: 'agent',
      conversationId: w.id,
      frame: JSON.stringify(frame),
    });
  }

  /** One pass over every waiting chat: assign what can be, escalate what waited too long. */
  async function sweep(): Promise<void> {
    const waiting = await store.routing.waiting(500);
    const teams = new Map<string, TeamRow | undefined>();
    const byTeam = new Map<string, WaitingRow[]>();
    for (const w of waiting) {
      if (!w.teamId) continue;
      const key = `${w.orgId}\u0000${w.teamId}`;
      if (!teams.has(key)) teams.set(key, await store.routing.teamById(w.orgId, w.teamId));
      byTeam.set(key, [...(byTeam.get(key) ?? []), w]);
    }
    for (const [key, list] of byTeam) {
      const team = teams.get(key);
      if (team) await routeTeam(team, list);
    }
    const now = Date.now();
    for (const w of waiting) {
      const team = w.teamId ? teams.get(`${w.orgId}\u0000${w.teamId}`) : undefined;
      await escalate(w, team, now);
    }
  }

  /** Capacity freed or an agent came online: route the waiting chats of the agent's teams. */
  async function agentFree(orgId: string, agentId: string): Promise<void> {
    const teams = (await store.routing.teams(orgId)).filter(
      (t) => t.routing !== 'queue' && t.memberIds.includes(agentId),
    );
    if (teams.length === 0) return;
    const waiting = (await store.routing.waiting(500)).filter((w) => w.orgId === orgId);
    for (const team of teams)
      await routeTeam(
        team,
        waiting.filter((w) => w.teamId === team.id),
      );
  }

  return { routeOne, routeTeam, sweep, agentFree };
}

export type Router = ReturnType<typeof createRouter>;
