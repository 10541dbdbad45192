import { can, type AgentActor } from '../auth';
import type { PresenceRow } from '../../store';

export type RoutingAction =
  | 'presence:read'
  | 'presence:set_own'
  | 'capacity:manage'
  | 'team:read'
  | 'team:manage'
  | 'transfer:read';

/**
 * Who may do what with presence, teams and transfers. Everyone who reads conversations sees
 * who is online (to transfer to them); teams and other agents' capacity are organisation
 * settings. Tenancy is checked by `can` (DESIGN.md law 3).
 */
export function routingAllowed(
  actor: AgentActor,
  action: RoutingAction,
  resource: { orgId: string },
): boolean {
  switch (action) {
    case 'presence:read':
    case 'team:read':
    case 'transfer:read':
      return can(actor, 'conversation:read', resource);
    case 'presence:set_own':
      return can(actor, 'conversation:accept', resource);
    case 'capacity:manage':
    case 'team:manage':
      return can(actor, 'settings:manage', resource);
  }
}

/** Whether routing may give this agent a chat: their role accepts chats. */
export function canTakeChats(row: Pick<PresenceRow, 'role' | 'orgId' | 'agentId'>): boolean {
  return can(
    { kind: 'agent', agentId: row.agentId, orgId: row.orgId, role: row.role },
    'conversation:accept',
    {
      orgId: row.orgId,
    },
  );
}
