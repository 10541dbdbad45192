import type { SessionInfo } from '@parley/protocol';
import type { AgentContext } from './service';

/** What the console learns about its own session. */
export function presentSession(ctx: AgentContext): SessionInfo {
  return {
    agent: {
      id: ctx.agent.id,
      orgId: ctx.agent.orgId,
      email: ctx.agent.email,
      name: ctx.agent.name,
      role: ctx.agent.role,
    },
    organisation: {
      id: ctx.organisation.id,
      name: ctx.organisation.name,
      key: ctx.organisation.key,
    },
    csrfToken: ctx.session.csrfToken,
    stage: ctx.stage,
    idleMinutes: ctx.idleMinutes,
    locked: ctx.locked,
  };
}
