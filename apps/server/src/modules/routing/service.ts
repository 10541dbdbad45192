import type { PublicTeam } from '@parley/protocol';
import type { Bus } from '../../bus';
import type { Logger } from '../../logger';
import type { Store } from '../../store';
import type { ChatService } from '../chat';
import { canTakeChats } from './policy';
import { effectiveStatus } from './presenter';
import { createPresenceService, type PresenceOptions } from './presence';
import { createRouter, ROUTING_TOPIC } from './router';
import { createTeamsService } from './teams';
import { createTransferService } from './transfer';
import type { ChatEventSink } from '../webhooks';

export interface RoutingOptions extends PresenceOptions {
  sweepMs: number;
  transferTimeoutMs: number;
}

/**
 * Whether anyone who could answer is online: an agent whose role takes chats, with a console
 * open and online (not away, not appearing offline), in the team when one is named. Capacity is
 * not counted: a busy agent still answers, later; this says whether anybody is there at all
 * (the widget's offline mode asks it).
 */
export async function isAnyAgentAvailable(
  store: Store,
  orgId: string,
  teamId?: string,
  options: { awayAfterMs: number; linkStaleMs: number } = {
    awayAfterMs: 600_000,
    linkStaleMs: 30_000,
  },
): Promise<boolean> {
  let members: string[] | undefined;
  if (teamId !== undefined) {
    const team = await store.routing.teamById(orgId, teamId);
    if (!team) return false;
    members = team.memberIds;
  }
  const now = Date.now();
  const rows = await store.routing.presence(orgId, now - options.linkStaleMs, members);
  return rows.some(
    (r) => canTakeChats(r) && effectiveStatus(r, now, options.awayAfterMs).status === 'online',
  );
}

/** Presence, teams, routing and transfer on one node, wired to chat and the bus. */
export function createRoutingService(deps: {
  store: Store;
  bus: Bus;
  chat: ChatService;
  log: Logger;
  options: RoutingOptions;
  /** Committed chat events (webhooks); ids only. */
  events?: ChatEventSink;
}) {
  const { store, bus, chat, log, options } = deps;
  const presence = createPresenceService({ store, bus, log, options });
  const events = deps.events ? { events: deps.events } : {};
  const router = createRouter({ store, bus, chat, presence, log, ...events });
  const warn = (what: string) => (err: unknown) =>
    log.warn({ err: err instanceof Error ? err.message : 'unknown' }, what);
  const teams = createTeamsService({
    store,
    changed: (team) => void router.routeTeam(team, []).catch(warn('routing: team not routed')),
  });
  const transfers = createTransferService({
    store,
    bus,
    chat,
    presence,
    log,
    timeoutMs: options.transferTimeoutMs,
    ...events,
  });
  const availability = { awayAfterMs: options.awayAfterMs, linkStaleMs: options.heartbeatMs * 3 };

  const unsubscribers: (() => void)[] = [];
  unsubscribers.push(
    chat.onConversation((conv) => {
      if (conv.status === 'waiting')
        void router.routeOne(conv).catch(warn('routing: new chat not routed'));
      else if (conv.status === 'closed' && conv.agentId) {
        const agentId = conv.agentId;
        void presence
          .touched(conv.orgId, agentId)
          .then(() => router.agentFree(conv.orgId, agentId))
          .catch(warn('routing: freed capacity not used'));
      }
    }),
    presence.onChange((orgId, p) => {
      if (p.status === 'online')
        void router.agentFree(orgId, p.agentId).catch(warn('routing: online agent not used'));
    }),
  );
  // Another node changed a conversation's agent: this node's cached copy is stale.
  const routingSub = bus.subscribe(ROUTING_TOPIC, (e) => {
    try {
      const { conversationId } = JSON.parse(e.frame) as { conversationId?: unknown };
      if (typeof conversationId === 'string') chat.forget(conversationId);
    } catch {
      log.warn('malformed routing event');
    }
  });
  routingSub.catch(() => undefined);

  let timer: NodeJS.Timeout | undefined;
  let sweeping = false;
  async function sweep(): Promise<void> {
    if (sweeping) return;
    sweeping = true;
    try {
      await transfers.expireOverdue();
      await router.sweep();
    } finally {
      sweeping = false;
    }
  }

  return {
    presence,
    teams,
    transfers,
    router,
    sweep,
    /** Whether anyone who could answer is online (in the team, when named). */
    isAnyAgentAvailable: (orgId: string, teamId?: string) =>
      isAnyAgentAvailable(store, orgId, teamId, availability),
    /** The teams a visitor may pick before the chat. */
    async publicTeams(orgId: string): Promise<PublicTeam[]> {
      return (await store.routing.teams(orgId))
        .filter((t) => t.visitorChoice)
        .map((t) => ({ id: t.id, name: t.name }));
    },
    start(): void {
      presence.start();
      timer = setInterval(() => void sweep().catch(warn('routing: sweep failed')), options.sweepMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      for (const u of unsubscribers) u();
      void routingSub.then(
        (u) => u(),
        () => undefined,
      );
      await presence.stop();
    },
  };
}

export type RoutingService = ReturnType<typeof createRoutingService>;
