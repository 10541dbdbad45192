import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  VisitorIdentitySettingsUpdateSchema,
  type VerifiedVisitor,
  type VisitorIdentitySettings,
} from '@parley/protocol';
import { agentOf, requireAgent, type AuthRouteOptions } from '../auth';
import { presentIdentitySettings } from './presenter';
import type { VisitorIdentityService } from './service';

const IdParamsSchema = z.object({ id: z.string().min(1).max(64) });

/** Admin settings of identity verification, and the verified identity of a conversation's visitor. */
export function registerVisitorIdentityRoutes(
  app: FastifyInstance,
  deps: {
    identity: VisitorIdentityService;
    authRoutes: AuthRouteOptions;
    /** The conversation's visitor, after the chat policy allowed the agent to view it. */
    visitorOfConversation(request: unknown, conversationId: string): Promise<string>;
  },
): void {
  const guard = { preHandler: requireAgent(deps.authRoutes) };

  app.get(
    '/api/settings/visitor-identity',
    guard,
    async (request): Promise<VisitorIdentitySettings> =>
      presentIdentitySettings(await deps.identity.getSettings(agentOf(request))),
  );

  app.put('/api/settings/visitor-identity', guard, async (request) => {
    const ctx = agentOf(request);
    const body = VisitorIdentitySettingsUpdateSchema.parse(request.body);
    const saved = await deps.identity.updateSettings(ctx, body, request.ip);
    request.log.info(
      { orgId: saved.orgId, agentId: ctx.agent.id, mode: saved.mode },
      'visitor identity settings changed',
    );
    return presentIdentitySettings(saved);
  });

  // The secret is in this one response and nowhere else (stored sealed; never logged).
  app.post('/api/settings/visitor-identity/secret', guard, async (request, reply) => {
    const ctx = agentOf(request);
    const { secret } = await deps.identity.rotateSecret(ctx, request.ip);
    request.log.info(
      { orgId: ctx.organisation.id, agentId: ctx.agent.id },
      'identity secret rotated',
    );
    void reply.header('cache-control', 'no-store');
    return { secret };
  });

  app.get(
    '/api/conversations/:id/visitor-identity',
    guard,
    async (request): Promise<VerifiedVisitor> => {
      const { id } = IdParamsSchema.parse(request.params);
      const ctx = agentOf(request);
      const visitorId = await deps.visitorOfConversation(request, id);
      const d = await deps.identity.details(ctx.organisation.id, visitorId);
      return {
        verified: d !== undefined,
        sub: d?.sub ?? null,
        email: d?.email ?? null,
        name: d?.name ?? null,
        verifiedAt: d?.verifiedAt ?? null,
      };
    },
  );
}
