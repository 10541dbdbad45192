import type { FastifyInstance } from 'fastify';
import { RetentionSettingsUpdateSchema, type RetentionSettings } from '@parley/protocol';
import { agentOf, requireAgent, type AuthRouteOptions } from '../auth';
import { presentRetention } from './presenter';
import type { RetentionService } from './service';

/** Retention periods (admins); the purge itself is the job's. */
export function registerRetentionRoutes(
  app: FastifyInstance,
  deps: { retention: RetentionService; authRoutes: AuthRouteOptions },
): void {
  const admins = { preHandler: requireAgent(deps.authRoutes, { permission: 'settings:manage' }) };
  app.get('/api/settings/retention', admins, async (request): Promise<RetentionSettings> => {
    const r = await deps.retention.settings(agentOf(request));
    return presentRetention(r.settings, r.lastRun);
  });
  app.put('/api/settings/retention', admins, async (request): Promise<RetentionSettings> => {
    const ctx = agentOf(request);
    const body = RetentionSettingsUpdateSchema.parse(request.body);
    const r = await deps.retention.update(ctx, body, request.ip);
    request.log.info(
      { orgId: ctx.agent.orgId, agentId: ctx.agent.id },
      'retention settings changed',
    );
    return presentRetention(r.settings, r.lastRun);
  });
}
