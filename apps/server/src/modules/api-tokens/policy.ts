import { can, type AgentContext } from '../auth';

/** Admins manage tokens, with a console session only (a token never manages tokens). */
export function mayManageTokens(ctx: AgentContext): boolean {
  return (
    ctx.actor.scopes === undefined && can(ctx.actor, 'api_token:manage', { orgId: ctx.agent.orgId })
  );
}
