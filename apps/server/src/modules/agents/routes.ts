import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { InviteAgentRequestSchema, UpdateAgentRequestSchema } from '@parley/protocol';
import { agentOf, requireAgent, type AuthRouteOptions } from '../auth';
import { presentAgentAdmin } from './presenter';
import type { AgentStatus, AgentsService } from './service';

const IdParamsSchema = z.object({ id: z.string().min(1).max(64) });

const present = (s: AgentStatus) =>
  presentAgentAdmin(s.agent, { mfaEnabled: s.mfaEnabled, locked: s.locked });

/** Agent management over HTTP: parse, call the service, present. */
export function registerAgentRoutes(
  app: FastifyInstance,
  opts: { authRoutes: AuthRouteOptions; agents: AgentsService },
): void {
  const { agents } = opts;
  const manage = { preHandler: requireAgent(opts.authRoutes, { permission: 'agent:manage' }) };
  const id = (request: FastifyRequest) => IdParamsSchema.parse(request.params).id;

  app.get('/api/agents', manage, async (request) => ({
    agents: (await agents.list(agentOf(request))).map(present),
  }));

  app.post('/api/agents', manage, async (request, reply) => {
    const body = InviteAgentRequestSchema.parse(request.body);
    const r = await agents.invite(agentOf(request), body, request.ip);
    void reply.status(201);
    return { agent: present(r.status), oneTimePassword: r.oneTimePassword };
  });

  app.patch('/api/agents/:id', manage, async (request) => {
    const body = UpdateAgentRequestSchema.parse(request.body);
    return { agent: present(await agents.update(agentOf(request), id(request), body, request.ip)) };
  });

  app.post('/api/agents/:id/unlock', manage, async (request) => ({
    agent: present(await agents.unlock(agentOf(request), id(request), request.ip)),
  }));

  app.post('/api/agents/:id/mfa/reset', manage, async (request) => ({
    agent: present(await agents.resetMfa(agentOf(request), id(request), request.ip)),
  }));

  app.post('/api/agents/:id/sessions/revoke', manage, async (request) => ({
    ok: true,
    sessions: await agents.revokeSessions(agentOf(request), id(request), request.ip),
  }));
}
