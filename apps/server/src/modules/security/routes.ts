import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SecurityEventTypeSchema, UpdateSecuritySettingsRequestSchema } from '@parley/protocol';
import { agentOf, requireAgent, type AuthRouteOptions } from '../auth';
import { presentSecurityEvent } from './events';
import { presentSecuritySettings } from './presenter';
import type { SecuritySettingsService } from './settings-service';

const EventQuerySchema = z.object({
  type: SecurityEventTypeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Organisation security settings and security events: parse, call the service, present. */
export function registerSecurityRoutes(
  app: FastifyInstance,
  opts: { authRoutes: AuthRouteOptions; settings: SecuritySettingsService },
): void {
  const { store } = opts.authRoutes;
  const signedIn = { preHandler: requireAgent(opts.authRoutes) };

  app.get('/api/security/settings', signedIn, async (request) =>
    presentSecuritySettings(await opts.settings.get(agentOf(request))),
  );

  app.put('/api/security/settings', signedIn, async (request) => {
    const body = UpdateSecuritySettingsRequestSchema.parse(request.body);
    return presentSecuritySettings(await opts.settings.update(agentOf(request), body, request.ip));
  });

  app.get(
    '/api/security/events',
    { preHandler: requireAgent(opts.authRoutes, { permission: 'security_event:read' }) },
    async (request) => {
      const orgId = agentOf(request).agent.orgId;
      const q = EventQuerySchema.parse(request.query);
      const [rows, counts] = await Promise.all([
        store.security.events(orgId, { limit: q.limit, ...(q.type ? { type: q.type } : {}) }),
        store.security.eventCounts(orgId),
      ]);
      return { events: rows.map(presentSecurityEvent), counts };
    },
  );
}
