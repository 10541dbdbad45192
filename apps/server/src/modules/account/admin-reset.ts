import { ParleyError } from '@parley/protocol';
import type { Store } from '../../store';
import { randomToken } from '../../lib/tokens';
import { audit } from '../audit';
import {
  ONE_TIME_PASSWORD_MS,
  accountKey,
  can,
  hashPassword,
  type AgentContext,
  type AuthService,
  type MfaService,
} from '../auth';
import { presentAgentAdmin } from '../agents';

/**
 * An admin resets a colleague's password (issue 10 item 14): with step-up, a
 * new random one-time password shown once to the admin, valid 72 hours and to
 * be replaced at first sign-in; the agent's sessions end and the sign-in lock
 * is lifted. Another organisation's agent is not found.
 */
export function createAdminResets(deps: { store: Store; auth: AuthService; mfa: MfaService }) {
  const { store, auth } = deps;
  return {
    async resetPassword(ctx: AgentContext, id: string, ip: string) {
      if (!can(ctx.actor, 'agent:manage', { orgId: ctx.agent.orgId }))
        throw new ParleyError('forbidden');
      const agent = await store.agents.byId(ctx.agent.orgId, id);
      if (!agent) throw new ParleyError('not_found');
      if (agent.id === ctx.agent.id)
        throw new ParleyError('conflict', 'Change your own password on your profile page.');
      await deps.mfa.requireStepUp(ctx);
      const oneTimePassword = randomToken(15);
      const updated = await store.agents.update(agent.orgId, agent.id, {
        passwordHash: await hashPassword(oneTimePassword),
      });
      if (!updated) throw new ParleyError('not_found');
      await store.security.setMustChangePassword(agent.orgId, agent.id, true);
      await store.security.setOneTimePasswordExpiry(
        agent.orgId,
        agent.id,
        Date.now() + ONE_TIME_PASSWORD_MS,
      );
      await store.security.clearThrottle(accountKey(agent.id));
      await auth.publishRevoked(
        await store.security.revokeAgentSessions(agent.orgId, agent.id, Date.now()),
      );
      await audit.record(store, {
        orgId: agent.orgId,
        actor: { kind: 'agent', id: ctx.agent.id },
        action: 'agent.password_reset',
        outcome: 'success',
        ip,
        resource: { type: 'agent', id: agent.id },
      });
      const mfa = await store.security.mfa(agent.orgId, agent.id);
      return {
        agent: presentAgentAdmin(updated, { mfaEnabled: !!mfa?.totpSecret, locked: false }),
        oneTimePassword,
      };
    },
  };
}
