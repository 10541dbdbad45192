import { API_TOKEN_SCOPES, type Role } from '@parley/protocol';

/**
 * Roles are named sets of permissions; every route and socket action asks
 * `can` (DESIGN.md law 3). Tenancy is checked here too: an actor never acts on
 * another organisation's resources, whatever its role.
 */
export const PERMISSIONS = [...API_TOKEN_SCOPES, 'api_token:manage'] as const;
export type Permission = (typeof PERMISSIONS)[number];

const AGENT: Permission[] = [
  'conversation:read',
  'conversation:accept',
  'conversation:reply',
  'conversation:close',
  'payment:request',
  'payment:cancel',
];
const SUPERVISOR: Permission[] = [
  ...AGENT,
  'conversation:reply_any',
  'conversation:close_any',
  'payment:refund',
  'security_event:read',
  'report:read',
];
const ADMIN: Permission[] = [...PERMISSIONS];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  agent: new Set(AGENT),
  supervisor: new Set(SUPERVISOR),
  admin: new Set(ADMIN),
};

export interface AgentActor {
  kind: 'agent';
  agentId: string;
  orgId: string;
  role: Role;
  /**
   * An API token's scopes (modules/api-tokens): the token may do only what is
   * both in its scopes and in its agent's role. Absent for a console session.
   */
  scopes?: ReadonlySet<Permission>;
}

/** True when the agent's role grants the permission on a resource of its own organisation. */
export function can(
  actor: AgentActor,
  permission: Permission,
  resource?: { orgId: string },
): boolean {
  if (resource && resource.orgId !== actor.orgId) return false;
  if (actor.scopes && !actor.scopes.has(permission)) return false;
  return ROLE_PERMISSIONS[actor.role].has(permission);
}

/** Whether the organisation's MFA policy requires a second factor of this role. */
export function mfaRequired(policy: 'admins' | 'all' | 'none', role: Role): boolean {
  if (policy === 'all') return true;
  if (policy === 'admins') return role === 'admin';
  return false;
}
