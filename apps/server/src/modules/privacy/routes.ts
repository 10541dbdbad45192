import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ParleyError } from '@parley/protocol';
import { agentOf, can, requireAgent, type AuthRouteOptions } from '../auth';
import { erase } from './service';

const EraseBodySchema = z.union([
  z.object({ conversationId: z.string().uuid(), confirm: z.literal(true) }).strict(),
  z.object({ visitorId: z.string().uuid(), confirm: z.literal(true) }).strict(),
]);

/** Erasure requests from an admin (issue 12 item 6); the CLI is `parley data erase`. */
export function registerPrivacyRoutes(
  app: FastifyInstance,
  opts: { authRoutes: AuthRouteOptions },
): void {
  const store = opts.authRoutes.store;
  const admins = { preHandler: requireAgent(opts.authRoutes, { permission: 'settings:manage' }) };
  app.post('/api/privacy/erase', admins, async (request) => {
    const ctx = agentOf(request);
    if (!can(ctx.actor, 'settings:manage', { orgId: ctx.agent.orgId }))
      throw new ParleyError('forbidden');
    const parsed = EraseBodySchema.safeParse(request.body);
    if (!parsed.success) throw new ParleyError('bad_request');
    const { confirm: _confirm, ...target } = parsed.data;
    const report = await erase(
      store,
      ctx.agent.orgId,
      target,
      { kind: 'agent', id: ctx.agent.id },
      request.ip,
    );
    return { erased: report };
  });
}
