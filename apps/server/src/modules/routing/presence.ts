import { randomUUID } from 'node:crypto';
import {
  ParleyError,
  type AgentPresence,
  type PresenceFrame,
  type PresenceUpdateRequest,
} from '@parley/protocol';
import { topics, type Bus } from '../../bus';
import type { Logger } from '../../logger';
import type { PresenceRow, Store } from '../../store';
import type { AgentActor } from '../auth';
import { canTakeChats, routingAllowed } from './policy';
import { effectiveStatus, presentPresence } from './presenter';

export interface PresenceOptions {
  /** No activity for this long: "away" (PARLEY_AWAY_AFTER_SECONDS). */
  awayAfterMs: number;
  /** How often this node refreshes its links; a link older than 3 beats is a dead node's. */
  heartbeatMs: number;
  /** This node's id in `agent_links` (random per process). */
  nodeId?: string;
}

/**
 * Presence and capacity (issue 14 item 1). An agent is online, away or offline by choice;
 * away after `awayAfterMs` without activity; offline when no console socket is open on any
 * node. Each node counts its own sockets per agent in `agent_links` and beats; a node that
 * dies stops beating and its links expire, so the truth is shared by every node through the
 * store, and changes reach every console through the bus (the organisation's topic).
 */
export function createPresenceService(deps: {
  store: Store;
  bus: Bus;
  log: Logger;
  options: PresenceOptions;
}) {
  const { store, bus, log } = deps;
  const { awayAfterMs, heartbeatMs } = deps.options;
  const nodeId = deps.options.nodeId ?? randomUUID();
  const staleMs = heartbeatMs * 3;
  const sockets = new Map<string, { orgId: string; n: number }>();
  // Link writes per agent run one after another, so a close never overtakes its open.
  const tails = new Map<string, Promise<void>>();
  const serial = (agentId: string, fn: () => Promise<void>) => {
    const next = (tails.get(agentId) ?? Promise.resolve()).then(fn, fn);
    const tail = next.catch(() => undefined);
    tails.set(agentId, tail);
    void tail.then(() => {
      if (tails.get(agentId) === tail) tails.delete(agentId);
    });
    return next;
  };
  const listeners = new Set<(orgId: string, p: AgentPresence) => void>();

  const rows = (orgId: string, agentIds?: string[]) =>
    store.routing.presence(orgId, Date.now() - staleMs, agentIds);

  /** Announces the agent's status if it changed; exactly one node wins the announcement. */
  async function refresh(orgId: string, agentId: string): Promise<AgentPresence | undefined> {
    const [row] = await rows(orgId, [agentId]);
    if (!row) return undefined;
    const now = Date.now();
    const presence = presentPresence(row, now, awayAfterMs);
    if (await store.routing.markShown(orgId, agentId, presence.status)) {
      log.info({ orgId, agentId, status: presence.status }, 'presence changed');
      for (const l of listeners) l(orgId, presence);
    }
    return presence;
  }
  /** Tells every console of the organisation (capacity and counts change without a status change). */
  async function announce(orgId: string, presence: AgentPresence): Promise<void> {
    const frame: PresenceFrame = { type: 'presence', presence };
    await bus.publish(topics.organisation(orgId), {
      audience: 'agent',
      frame: JSON.stringify(frame),
    });
  }
  listeners.add((orgId, p) => void announce(orgId, p).catch(() => undefined));

  async function update(orgId: string, agentId: string): Promise<AgentPresence | undefined> {
    const [row] = await rows(orgId, [agentId]);
    if (!row) return undefined;
    const presence = presentPresence(row, Date.now(), awayAfterMs);
    const changed = await store.routing.markShown(orgId, agentId, presence.status);
    if (changed) {
      log.info({ orgId, agentId, status: presence.status }, 'presence changed');
      for (const l of listeners) l(orgId, presence);
    } else await announce(orgId, presence);
    return presence;
  }

  const warn = (what: string) => (err: unknown) =>
    log.warn({ err: err instanceof Error ? err.message : 'unknown' }, what);

  let timer: NodeJS.Timeout | undefined;
  async function beat(): Promise<void> {
    const now = Date.now();
    await store.routing.heartbeat(nodeId, now);
    const gone = await store.routing.pruneLinks(now - staleMs);
    // Away after inactivity is a matter of time passing: announce it.
    const idle = await store.routing.idleOnline(now - awayAfterMs, 500);
    const seen = new Set<string>();
    for (const a of [...gone, ...idle]) {
      if (seen.has(a.agentId)) continue;
      seen.add(a.agentId);
      await refresh(a.orgId, a.agentId);
    }
  }

  return {
    nodeId,

    /** Runs for every status change (this node won its announcement). */
    onChange(fn: (orgId: string, p: AgentPresence) => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },

    /** A console socket of the agent opened on this node. */
    socketOpened(orgId: string, agentId: string): void {
      const entry = sockets.get(agentId) ?? { orgId, n: 0 };
      entry.n += 1;
      sockets.set(agentId, entry);
      const n = entry.n;
      void serial(agentId, async () => {
        await store.routing.setLink(nodeId, orgId, agentId, n, Date.now());
        await store.routing.touchActivity(orgId, agentId, Date.now());
        await refresh(orgId, agentId);
      }).catch(warn('presence: socket open not recorded'));
    },

    /** A console socket of the agent closed on this node. */
    socketClosed(orgId: string, agentId: string): void {
      const entry = sockets.get(agentId);
      if (!entry) return;
      entry.n -= 1;
      const n = entry.n;
      if (n <= 0) sockets.delete(agentId);
      void serial(agentId, async () => {
        await store.routing.setLink(nodeId, orgId, agentId, n, Date.now());
        await refresh(orgId, agentId);
      }).catch(warn('presence: socket close not recorded'));
    },

    async list(actor: AgentActor): Promise<AgentPresence[]> {
      if (!routingAllowed(actor, 'presence:read', actor)) throw new ParleyError('forbidden');
      const now = Date.now();
      return (await rows(actor.orgId)).map((r) => presentPresence(r, now, awayAfterMs));
    },

    async own(actor: AgentActor): Promise<AgentPresence> {
      const [row] = await rows(actor.orgId, [actor.agentId]);
      if (!row) throw new ParleyError('agent_not_found');
      return presentPresence(row, Date.now(), awayAfterMs);
    },

    async set(actor: AgentActor, input: PresenceUpdateRequest): Promise<AgentPresence> {
      if (!routingAllowed(actor, 'presence:set_own', actor)) throw new ParleyError('forbidden');
      await store.routing.setChoice(
        actor.orgId,
        actor.agentId,
        input.status,
        input.maxChats,
        Date.now(),
      );
      const p = await update(actor.orgId, actor.agentId);
      if (!p) throw new ParleyError('agent_not_found');
      return p;
    },

    /** The agent used the console (throttled by the console): no longer idle. */
    async activity(actor: AgentActor): Promise<AgentPresence> {
      await store.routing.touchActivity(actor.orgId, actor.agentId, Date.now());
      const p = await refresh(actor.orgId, actor.agentId);
      if (!p) throw new ParleyError('agent_not_found');
      return p;
    },

    async setCapacity(
      actor: AgentActor,
      agentId: string,
      maxChats: number,
    ): Promise<AgentPresence> {
      if (!routingAllowed(actor, 'capacity:manage', actor)) throw new ParleyError('forbidden');
      const agent = await store.agents.byId(actor.orgId, agentId);
      if (!agent) throw new ParleyError('agent_not_found');
      await store.routing.setCapacity(actor.orgId, agentId, maxChats, Date.now());
      const p = await update(actor.orgId, agentId);
      if (!p) throw new ParleyError('agent_not_found');
      return p;
    },

    /** Announces an agent's counts again (a chat was assigned, closed or transferred). */
    touched: (orgId: string, agentId: string) =>
      update(orgId, agentId).catch(warn('presence: counts not announced')),

    /** Online agents (not away) of the organisation or team who may take chats, with their rows. */
    async candidates(orgId: string, memberIds?: string[]): Promise<PresenceRow[]> {
      const now = Date.now();
      return (await rows(orgId, memberIds)).filter(
        (r) => canTakeChats(r) && effectiveStatus(r, now, awayAfterMs).status === 'online',
      );
    },

    start(): void {
      timer = setInterval(() => void beat().catch(warn('presence: heartbeat failed')), heartbeatMs);
      timer.unref();
    },

    /** Stops beating and removes this node's links, so its agents go offline now, not after expiry. */
    async stop(): Promise<void> {
      clearInterval(timer);
      await Promise.all([...tails.values()]);
      const gone = await store.routing.dropNode(nodeId).catch(() => []);
      for (const a of gone) await refresh(a.orgId, a.agentId).catch(() => undefined);
    },
  };
}

export type PresenceService = ReturnType<typeof createPresenceService>;
