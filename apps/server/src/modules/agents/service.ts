import { ParleyError, type Role } from '@parley/protocol';
import type { AgentRow, Store } from '../../store';
import { randomToken } from '../../lib/tokens';
import { audit } from '../audit';
import { inviteTakenElsewhere } from './invite-elsewhere';
import {
  LOCKOUT,
  ONE_TIME_PASSWORD_MS,
  accountKey,
  can,
  hashPassword,
  type AgentContext,
  type AuthService,
  type MfaService,
} from '../auth';

export type AgentsService = ReturnType<typeof createAgentsService>;

export interface AgentStatus {
  agent: AgentRow;
  mfaEnabled: boolean;
  locked: boolean;
}

/**
 * Agent management: invite, role and activation, unlock, MFA reset, sign out
 * everywhere. Every act checks `agent:manage` here, not only in the route,
 * and is audited (issue 8 item 1).
 */
export function createAgentsService(deps: { store: Store; auth: AuthService; mfa: MfaService }) {
  const { store, auth } = deps;
  const who = (ctx: AgentContext) => ({ kind: 'agent' as const, id: ctx.agent.id });

  function assertManage(ctx: AgentContext): void {
    if (!can(ctx.actor, 'agent:manage', { orgId: ctx.agent.orgId }))
      throw new ParleyError('forbidden');
  }

  async function status(a: AgentRow): Promise<AgentStatus> {
    const [mfa, t] = await Promise.all([
      store.security.mfa(a.orgId, a.id),
      store.security.throttle(accountKey(a.id)),
    ]);
    const now = Date.now();
    const locked =
      (t?.lockedUntil != null && t.lockedUntil > now) ||
      (t !== undefined && t.failures >= LOCKOUT.max && now - t.firstAt < LOCKOUT.windowMs);
    return { agent: a, mfaEnabled: !!mfa?.totpSecret, locked };
  }

  /** Another organisation's agent is reported exactly like a missing one. */
  async function target(ctx: AgentContext, id: string): Promise<AgentRow> {
    assertManage(ctx);
    const agent = await store.agents.byId(ctx.agent.orgId, id);
    if (!agent) throw new ParleyError('not_found');
    return agent;
  }

  async function endSessions(a: AgentRow): Promise<void> {
    await auth.publishRevoked(await store.security.revokeAgentSessions(a.orgId, a.id, Date.now()));
  }

  return {
    async list(ctx: AgentContext): Promise<AgentStatus[]> {
      assertManage(ctx);
      return Promise.all((await store.agents.list(ctx.agent.orgId)).map(status));
    },

    /** A random one-time password (72 hours, replaced at first sign-in). */
    async invite(
      ctx: AgentContext,
      input: { email: string; name: string; role: Role },
      ip: string,
    ): Promise<{ status: AgentStatus; oneTimePassword: string }> {
      assertManage(ctx);
      const existing = await store.agents.byEmail(input.email);
      // E-mail addresses are unique across the installation. An address of this
      // organisation is a conflict the admin can see in their own list; one of
      // another organisation answers like a fresh address (issue 10 finding 9).
      if (existing?.orgId === ctx.agent.orgId)
        throw new ParleyError('conflict', 'This e-mail address cannot be invited.');
      if (existing) return inviteTakenElsewhere(store, ctx, input, ip);
      const oneTimePassword = randomToken(15);
      const agent = await store.agents.create({
        orgId: ctx.agent.orgId,
        email: input.email,
        name: input.name,
        role: input.role,
        passwordHash: await hashPassword(oneTimePassword),
      });
      await store.security.setMustChangePassword(agent.orgId, agent.id, true);
      await store.security.setOneTimePasswordExpiry(
        agent.orgId,
        agent.id,
        Date.now() + ONE_TIME_PASSWORD_MS,
      );
      await audit.record(store, {
        orgId: agent.orgId,
        actor: who(ctx),
        action: 'agent.invite',
        outcome: 'success',
        ip,
        resource: { type: 'agent', id: agent.id },
        detail: { role: input.role },
      });
      return { status: await status(agent), oneTimePassword };
    },

    async update(
      ctx: AgentContext,
      id: string,
      patch: { role?: Role | undefined; active?: boolean | undefined },
      ip: string,
    ): Promise<AgentStatus> {
      const agent = await target(ctx, id);
      if (
        agent.id === ctx.agent.id &&
        (patch.active === false || (patch.role !== undefined && patch.role !== 'admin'))
      )
        throw new ParleyError(
          'conflict',
          'You cannot demote or deactivate yourself; ask another admin.',
        );
      const updated = await store.agents.update(agent.orgId, agent.id, {
        ...(patch.role !== undefined ? { role: patch.role } : {}),
        ...(patch.active !== undefined ? { active: patch.active } : {}),
      });
      if (!updated) throw new ParleyError('not_found');
      const roleChanged = patch.role !== undefined && patch.role !== agent.role;
      if (roleChanged)
        await audit.record(store, {
          orgId: agent.orgId,
          actor: who(ctx),
          action: 'agent.role_change',
          outcome: 'success',
          ip,
          resource: { type: 'agent', id: agent.id },
          detail: { from: agent.role, to: patch.role ?? agent.role },
        });
      if (patch.active !== undefined && patch.active !== agent.active)
        await audit.record(store, {
          orgId: agent.orgId,
          actor: who(ctx),
          action: patch.active ? 'agent.activate' : 'agent.deactivate',
          outcome: 'success',
          ip,
          resource: { type: 'agent', id: agent.id },
        });
      // A changed role or a deactivation takes effect at once: the agent's sessions and sockets end.
      if (roleChanged || patch.active === false) await endSessions(agent);
      return status(updated);
    },

    /** Lifts the PCI DSS 8.3.4 lock (the lock itself never ends live sessions). */
    async unlock(ctx: AgentContext, id: string, ip: string): Promise<AgentStatus> {
      const agent = await target(ctx, id);
      await store.security.clearThrottle(accountKey(agent.id));
      await audit.record(store, {
        orgId: agent.orgId,
        actor: who(ctx),
        action: 'agent.unlock',
        outcome: 'success',
        ip,
        resource: { type: 'agent', id: agent.id },
      });
      return status(agent);
    },

    /** Resets another agent's factor: the admin's step-up is required (issue 10 finding 3). */
    async resetMfa(ctx: AgentContext, id: string, ip: string): Promise<AgentStatus> {
      const agent = await target(ctx, id);
      await deps.mfa.requireStepUp(ctx);
      await store.security.disableTotp(agent.orgId, agent.id);
      await endSessions(agent);
      await audit.record(store, {
        orgId: agent.orgId,
        actor: who(ctx),
        action: 'mfa.reset',
        outcome: 'success',
        ip,
        resource: { type: 'agent', id: agent.id },
      });
      return status(agent);
    },

    async revokeSessions(ctx: AgentContext, id: string, ip: string): Promise<number> {
      const agent = await target(ctx, id);
      return auth.logoutEverywhere(agent.orgId, agent.id, { actorId: ctx.agent.id, ip });
    },
  };
}
