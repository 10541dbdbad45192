import type { FastifyInstance } from 'fastify';
import { AuditQuerySchema } from '@parley/protocol';
import { agentOf, requireAgent, type AuthRouteOptions } from '../auth';
import type { AuditAnchor } from './anchor';
import { presentAuditEntry } from './presenter';
import { createAuditService } from './read-service';

/** The audit log: read (itself audited) and an on-demand checkpoint. */
export function registerAuditRoutes(
  app: FastifyInstance,
  opts: { authRoutes: AuthRouteOptions; anchor: AuditAnchor },
): void {
  const service = createAuditService({ store: opts.authRoutes.store, anchor: opts.anchor });
  const readers = { preHandler: requireAgent(opts.authRoutes, { permission: 'audit:read' }) };

  app.get('/api/audit', readers, async (request) => {
    const q = AuditQuerySchema.parse(request.query);
    const entries = await service.read(agentOf(request), q, request.ip);
    return { entries: entries.map(presentAuditEntry) };
  });

  app.post('/api/audit/checkpoint', readers, async (request) => ({
    checkpoints: await service.checkpoint(agentOf(request), request.ip),
  }));
}
