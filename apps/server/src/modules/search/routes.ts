import type { FastifyInstance } from 'fastify';
import { HistoryQuerySchema, type HistoryPage } from '@parley/protocol';
import { agentOf, requireAgent, type AuthRouteOptions } from '../auth';
import type { HistoryService } from './service';

/** History and search over HTTP (docs/search.md). */
export function registerHistoryRoutes(
  app: FastifyInstance,
  opts: { authRoutes: AuthRouteOptions; history: HistoryService },
): void {
  const readers = {
    preHandler: requireAgent(opts.authRoutes, { permission: 'conversation:read' }),
  };
  app.post('/api/history', readers, async (request, reply): Promise<HistoryPage> => {
    const q = HistoryQuerySchema.parse(request.body);
    void reply.header('cache-control', 'no-store');
    return opts.history.history(agentOf(request).actor, q);
  });
}
