import { can, type AgentContext } from '../auth';

/**
 * Admins manage their organisation's webhooks, from a console session only: an
 * endpoint's signing secret is a credential, and a token never mints credentials.
 */
export function mayManageWebhooks(ctx: AgentContext): boolean {
  return (
    ctx.actor.scopes === undefined && can(ctx.actor, 'settings:manage', { orgId: ctx.agent.orgId })
  );
}
