import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  ConsentSettingsUpdateSchema,
  ConsentWithdrawRequestSchema,
  ParleyError,
  type ConsentSettings,
} from '@parley/protocol';
import { agentOf, requireAgent, type AuthRouteOptions } from '../auth';
import { agentActor, visitorActor, type ChatService } from '../chat';
import type { VisitorService } from '../visitors';
import { presentConsent, presentConsentSettings } from './presenter';
import type { ConsentService } from './service';

const IdParamsSchema = z.object({ id: z.string().min(1).max(64) });

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
}

/** Consent settings (admins), a conversation's consent (agents), withdrawal (the visitor). */
export function registerConsentRoutes(
  app: FastifyInstance,
  deps: {
    consent: ConsentService;
    chat: Pick<ChatService, 'authorize'>;
    visitors: VisitorService;
    authRoutes: AuthRouteOptions;
  },
): void {
  const { consent } = deps;
  const admins = { preHandler: requireAgent(deps.authRoutes, { permission: 'settings:manage' }) };
  const agents = { preHandler: requireAgent(deps.authRoutes) };

  app.get('/api/settings/consent', admins, async (request): Promise<ConsentSettings> => {
    const { settings, versions } = await consent.settings(agentOf(request));
    return presentConsentSettings(settings, versions);
  });

  app.put('/api/settings/consent', admins, async (request): Promise<ConsentSettings> => {
    const ctx = agentOf(request);
    const body = ConsentSettingsUpdateSchema.parse(request.body);
    const { settings, versions } = await consent.update(ctx, body, request.ip);
    request.log.info(
      { orgId: ctx.agent.orgId, agentId: ctx.agent.id, version: settings.current.version },
      'consent settings changed',
    );
    return presentConsentSettings(settings, versions);
  });

  app.get('/api/conversations/:id/consent', agents, async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    const conv = await deps.chat.authorize(agentActor(request), id, 'view');
    const c = await consent.ofConversation(conv.orgId, conv.id);
    return { consent: c ? presentConsent(c.row, c.text, c.privacyUrl) : null };
  });

  app.post('/api/visitor/consent/withdraw', async (request) => {
    const ctx = await deps.visitors.authenticate(bearer(request));
    if (!ctx) throw new ParleyError('invalid_token');
    const body = ConsentWithdrawRequestSchema.parse(request.body);
    const r = await consent.withdraw(visitorActor(ctx), body.conversationId, request.ip);
    request.log.info(
      { orgId: ctx.visitor.orgId, visitorId: ctx.visitor.id, outcome: r.outcome },
      'consent withdrawn',
    );
    return { outcome: r.outcome };
  });
}
