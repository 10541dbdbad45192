import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DataKeys } from '../data-keys';
import type { Database, PresenceRow, RoutingRepo, TeamRow, TransferRow } from '../types';

// PostgreSQL returns bigint and count() as strings.
const num = (v: unknown): number => Number(v ?? 0);
const nullableNum = (v: unknown): number | null =>
  v === null || v === undefined ? null : Number(v);

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

  const loadTeams = async (orgId: string, id?: string): Promise<TeamRow[]> => {
    let q = db.selectFrom('teams').selectAll().where('org_id', '=', orgId);
    if (id !== undefined) q = q.where('id', '=', id);
    const rows = await q.orderBy('name').execute();
    if (rows.length === 0) return [];
    const members = await db
      .selectFrom('team_members')
      .select(['team_id', 'agent_id'])
      .where('org_id', '=', orgId)
      .where(
        'team_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    return rows.map((r) => ({
      id: r.id,
      orgId: r.org_id,
      name: r.name,
      routing: r.routing,
      escalateAfterSeconds: num(r.escalate_after_s),
      visitorChoice: num(r.visitor_choice) === 1,
      memberIds: members.filter((m) => m.team_id === r.id).map((m) => m.agent_id),
      createdAt: num(r.created_at),
    }));
  };

  const selectTransfers = () =>
    db
      .selectFrom('conversation_transfers as t')
      .leftJoin('agents as fa', 'fa.id', 't.from_agent_id')
      .leftJoin('agents as ta', 'ta.id', 't.to_agent_id')
      .leftJoin('agents as ra', 'ra.id', 't.resolved_by')
      .leftJoin('teams as tt', 'tt.id', 't.to_team_id')
      .select([
        't.id',
        't.org_id',
        't.conversation_id',
        't.from_agent_id',
        'fa.name as from_name',
        't.to_agent_id',
        'ta.name as to_name',
        't.to_team_id',
        'tt.name as team_name',
        't.note',
        't.note_masked',
        't.status',
        't.created_at',
        't.expires_at',
        't.resolved_at',
        't.resolved_by',
        'ra.name as resolved_name',
      ]);
  type TransferRecord = Awaited<ReturnType<ReturnType<typeof selectTransfers>['execute']>>[number];
  const toTransfers = async (rows: TransferRecord[]): Promise<TransferRow[]> => {
    const notes = await keys.openMany(rows.map((r) => r.note));
    return rows.map((r, i) => ({
      id: r.id,
      orgId: r.org_id,
      conversationId: r.conversation_id,
      fromAgentId: r.from_agent_id,
      fromAgentName: r.from_name,
      toAgentId: r.to_agent_id,
      toAgentName: r.to_name,
      toTeamId: r.to_team_id,
      toTeamName: r.team_name,
      // An erased conversation's key is gone: its notes read as nothing.
      note: notes[i] ?? '',
      noteMasked: JSON.parse(r.note_masked) as string[],
      status: r.status,
      createdAt: num(r.created_at),
      expiresAt: num(r.expires_at),
      resolvedAt: nullableNum(r.resolved_at),
      resolvedBy: r.resolved_by,
      resolvedByName: r.resolved_name,
    }));
  };
  const transferById = async (orgId: string, id: string) => {
    const rows = await selectTransfers()
      .where('t.org_id', '=', orgId)
      .where('t.id', '=', id)
      .execute();
    return (await toTransfers(rows))[0];
  };

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

    teams: (orgId) => loadTeams(orgId),
    async teamById(orgId, id) {
      return (await loadTeams(orgId, id))[0];
    },

    async createTeam(input) {
      const taken = await db
        .selectFrom('teams')
        .select('id')
        .where('org_id', '=', input.orgId)
        .where('name', '=', input.name)
        .executeTakeFirst();
      if (taken) return undefined;
      const id = randomUUID();
      try {
        await db
          .insertInto('teams')
          .values({
            id,
            org_id: input.orgId,
            name: input.name,
            routing: input.routing,
            escalate_after_s: input.escalateAfterSeconds,
            visitor_choice: input.visitorChoice ? 1 : 0,
            created_at: input.now,
          })
          .execute();
      } catch (err) {
        // The unique constraint decides a race between two admins creating the same name.
        if (
          await db
            .selectFrom('teams')
            .select('id')
            .where('org_id', '=', input.orgId)
            .where('name', '=', input.name)
            .executeTakeFirst()
        )
          return undefined;
        throw err;
      }
      return (await loadTeams(input.orgId, id))[0];
    },

    async updateTeam(orgId, id, patch) {
      const taken = await db
        .selectFrom('teams')
        .select('id')
        .where('org_id', '=', orgId)
        .where('name', '=', patch.name)
        .where('id', '!=', id)
        .executeTakeFirst();
      if (taken) return 'taken';
      const r = await db
        .updateTable('teams')
        .set({
          name: patch.name,
          routing: patch.routing,
          escalate_after_s: patch.escalateAfterSeconds,
          visitor_choice: patch.visitorChoice ? 1 : 0,
        })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (r.numUpdatedRows !== 1n) return undefined;
      return (await loadTeams(orgId, id))[0];
    },

    async deleteTeam(orgId, id) {
      return db.transaction().execute(async (trx) => {
        // Its waiting chats go back to the shared queue rather than waiting for nobody.
        await trx
          .updateTable('conversations')
          .set({ team_id: null })
          .where('org_id', '=', orgId)
          .where('team_id', '=', id)
          .execute();
        await trx
          .deleteFrom('team_members')
          .where('org_id', '=', orgId)
          .where('team_id', '=', id)
          .execute();
        const r = await trx
          .deleteFrom('teams')
          .where('org_id', '=', orgId)
          .where('id', '=', id)
          .executeTakeFirst();
        return r.numDeletedRows === 1n;
      });
    },

    async setMembers(orgId, id, agentIds) {
      const unique = [...new Set(agentIds)];
      const result = await db.transaction().execute(async (trx) => {
        const team = await trx
          .selectFrom('teams')
          .select('id')
          .where('org_id', '=', orgId)
          .where('id', '=', id)
          .executeTakeFirst();
        if (!team) return undefined;
        if (unique.length > 0) {
          const known = await trx
            .selectFrom('agents')
            .select('id')
            .where('org_id', '=', orgId)
            .where('id', 'in', unique)
            .execute();
          if (known.length !== unique.length) return 'unknown_agent' as const;
        }
        await trx
          .deleteFrom('team_members')
          .where('org_id', '=', orgId)
          .where('team_id', '=', id)
          .execute();
        if (unique.length > 0)
          await trx
            .insertInto('team_members')
            .values(unique.map((agentId) => ({ team_id: id, agent_id: agentId, org_id: orgId })))
            .execute();
        return 'ok' as const;
      });
      if (result !== 'ok') return result;
      return (await loadTeams(orgId, id))[0];
    },

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
          .set({ status: 'active', agent_id: agentId, updated_at: now })
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

    async createTransfer(input) {
      const id = randomUUID();
      const [sealed] = await keys.sealMany([
        {
          owner: { orgId: input.orgId, kind: 'conversation', id: input.conversationId },
          plain: input.note,
        },
      ]);
      if (sealed === undefined) throw new Error('routing: transfer note not sealed');
      const pending = () =>
        db
          .selectFrom('conversation_transfers')
          .select('id')
          .where('org_id', '=', input.orgId)
          .where('conversation_id', '=', input.conversationId)
          .where('status', '=', 'pending')
          .executeTakeFirst();
      if (await pending()) return 'pending';
      try {
        await db
          .insertInto('conversation_transfers')
          .values({
            id,
            org_id: input.orgId,
            conversation_id: input.conversationId,
            from_agent_id: input.fromAgentId,
            to_agent_id: input.toAgentId,
            to_team_id: input.toTeamId,
            note: sealed,
            note_masked: JSON.stringify(input.noteMasked),
            status: 'pending',
            created_at: input.now,
            expires_at: input.expiresAt,
            resolved_at: null,
            resolved_by: null,
          })
          .execute();
      } catch (err) {
        // The partial unique index decides a race between two transfers of one conversation.
        if (await pending()) return 'pending';
        throw err;
      }
      const row = await transferById(input.orgId, id);
      if (!row) throw new Error('routing: transfer vanished after insert');
      return row;
    },

    transferById,

    async transfers(orgId, conversationId) {
      const rows = await selectTransfers()
        .where('t.org_id', '=', orgId)
        .where('t.conversation_id', '=', conversationId)
        .orderBy('t.created_at')
        .orderBy('t.id')
        .execute();
      return toTransfers(rows);
    },

    async pendingTransfers(orgId, limit) {
      const rows = await selectTransfers()
        .where('t.org_id', '=', orgId)
        .where('t.status', '=', 'pending')
        .orderBy('t.created_at')
        .limit(limit)
        .execute();
      return toTransfers(rows);
    },

    async acceptTransfer(orgId, id, receiverId, now) {
      class Moved extends Error {}
      try {
        return await db.transaction().execute(async (trx) => {
          const t = await trx
            .selectFrom('conversation_transfers')
            .select(['conversation_id', 'from_agent_id'])
            .where('org_id', '=', orgId)
            .where('id', '=', id)
            .executeTakeFirst();
          if (!t) return 'answered' as const;
          const won = await trx
            .updateTable('conversation_transfers')
            .set({ status: 'accepted', resolved_at: now, resolved_by: receiverId })
            .where('org_id', '=', orgId)
            .where('id', '=', id)
            .where('status', '=', 'pending')
            .where('expires_at', '>', now)
            .executeTakeFirst();
          if (won.numUpdatedRows !== 1n) return 'answered' as const;
          const moved = await trx
            .updateTable('conversations')
            .set({ agent_id: receiverId, updated_at: now })
            .where('org_id', '=', orgId)
            .where('id', '=', t.conversation_id)
            .where('status', '=', 'active')
            .where('agent_id', '=', t.from_agent_id)
            .executeTakeFirst();
          // Closed or taken over meanwhile: nothing of the acceptance is kept.
          if (moved.numUpdatedRows !== 1n) throw new Moved();
          return 'ok' as const;
        });
      } catch (err) {
        if (err instanceof Moved) return 'moved';
        throw err;
      }
    },

    async resolveTransfer(orgId, id, status, by, now) {
      const r = await db
        .updateTable('conversation_transfers')
        .set({ status, resolved_at: now, resolved_by: by })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return r.numUpdatedRows === 1n;
    },

    async overdueTransfers(now, limit) {
      const rows = await db
        .selectFrom('conversation_transfers')
        .select(['org_id', 'id'])
        .where('status', '=', 'pending')
        .where('expires_at', '<=', now)
        .limit(limit)
        .execute();
      return rows.map((r) => ({ orgId: r.org_id, id: r.id }));
    },
  };
}
