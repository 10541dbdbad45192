import { ParleyError } from '@parley/protocol';
import type { Organisation, Store } from '../../store';
import { audit } from '../audit';
import { can, type AgentContext } from '../auth';
import { normaliseOrigin } from './service';

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

export interface OrganisationSettingsPatch {
  name?: string | undefined;
  greeting?: string | undefined;
  allowedOrigins?: string[] | undefined;
}

/** The organisation's own settings: permission through the policy, audited (issue 8 item 1). */
export function createOrganisationSettingsService(deps: { store: Store }) {
  const assertManage = (ctx: AgentContext) => {
    if (!can(ctx.actor, 'settings:manage', { orgId: ctx.organisation.id }))
      throw new ParleyError('forbidden');
  };
  return {
    get(ctx: AgentContext): Organisation {
      assertManage(ctx);
      return ctx.organisation;
    },
    async update(
      ctx: AgentContext,
      body: OrganisationSettingsPatch,
      ip: string,
    ): Promise<{ organisation: Organisation; fields: string[] }> {
      assertManage(ctx);
      const patch: {
        name?: string;
        greeting?: string;
        allowedOrigins?: string[];
      } = {};
      if (body.name !== undefined) patch.name = body.name;
      if (body.greeting !== undefined) patch.greeting = body.greeting;
      if (body.allowedOrigins !== undefined)
        patch.allowedOrigins = parseOrigins(body.allowedOrigins);
      const updated = await deps.store.orgs.update(ctx.organisation.id, patch);
      if (!updated) throw new ParleyError('organisation_not_found');
      // Settings changes are audited (PCI DSS 10.2): which fields, and the embedding origins in full.
      await audit.record(deps.store, {
        orgId: updated.id,
        actor: { kind: 'agent', id: ctx.agent.id },
        action: 'settings.organisation',
        outcome: 'success',
        ip,
        resource: { type: 'organisation', id: updated.id },
        detail: {
          fields: Object.keys(patch).join(','),
          ...(patch.allowedOrigins ? { allowedOrigins: patch.allowedOrigins.join(' ') } : {}),
        },
      });
      return { organisation: updated, fields: Object.keys(patch) };
    },
  };
}
