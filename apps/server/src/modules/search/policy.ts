import { can, type AgentActor } from '../auth';

/**
 * The history lists every conversation of the organisation: whoever may read its conversations
 * (`conversation:read`, tokens with that scope too) may search them. `can` checks the tenancy
 * (law 3): only the actor's own organisation is ever listed.
 */
export const mayReadHistory = (actor: AgentActor, orgId: string): boolean =>
  can(actor, 'conversation:read', { orgId });
