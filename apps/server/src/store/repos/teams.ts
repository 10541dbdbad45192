import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, RoutingRepo, TeamRow } from '../types';

// PostgreSQL returns bigint and count() as strings.
const num = (v: unknown): number => Number(v ?? 0);

type TeamMethods = 'teams' | 'teamById' | 'createTeam' | 'updateTeam' | 'deleteTeam' | 'setMembers';

/** Teams and their members (0050-routing). */
export function teamsRepo(db: Kysely<Database>): Pick<RoutingRepo, TeamMethods> {
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
  return {
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
  };
}
