import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ParleyError } from '@parley/protocol';
import type { Organisation, Store } from '../../store';
import { audit } from '../audit';
import { agentOf, can, requireAgent, type AuthRouteOptions } from '../auth';
import { normaliseOrigin } from './service';

const OrganisationSettingsSchema = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  greeting: z.string().trim().max(500).optional(),
  /** Origins of the websites that may embed the widget, e.g. "https://shop.example". */
  allowedOrigins: z.array(z.string().max(300)).max(50).optional(),
});

function presentOrganisationSettings(org: Organisation) {
  return {
    id: org.id,
    key: org.key,
    name: org.name,
    greeting: org.greeting,
    allowedOrigins: org.allowedOrigins,
  };
}

/** Parses origins exactly as browsers send them; throws bad_request naming the ones that are not origins. */
export function parseOrigins(values: string[]): string[] {
  const origins: string[] = [];
  const bad: string[] = [];
  for (const v of values) {
    const origin = normaliseOrigin(v);
    // Only a trailing slash may differ: a path, query or odd spelling is not an origin.
    if (origin !== undefined && origin === v.replace(/\/$/, '')) origins.push(origin);
    else bad.push(v);
  }
  if (bad.length > 0) {
    throw new ParleyError(
      'bad_request',
      `Not an origin (scheme://host[:port], no path): ${bad.slice(0, 5).join(', ')}`,
    );
  }
  return [...new Set(origins)];
}

/** Admin settings of the organisation itself: name, greeting, the origins allowed to embed the widget. */
export function registerOrgSettingsRoutes(
  app: FastifyInstance,
  deps: { store: Store; authRoutes: AuthRouteOptions },
): void {
  const guard = { preHandler: requireAgent(deps.authRoutes) };

  app.get('/api/settings/organisation', guard, async (request) => {
    const ctx = agentOf(request);
    if (!can(ctx.actor, 'settings:manage', { orgId: ctx.organisation.id }))
      throw new ParleyError('forbidden');
    return presentOrganisationSettings(ctx.organisation);
  });

  app.put('/api/settings/organisation', guard, async (request) => {
    const ctx = agentOf(request);
    if (!can(ctx.actor, 'settings:manage', { orgId: ctx.organisation.id }))
      throw new ParleyError('forbidden');
    const body = OrganisationSettingsSchema.parse(request.body);
    const patch: { name?: string; greeting?: string; allowedOrigins?: string[] } = {};
    if (body.name !== undefined) patch.name = body.name;
    if (body.greeting !== undefined) patch.greeting = body.greeting;
    if (body.allowedOrigins !== undefined) patch.allowedOrigins = parseOrigins(body.allowedOrigins);
    const updated = await deps.store.orgs.update(ctx.organisation.id, patch);
    if (!updated) throw new ParleyError('organisation_not_found');
    // Settings changes are audited (PCI DSS 10.2): which fields, and the embedding origins in full.
    await audit.record(deps.store, {
      orgId: updated.id,
      actor: { kind: 'agent', id: ctx.agent.id },
      action: 'settings.organisation',
      outcome: 'success',
      ip: request.ip,
      resource: { type: 'organisation', id: updated.id },
      detail: {
        fields: Object.keys(patch).join(','),
        ...(patch.allowedOrigins ? { allowedOrigins: patch.allowedOrigins.join(' ') } : {}),
      },
    });
    request.log.info(
      { orgId: updated.id, agentId: ctx.agent.id, fields: Object.keys(patch) },
      'organisation settings changed',
    );
    return presentOrganisationSettings(updated);
  });
}
