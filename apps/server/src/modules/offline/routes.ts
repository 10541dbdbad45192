import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  BusinessHoursSchema,
  ContinueRequestSchema,
  OfflineMessageRequestSchema,
  ParleyError,
} from '@parley/protocol';
import { agentOf, can, requireAgent, type AuthRouteOptions } from '../auth';
import { agentActor } from '../chat';
import type { Store } from '../../store';
import type { OfflineService } from './service';

const IdParamsSchema = z.object({ id: z.string().min(1).max(64) });
const AvailabilityQuerySchema = z.object({
  org: z.string().min(1).max(64),
  /** The team the website names or the visitor picked: the decision is that team's. */
  team: z.string().min(1).max(64).optional(),
});

export function registerOfflineRoutes(
  app: FastifyInstance,
  deps: {
    offline: OfflineService;
    store: Store;
    authRoutes: AuthRouteOptions;
    limits: {
      conversations: { check(r: FastifyRequest, reply: FastifyReply, key: string): Promise<void> };
      sessions: { check(r: FastifyRequest, reply: FastifyReply, key: string): Promise<void> };
    };
  },
): void {
  const { offline } = deps;
  const agentOnly = { preHandler: requireAgent(deps.authRoutes) };

  // Public, like the widget's config: what the widget says when nobody can answer.
  app.get('/api/widget/availability', async (request) => {
    const q = AvailabilityQuerySchema.parse(request.query);
    const org = await deps.store.orgs.byKey(q.org);
    if (!org) throw new ParleyError('organisation_not_found');
    return offline.availability(org.id, Date.now(), q.team);
  });

  app.post('/api/visitor/offline-message', async (request, reply) => {
    // The same per-address limit as starting a conversation: the form starts one.
    await deps.limits.conversations.check(request, reply, request.ip);
    const body = OfflineMessageRequestSchema.parse(request.body);
    const r = await offline.leaveMessage(body, request.ip);
    void reply.status(201);
    return { ...r.session, conversationId: r.conversationId };
  });

  app.post('/api/visitor/continue', async (request, reply) => {
    await deps.limits.sessions.check(request, reply, request.ip);
    const body = ContinueRequestSchema.parse(request.body);
    const r = await offline.continueFromLink(body.orgKey, body.token);
    return { ...r.session, conversationId: r.conversationId };
  });

  app.get('/api/conversations/:id/contact', agentOnly, async (request) => {
    const { id } = IdParamsSchema.parse(request.params);
    const c = await offline.contactFor(agentActor(request), id);
    return { contact: c ? { email: c.email, consentAt: c.consentAt } : null };
  });

  app.get('/api/settings/hours', agentOnly, async (request) => {
    const actor = agentOf(request).actor;
    if (!can(actor, 'settings:manage', { orgId: actor.orgId })) throw new ParleyError('forbidden');
    return { hours: await offline.hoursOf(actor.orgId) };
  });

  app.put('/api/settings/hours', agentOnly, async (request) => {
    const body = BusinessHoursSchema.parse(request.body);
    return { hours: await offline.setHours(agentOf(request).actor, body, request.ip) };
  });
}
