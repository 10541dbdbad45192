import { sql, type Kysely } from 'kysely';
import type { DataKeys } from '../data-keys';
import { teamsRepo } from './teams';
import { transfersRepo } from './transfers';
import type { Database, PresenceRow, RoutingRepo } from '../types';

// PostgreSQL returns bigint and count() as strings.
const num = (v: unknown): number => Number(v ?? 0);

/** Presence, teams, assignment and transfers (0050-routing). */
export function routingRepo(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  keys: DataKeys,
): RoutingRepo {
  const ensurePresence = (orgId: string, agentId: string, now: number) =>
    db
      .insertInto('agent_presence')
      .values({
        agent_id: agentId,
        org_id: orgId,
        choice: 'online',
        max_chats: 3,
        last_active_at: now,
        last_assigned_at: 0,
        shown: 'offline',
        updated_at: now,
      })
      .onConflict((oc) => oc.column('agent_id').doNothing())
      .execute();

  return {
    async presence(orgId, linkSince, agentIds) {
      let agentsQ = db
        .selectFrom('agents')
        .select(['id', 'name', 'role'])
        .where('org_id', '=', orgId)
        .where('active', '=', 1);
      if (agentIds !== undefined) {
        if (agentIds.length === 0) return [];
        agentsQ = agentsQ.where('id', 'in', agentIds);
      }
      const agents = await agentsQ.orderBy('name').execute();
      if (agents.length === 0) return [];
      const ids = agents.map((a) => a.id);
      const [presence, links, active] = await Promise.all([
        db.selectFrom('agent_presence').selectAll().where('agent_id', 'in', ids).execute(),
        db
          .selectFrom('agent_links')
          .select(['agent_id', (eb) => eb.fn.sum<number>('sockets').as('sockets')])
          .where('agent_id', 'in', ids)
          .where('seen_at', '>=', linkSince)
          .groupBy('agent_id')
          .execute(),
        db
          .selectFrom('conversations')
          .select(['agent_id', (eb) => eb.fn.countAll<number>().as('n')])
          .where('org_id', '=', orgId)
          .where('status', '=', 'active')
          .where('agent_id', 'in', ids)
          .groupBy('agent_id')
          .execute(),
      ]);
      return agents.map((a): PresenceRow => {
        const p = presence.find((r) => r.agent_id === a.id);
        return {
          agentId: a.id,
          orgId,
          name: a.name,
          role: a.role,
          choice: p?.choice ?? 'online',
          maxChats: p ? num(p.max_chats) : 3,
          lastActiveAt: p ? num(p.last_active_at) : 0,
          lastAssignedAt: p ? num(p.last_assigned_at) : 0,
          shown: p?.shown ?? 'offline',
          connected: num(links.find((l) => l.agent_id === a.id)?.sockets) > 0,
          activeChats: num(active.find((r) => r.agent_id === a.id)?.n),
        };
      });
    },

    async setChoice(orgId, agentId, choice, maxChats, now) {
      await ensurePresence(orgId, agentId, now);
      await db
        .updateTable('agent_presence')
        .set({
          ...(choice !== undefined ? { choice } : {}),
          ...(maxChats !== undefined ? { max_chats: maxChats } : {}),
          last_active_at: now,
          updated_at: now,
        })
        .where('agent_id', '=', agentId)
        .where('org_id', '=', orgId)
        .execute();
    },

    async touchActivity(orgId, agentId, now) {
      await ensurePresence(orgId, agentId, now);
      await db
        .updateTable('agent_presence')
        .set({ last_active_at: now })
        .where('agent_id', '=', agentId)
        .where('org_id', '=', orgId)
        .execute();
    },

    async setCapacity(orgId, agentId, maxChats, now) {
      await ensurePresence(orgId, agentId, now);
      await db
        .updateTable('agent_presence')
        .set({ max_chats: maxChats, updated_at: now })
        .where('agent_id', '=', agentId)
        .where('org_id', '=', orgId)
        .execute();
    },

    async idleOnline(before, limit) {
      const rows = await db
        .selectFrom('agent_presence')
        .select(['org_id', 'agent_id'])
        .where('shown', '=', 'online')
        .where('last_active_at', '<', before)
        .limit(limit)
        .execute();
      return rows.map((r) => ({ orgId: r.org_id, agentId: r.agent_id }));
    },

    async markShown(orgId, agentId, status) {
      await ensurePresence(orgId, agentId, Date.now());
      const r = await db
        .updateTable('agent_presence')
        .set({ shown: status })
        .where('agent_id', '=', agentId)
        .where('org_id', '=', orgId)
        .where('shown', '!=', status)
        .executeTakeFirst();
      return r.numUpdatedRows === 1n;
    },

    async setLink(nodeId, orgId, agentId, sockets, now) {
      if (sockets <= 0) {
        await db
          .deleteFrom('agent_links')
          .where('node_id', '=', nodeId)
          .where('agent_id', '=', agentId)
          .execute();
        return;
      }
      await db
        .insertInto('agent_links')
        .values({ node_id: nodeId, agent_id: agentId, org_id: orgId, sockets, seen_at: now })
        .onConflict((oc) =>
          oc.columns(['node_id', 'agent_id']).doUpdateSet({ sockets, seen_at: now }),
        )
        .execute();
    },

    async heartbeat(nodeId, now) {
      await db
        .updateTable('agent_links')
        .set({ seen_at: now })
        .where('node_id', '=', nodeId)
        .execute();
    },

    async pruneLinks(before) {
      const stale = await db
        .selectFrom('agent_links')
        .select(['org_id', 'agent_id'])
        .where('seen_at', '<', before)
        .execute();
      if (stale.length === 0) return [];
      await db.deleteFrom('agent_links').where('seen_at', '<', before).execute();
      return stale.map((s) => ({ orgId: s.org_id, agentId: s.agent_id }));
    },

    async dropNode(nodeId) {
      const rows = await db
        .selectFrom('agent_links')
        .select(['org_id', 'agent_id'])
        .where('node_id', '=', nodeId)
        .execute();
      await db.deleteFrom('agent_links').where('node_id', '=', nodeId).execute();
      return rows.map((s) => ({ orgId: s.org_id, agentId: s.agent_id }));
    },

    ...teamsRepo(db),
    async waiting(limit) {
      const rows = await db
        .selectFrom('conversations')
        .select(['id', 'org_id', 'team_id', 'queued_at', 'created_at', 'escalation'])
        .where('status', '=', 'waiting')
        .where('agent_id', 'is', null)
        .orderBy('created_at')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        orgId: r.org_id,
        teamId: r.team_id,
        queuedAt: num(r.queued_at ?? r.created_at),
        escalation: num(r.escalation),
      }));
    },

    async tryAssign(orgId, conversationId, agentId, now) {
      await ensurePresence(orgId, agentId, now);
      return db.transaction().execute(async (trx) => {
        let lock = trx
          .selectFrom('agent_presence')
          .select(['max_chats'])
          .where('agent_id', '=', agentId)
          .where('org_id', '=', orgId);
        // Serialises assignments to one agent across nodes; SQLite has one writer at a time.
        if (dialect === 'postgres') lock = lock.forUpdate();
        const presence = await lock.executeTakeFirst();
        if (!presence) return 'full' as const;
        const open = await trx
          .selectFrom('conversations')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('org_id', '=', orgId)
          .where('agent_id', '=', agentId)
          .where('status', '=', 'active')
          .executeTakeFirst();
        if (num(open?.n) >= num(presence.max_chats)) return 'full' as const;
        const r = await trx
          .updateTable('conversations')
          .set({
            status: 'active',
            agent_id: agentId,
            updated_at: now,
            // Reports: the first time an agent took it (a transfer back to the queue keeps it).
            assigned_at: sql<number>`coalesce(assigned_at, ${now})`,
          })
          .where('org_id', '=', orgId)
          .where('id', '=', conversationId)
          .where('status', '=', 'waiting')
          .where('agent_id', 'is', null)
          .where((eb) =>
            eb.exists(
              eb
                .selectFrom('agents')
                .select('agents.id')
                .where('agents.id', '=', agentId)
                .where('agents.org_id', '=', orgId)
                .where('agents.active', '=', 1),
            ),
          )
          .executeTakeFirst();
        // Someone (another node, an agent accepting by hand) took it, or it closed.
        if (r.numUpdatedRows !== 1n) return 'gone' as const;
        await trx
          .updateTable('agent_presence')
          .set({ last_assigned_at: now })
          .where('agent_id', '=', agentId)
          .execute();
        return 'assigned' as const;
      });
    },

    async escalate(orgId, conversationId, level) {
      const r = await db
        .updateTable('conversations')
        .set({ escalation: level })
        .where('org_id', '=', orgId)
        .where('id', '=', conversationId)
        .where('status', '=', 'waiting')
        .where('escalation', '<', level)
        .executeTakeFirst();
      return r.numUpdatedRows === 1n;
    },

    ...transfersRepo(db, keys),
  };
}
