import { can, type AgentActor } from '../auth';

export type DeskAction =
  'note:read' | 'note:write' | 'canned:use' | 'canned:manage' | 'conversation:join';

/**
 * Who may use the desk. Notes follow the conversation: whoever may read it may read and add
 * its notes (collaboration: a supervisor or a colleague leaves a hint). Canned replies are
 * used by whoever may reply and managed by whoever manages the organisation's settings.
 * Tenancy is checked by `can` (DESIGN.md law 3). Visitors have no desk action at all.
 */
export function deskAllowed(
  actor: AgentActor,
  action: DeskAction,
  resource: { orgId: string },
): boolean {
  switch (action) {
    case 'note:read':
    case 'note:write':
      return can(actor, 'conversation:read', resource);
    case 'canned:use':
      return can(actor, 'conversation:reply', resource);
    case 'canned:manage':
      return can(actor, 'settings:manage', resource);
    // Joining a conversation one does not hold is replying to it: supervisors and admins.
    case 'conversation:join':
      return can(actor, 'conversation:reply_any', resource);
  }
}
