import { ParleyError, type TeamRequest } from '@parley/protocol';
import type { Store, TeamRow } from '../../store';
import { audit } from '../audit';
import type { AgentActor } from '../auth';
import { routingAllowed } from './policy';

/** Teams (departments) and their members (issue 14 item 2). Changes are audited. */
export function createTeamsService(deps: { store: Store; changed?: (team: TeamRow) => void }) {
  const { store } = deps;
  const assert = (actor: AgentActor, action: 'team:read' | 'team:manage') => {
    if (!routingAllowed(actor, action, actor)) throw new ParleyError('forbidden');
  };
  const record = (
    actor: AgentActor,
    action: string,
    team: Pick<TeamRow, 'id' | 'name'>,
    ip: string,
    detail: Record<string, string | number | boolean> = {},
  ) =>
    audit.record(store, {
      orgId: actor.orgId,
      actor: { kind: 'agent', id: actor.agentId },
      action,
      outcome: 'success',
      ip,
      resource: { type: 'team', id: team.id },
      detail: { name: team.name, ...detail },
    });

  return {
    async list(actor: AgentActor): Promise<TeamRow[]> {
      assert(actor, 'team:read');
      return store.routing.teams(actor.orgId);
    },

    async create(actor: AgentActor, input: TeamRequest, ip: string): Promise<TeamRow> {
      assert(actor, 'team:manage');
      const row = await store.routing.createTeam({ orgId: actor.orgId, ...input, now: Date.now() });
      if (!row) throw new ParleyError('team_name_taken');
      await record(actor, 'team.create', row, ip, { routing: row.routing });
      return row;
    },

    async update(actor: AgentActor, id: string, input: TeamRequest, ip: string): Promise<TeamRow> {
      assert(actor, 'team:manage');
      const row = await store.routing.updateTeam(actor.orgId, id, input);
      if (row === 'taken') throw new ParleyError('team_name_taken');
      if (!row) throw new ParleyError('team_not_found');
      await record(actor, 'team.update', row, ip, {
        routing: row.routing,
        escalateAfterSeconds: row.escalateAfterSeconds,
      });
      deps.changed?.(row);
      return row;
    },

    async remove(actor: AgentActor, id: string, ip: string): Promise<void> {
      assert(actor, 'team:manage');
      const row = await store.routing.teamById(actor.orgId, id);
      if (!row || !(await store.routing.deleteTeam(actor.orgId, id)))
        throw new ParleyError('team_not_found');
      await record(actor, 'team.delete', row, ip);
    },

    async setMembers(
      actor: AgentActor,
      id: string,
      agentIds: string[],
      ip: string,
    ): Promise<TeamRow> {
      assert(actor, 'team:manage');
      const row = await store.routing.setMembers(actor.orgId, id, agentIds);
      if (row === 'unknown_agent') throw new ParleyError('agent_not_found');
      if (!row) throw new ParleyError('team_not_found');
      await record(actor, 'team.members', row, ip, { members: row.memberIds.length });
      deps.changed?.(row);
      return row;
    },
  };
}

export type TeamsService = ReturnType<typeof createTeamsService>;
