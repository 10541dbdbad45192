import type { FastifyInstance } from 'fastify';
import { ParleyError, type MaskingRuleTestResult, type MaskingSettings } from '@parley/protocol';
import type { Store } from '../../store';
import { agentOf, can, requireAgent, type AuthRouteOptions } from '../auth';
import type { MaskingSettingsService } from './service';

/**
 * Admin settings of masking: GET and PUT /api/settings/masking, and POST
 * /api/settings/masking/test to try a custom rule on sample text (settings:manage).
 */
export function registerMaskingSettingsRoutes(
  app: FastifyInstance,
  deps: { store: Store; settings: MaskingSettingsService; authRoutes: AuthRouteOptions },
): void {
  const guard = { preHandler: requireAgent(deps.authRoutes) };

  app.get('/api/settings/masking', guard, async (request): Promise<MaskingSettings> => {
    const ctx = agentOf(request);
    if (!can(ctx.actor, 'settings:manage', { orgId: ctx.organisation.id }))
      throw new ParleyError('forbidden');
    return deps.settings.get(ctx.organisation.id);
  });

  app.put('/api/settings/masking', guard, async (request): Promise<MaskingSettings> => {
    const ctx = agentOf(request);
    const orgId = ctx.organisation.id;
    // settings:manage is checked, and the change audited, by the service.
    const saved = await deps.settings.save(
      { actor: ctx.actor, agentId: ctx.agent.id, orgId, ip: request.ip },
      request.body,
    );
    request.log.info(
      { orgId, agentId: ctx.agent.id, version: saved.version },
      'masking settings changed',
    );
    return saved;
  });

  // Not audited: nothing changes, and an audit entry must not hold the sample (it may be secret).
  app.post('/api/settings/masking/test', guard, async (request): Promise<MaskingRuleTestResult> => {
    const ctx = agentOf(request);
    const orgId = ctx.organisation.id;
    if (!can(ctx.actor, 'settings:manage', { orgId })) throw new ParleyError('forbidden');
    return deps.settings.tryRule(orgId, request.body);
  });
}
