import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Store } from '../../store';
import { agentOf, requireAgent, type AuthRouteOptions } from '../auth';
import { presentOrganisationSettings } from './presenter';
import { createOrganisationSettingsService } from './settings-service';
import { createBrandingService } from './branding-service';

const OrganisationSettingsSchema = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  greeting: z.string().trim().max(500).optional(),
  /** Origins of the websites that may embed the widget, e.g. "https://shop.example". */
  allowedOrigins: z.array(z.string().max(300)).max(50).optional(),
});

/** Admin settings of the organisation itself: parse, call the service, present. */
export function registerOrgSettingsRoutes(
  app: FastifyInstance,
  deps: { store: Store; authRoutes: AuthRouteOptions },
): void {
  const service = createOrganisationSettingsService({ store: deps.store });
  const guard = { preHandler: requireAgent(deps.authRoutes) };

  app.get('/api/settings/organisation', guard, async (request) =>
    presentOrganisationSettings(service.get(agentOf(request))),
  );

  app.put('/api/settings/organisation', guard, async (request) => {
    const ctx = agentOf(request);
    const body = OrganisationSettingsSchema.parse(request.body);
    const { organisation, fields } = await service.update(ctx, body, request.ip);
    request.log.info(
      { orgId: organisation.id, agentId: ctx.agent.id, fields },
      'organisation settings changed',
    );
    return presentOrganisationSettings(organisation);
  });

  // The widget's branding (docs/widget.md "Branding"): the body is parsed by the service, which
  // also adjusts a colour that fails WCAG AA before it is stored.
  const branding = createBrandingService({ store: deps.store });
  app.get('/api/settings/branding', guard, async (request) => branding.get(agentOf(request)));
  app.put('/api/settings/branding', guard, async (request) => {
    const ctx = agentOf(request);
    const saved = await branding.save(ctx, request.body, request.ip);
    request.log.info(
      { orgId: ctx.organisation.id, agentId: ctx.agent.id, version: saved.version },
      'branding changed',
    );
    return saved;
  });
}
