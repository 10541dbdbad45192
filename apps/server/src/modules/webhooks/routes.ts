import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { WebhookCreateRequestSchema, WebhookUpdateRequestSchema } from '@parley/protocol';
import { agentOf, requireAgent, type AuthRouteOptions } from '../auth';
import { presentWebhookDelivery, presentWebhookEndpoint } from './presenter';
import type { WebhookService } from './service';

const IdParamsSchema = z.object({ id: z.string().min(1).max(64) });

/** Webhook endpoints and their delivery log over HTTP (admins' console sessions). */
export function registerWebhookRoutes(
  app: FastifyInstance,
  opts: { authRoutes: AuthRouteOptions; webhooks: WebhookService },
): void {
  const { webhooks } = opts;
  const manage = { preHandler: requireAgent(opts.authRoutes, { permission: 'settings:manage' }) };
  const id = (params: unknown) => IdParamsSchema.parse(params).id;

  app.get('/api/webhooks', manage, async (request) => {
    const list = await webhooks.list(agentOf(request));
    return { endpoints: list.map((e) => presentWebhookEndpoint(e.row, e.backlog)) };
  });

  app.post('/api/webhooks', manage, async (request, reply) => {
    const body = WebhookCreateRequestSchema.parse(request.body);
    const { row, secret } = await webhooks.create(agentOf(request), body, request.ip);
    void reply.status(201).header('cache-control', 'no-store');
    return { endpoint: presentWebhookEndpoint(row), secret };
  });

  app.patch('/api/webhooks/:id', manage, async (request) => {
    const body = WebhookUpdateRequestSchema.parse(request.body);
    const row = await webhooks.update(agentOf(request), id(request.params), body, request.ip);
    return { endpoint: presentWebhookEndpoint(row) };
  });

  app.delete('/api/webhooks/:id', manage, async (request, reply) => {
    await webhooks.remove(agentOf(request), id(request.params), request.ip);
    void reply.status(204);
  });

  app.get('/api/webhooks/:id/deliveries', manage, async (request) => {
    const rows = await webhooks.deliveries(agentOf(request), id(request.params));
    return { deliveries: rows.map(presentWebhookDelivery) };
  });

  app.post('/api/webhooks/:id/ping', manage, async (request, reply) => {
    await webhooks.ping(agentOf(request), id(request.params));
    void reply.status(202);
    return { queued: true };
  });

  app.post('/api/webhooks/deliveries/:id/replay', manage, async (request) => {
    const row = await webhooks.replay(agentOf(request), id(request.params), request.ip);
    return { delivery: presentWebhookDelivery(row) };
  });
}
