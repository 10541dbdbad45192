import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { InviteAgentRequestSchema, ParleyError, UpdateAgentRequestSchema } from '@parley/protocol';
import type { AgentRow } from '../../store';
import { randomToken } from '../../lib/tokens';
import { audit } from '../audit';
import { accountKey, agentOf, hashPassword, requireAgent, type AuthRouteOptions } from '../auth';
import { presentAgentAdmin } from './presenter';

const IdParamsSchema = z.object({ id: z.string().min(1).max(64) });

/** Agent management: invite, change role, deactivate, unlock, reset MFA, sign out everywhere. */
export function registerAgentAdminRoutes(app: FastifyInstance, opts: AuthRouteOptions): void {
  const { store } = opts;
  const manage = { preHandler: requireAgent(opts, { permission: 'agent:manage' }) };

  async function view(a: AgentRow) {
    const [mfa, t] = await Promise.all([
      store.security.mfa(a.orgId, a.id),
      store.security.throttle(accountKey(a.id)),
    ]);
    return presentAgentAdmin(a, {
      mfaEnabled: !!mfa?.totpSecret,
      locked: t?.lockedUntil != null && t.lockedUntil > Date.now(),
    });
  }
  async function target(request: FastifyRequest): Promise<AgentRow> {
    const { id } = IdParamsSchema.parse(request.params);
    // Another organisation's agent is reported exactly like a missing one.
    const agent = await store.agents.byId(agentOf(request).agent.orgId, id);
    if (!agent) throw new ParleyError('not_found');
    return agent;
  }
  const actor = (request: FastifyRequest) => ({
    kind: 'agent' as const,
    id: agentOf(request).agent.id,
  });

  app.get('/api/agents', manage, async (request) => {
    const rows = await store.agents.list(agentOf(request).agent.orgId);
    return { agents: await Promise.all(rows.map(view)) };
  });

  app.post('/api/agents', manage, async (request, reply) => {
    const ctx = agentOf(request);
    const body = InviteAgentRequestSchema.parse(request.body);
    if (await store.agents.byEmail(body.email))
      throw new ParleyError('conflict', 'An account with this e-mail address exists already.');
    // A random one-time password (well above the policy); the agent must replace it at first sign-in.
    const oneTimePassword = randomToken(15);
    const agent = await store.agents.create({
      orgId: ctx.agent.orgId,
      email: body.email,
      name: body.name,
      role: body.role,
      passwordHash: await hashPassword(oneTimePassword),
    });
    await store.security.setMustChangePassword(agent.orgId, agent.id, true);
    await audit.record(store, {
      orgId: agent.orgId,
      actor: actor(request),
      action: 'agent.invite',
      outcome: 'success',
      ip: request.ip,
      resource: { type: 'agent', id: agent.id },
      detail: { role: body.role },
    });
    void reply.status(201);
    return { agent: await view(agent), oneTimePassword };
  });

  app.patch('/api/agents/:id', manage, async (request) => {
    const ctx = agentOf(request);
    const agent = await target(request);
    const body = UpdateAgentRequestSchema.parse(request.body);
    if (
      agent.id === ctx.agent.id &&
      (body.active === false || (body.role !== undefined && body.role !== 'admin'))
    ) {
      throw new ParleyError(
        'conflict',
        'You cannot demote or deactivate yourself; ask another admin.',
      );
    }
    const updated = await store.agents.update(agent.orgId, agent.id, {
      ...(body.role !== undefined ? { role: body.role } : {}),
      ...(body.active !== undefined ? { active: body.active } : {}),
    });
    if (!updated) throw new ParleyError('not_found');
    if (body.role !== undefined && body.role !== agent.role) {
      await audit.record(store, {
        orgId: agent.orgId,
        actor: actor(request),
        action: 'agent.role_change',
        outcome: 'success',
        ip: request.ip,
        resource: { type: 'agent', id: agent.id },
        detail: { from: agent.role, to: body.role },
      });
    }
    if (body.active !== undefined && body.active !== agent.active) {
      await audit.record(store, {
        orgId: agent.orgId,
        actor: actor(request),
        action: body.active ? 'agent.activate' : 'agent.deactivate',
        outcome: 'success',
        ip: request.ip,
        resource: { type: 'agent', id: agent.id },
      });
    }
    // A changed role or a deactivation takes effect at once: the agent's sessions and sockets end.
    if ((body.role !== undefined && body.role !== agent.role) || body.active === false) {
      await opts.auth.publishRevoked(
        await store.security.revokeAgentSessions(agent.orgId, agent.id, Date.now()),
      );
    }
    return { agent: await view(updated) };
  });

  app.post('/api/agents/:id/unlock', manage, async (request) => {
    const agent = await target(request);
    await store.security.clearThrottle(accountKey(agent.id));
    await audit.record(store, {
      orgId: agent.orgId,
      actor: actor(request),
      action: 'agent.unlock',
      outcome: 'success',
      ip: request.ip,
      resource: { type: 'agent', id: agent.id },
    });
    return { agent: await view(agent) };
  });

  app.post('/api/agents/:id/mfa/reset', manage, async (request) => {
    const agent = await target(request);
    await store.security.disableTotp(agent.orgId, agent.id);
    await opts.auth.publishRevoked(
      await store.security.revokeAgentSessions(agent.orgId, agent.id, Date.now()),
    );
    await audit.record(store, {
      orgId: agent.orgId,
      actor: actor(request),
      action: 'mfa.reset',
      outcome: 'success',
      ip: request.ip,
      resource: { type: 'agent', id: agent.id },
    });
    return { agent: await view(agent) };
  });

  app.post('/api/agents/:id/sessions/revoke', manage, async (request) => {
    const agent = await target(request);
    const sessions = await opts.auth.logoutEverywhere(agent.orgId, agent.id, {
      actorId: agentOf(request).agent.id,
      ip: request.ip,
    });
    return { ok: true, sessions };
  });
}
