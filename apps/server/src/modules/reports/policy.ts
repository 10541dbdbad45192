import { can, type AgentActor } from '../auth';

/**
 * Reports are for supervisors and admins, who look after the team (issue 17
 * item 6), and for API tokens given the `report:read` scope. `can` checks the
 * tenancy too (law 3): only the actor's own organisation is ever reported.
 */
export const mayReadReports = (actor: AgentActor, orgId: string): boolean =>
  can(actor, 'report:read', { orgId });
