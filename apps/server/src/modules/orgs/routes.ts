import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  LAUNCHER_ICON_PATHS,
  ParleyError,
  type PublicTeam,
  type WidgetConfig,
  type WidgetConsent,
} from '@parley/protocol';
import type { Store } from '../../store';
import { isAllowedOrigin, loaderAllowed, normaliseOrigin } from './service';
import { createBrandingService } from './branding-service';

const WidgetConfigQuerySchema = z.object({
  org: z.string().min(1).max(64),
  host: z.string().max(300).optional(),
  /** The team the website names (loader `data-team`): availability is that team's. */
  team: z.string().min(1).max(64).optional(),
  /** The visitor's language (the frame's choice): the organisation's texts in it, English else. */
  lang: z.string().max(35).optional(),
});

/** Presence and teams for the widget (modules/routing), given by the node's wiring. */
export interface WidgetRouting {
  isAnyAgentAvailable(orgId: string, teamId?: string): Promise<boolean>;
  publicTeams(orgId: string): Promise<PublicTeam[]>;
}

export function registerOrgRoutes(
  app: FastifyInstance,
  deps: {
    store: Store;
    selfOrigins: ReadonlySet<string>;
    /** The pre-chat consent the widget shows (modules/consent). */
    consentOf?: (orgId: string) => Promise<WidgetConsent>;
    routing?: WidgetRouting;
    /** The node's visitor proof-of-work mode, told to the frame (modules/visitors). */
    proofOfWork?: 'off' | 'always' | 'auto';
  },
): void {
  const branding = createBrandingService({ store: deps.store });
  // Public: may the loader show the launcher on this page? Decided by the Origin the browser
  // set on the loader's own request, which no script on the page can change (issue 11 item 6).
  app.get('/api/widget/loader', async (request, reply) => {
    const query = z.object({ org: z.string().min(1).max(64) }).parse(request.query);
    const origin = normaliseOrigin(request.headers.origin ?? '');
    // The answer (refusal included) must be readable by that page, and differs per origin.
    void reply.header('vary', 'origin');
    void reply.header('cache-control', 'no-store');
    if (origin) void reply.header('access-control-allow-origin', origin);
    const org = await deps.store.orgs.byKey(query.org);
    if (!org) throw new ParleyError('organisation_not_found');
    if (!loaderAllowed(org, request.headers, deps.selfOrigins))
      throw new ParleyError('origin_not_allowed');
    // The launcher's look comes with the admission, so the loader makes no second request.
    const { branding: look } = await branding.forWidget(org.id, undefined, org.greeting);
    return {
      allowed: true,
      look: {
        colour: look.colour,
        position: look.position,
        offsetX: look.offsetX,
        offsetY: look.offsetY,
        label: look.launcherLabel,
        icon: look.launcherIcon,
        iconPath: LAUNCHER_ICON_PATHS[look.launcherIcon],
      },
    };
  });

  // Public: what the chat frame needs to draw itself. The host page's origin
  // must be one the organisation allows.
  app.get('/api/widget/config', async (request): Promise<WidgetConfig> => {
    const query = WidgetConfigQuerySchema.parse(request.query);
    const org = await deps.store.orgs.byKey(query.org);
    if (!org) throw new ParleyError('organisation_not_found');
    if (query.host !== undefined && !isAllowedOrigin(org, query.host, deps.selfOrigins)) {
      throw new ParleyError('origin_not_allowed');
    }
    const identity = (await deps.store.visitorIdentity.settings(org.id))?.mode ?? 'off';
    const consent = await deps.consentOf?.(org.id);
    const brand = await branding.forWidget(org.id, query.lang, org.greeting);
    const [available, teams] = deps.routing
      ? await Promise.all([
          deps.routing.isAnyAgentAvailable(org.id, query.team),
          deps.routing.publicTeams(org.id),
        ])
      : [true, []];
    return {
      orgKey: org.key,
      orgName: org.name,
      greeting: brand.greeting,
      identity,
      ...(consent ? { consent } : {}),
      available,
      teams,
      proofOfWork: deps.proofOfWork ?? 'off',
      branding: brand.branding,
    };
  });
}
