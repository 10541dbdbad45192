import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiTokenCreateRequestSchema } from '@parley/protocol';
import type { Store } from '../../store';
import { agentOf, requireAgent, type AuthRouteOptions } from '../auth';
import { presentApiToken } from './presenter';
import type { ApiTokenService } from './service';

const IdParamsSchema = z.object({ id: z.string().min(1).max(64) });

/** Token management over HTTP (console sessions of admins only): parse, call the service, present. */
export function registerApiTokenRoutes(
  app: FastifyInstance,
  opts: { authRoutes: AuthRouteOptions; apiTokens: ApiTokenService; store: Store },
): void {
  const { apiTokens, store } = opts;
  const manage = { preHandler: requireAgent(opts.authRoutes, { permission: 'api_token:manage' }) };
  const names = async (orgId: string) =>
    new Map((await store.agents.list(orgId)).map((a) => [a.id, a.name]));

  app.get('/api/api-tokens', manage, async (request: FastifyRequest) => {
    const ctx = agentOf(request);
    const rows = await apiTokens.list(ctx);
    const who = await names(ctx.agent.orgId);
    return { tokens: rows.map((r) => presentApiToken(r, who.get(r.agentId) ?? null)) };
  });

  app.post('/api/api-tokens', manage, async (request, reply) => {
    const ctx = agentOf(request);
    const body = ApiTokenCreateRequestSchema.parse(request.body);
    const { row, secret } = await apiTokens.create(ctx, body, request.ip);
    void reply.status(201).header('cache-control', 'no-store');
    return { token: presentApiToken(row, ctx.agent.name), secret };
  });

  app.delete('/api/api-tokens/:id', manage, async (request, reply) => {
    await apiTokens.revoke(agentOf(request), IdParamsSchema.parse(request.params).id, request.ip);
    void reply.status(204);
  });
}
