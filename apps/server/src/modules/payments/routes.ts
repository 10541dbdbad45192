import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ParleyError, PaymentRequestBodySchema, RefundRequestBodySchema } from '@parley/protocol';
import { z } from 'zod';
import { requireAgent, type AuthRouteOptions } from '../auth';
import { agentActor, visitorActor } from '../chat';
import type { VisitorService } from '../visitors';
import { presentPayment } from './presenter';
import {
  ConversationParamsSchema,
  PaymentParamsSchema,
  VisitorPaymentParamsSchema,
} from './schema';
import type { PaymentService } from './service';

export interface PaymentRouteDeps {
  payments: PaymentService;
  visitors: VisitorService;
  authRoutes: AuthRouteOptions;
}

const CurrenciesBodySchema = z.object({
  currencies: z
    .array(z.string().regex(/^[A-Z]{3}$/))
    .min(1)
    .max(20),
});

/** REST routes of in-chat payments and the vault's signed event hook; handlers stay thin. */
export function registerPaymentRoutes(app: FastifyInstance, deps: PaymentRouteDeps): void {
  const { payments } = deps;
  const agentOnly = { preHandler: requireAgent(deps.authRoutes) };
  const visitorOf = async (request: FastifyRequest) => {
    const h = request.headers.authorization;
    const ctx = await deps.visitors.authenticate(
      h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined,
      { ip: request.ip },
    );
    if (!ctx) throw new ParleyError('invalid_token');
    return visitorActor(ctx);
  };

  // ---- agent ----
  app.get('/api/payments/settings', agentOnly, async (request) =>
    payments.settings(agentActor(request)),
  );

  // settings:manage is checked, and the change audited, by the service.
  app.put('/api/payments/settings', agentOnly, async (request) => {
    const actor = agentActor(request);
    const body = CurrenciesBodySchema.parse(request.body);
    await payments.setCurrencies(actor, body.currencies, request.ip);
    return payments.settings(actor);
  });

  app.get('/api/conversations/:id/payments', agentOnly, async (request) => {
    const { id } = ConversationParamsSchema.parse(request.params);
    return { payments: (await payments.list(agentActor(request), id)).map(presentPayment) };
  });

  app.post('/api/conversations/:id/payments', agentOnly, async (request, reply) => {
    const { id } = ConversationParamsSchema.parse(request.params);
    const body = PaymentRequestBodySchema.parse(request.body);
    // Audited, success and failure, by the service (PCI DSS 10.2).
    const row = await payments.request(agentActor(request), id, body, request.ip);
    return reply.status(201).send({ payment: presentPayment(row) });
  });

  app.post('/api/payments/:id/cancel', agentOnly, async (request) => {
    const { id } = PaymentParamsSchema.parse(request.params);
    return {
      payment: presentPayment(await payments.cancel(agentActor(request), id, request.ip)),
    };
  });

  app.post('/api/payments/:id/refunds', agentOnly, async (request) => {
    const { id } = PaymentParamsSchema.parse(request.params);
    const body = RefundRequestBodySchema.parse(request.body);
    return {
      payment: presentPayment(await payments.refund(agentActor(request), id, body, request.ip)),
    };
  });

  // ---- visitor ----
  app.get('/api/visitor/conversations/:id/payments', async (request) => {
    const { id } = ConversationParamsSchema.parse(request.params);
    return { payments: (await payments.list(await visitorOf(request), id)).map(presentPayment) };
  });

  app.post('/api/visitor/conversations/:id/payments/:paymentId/link', async (request) => {
    const { id, paymentId } = VisitorPaymentParamsSchema.parse(request.params);
    return payments.payLink(await visitorOf(request), id, paymentId);
  });

  // ---- vault → server ----
  // Signed over the exact bytes received, so this route alone keeps its body raw.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post('/internal/vault/events', async (request) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      return payments.handleEvent(raw, request.url, request.headers);
    });
  });
}
