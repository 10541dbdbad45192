import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ParleyError, PaymentRequestBodySchema, RefundRequestBodySchema } from '@parley/protocol';
import { z } from 'zod';
import { audit } from '../audit';
import { can, requireAgent, type AuthRouteOptions } from '../auth';
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

  // PCI DSS 10.2: payment requests, cancellations and refunds are audited, failures too.
  const audited = async <T extends { id: string }>(
    request: FastifyRequest,
    action: string,
    resourceId: string | null,
    detail: Record<string, string | number | null>,
    fn: () => Promise<T>,
  ): Promise<T> => {
    const actor = agentActor(request);
    const base = {
      orgId: actor.orgId,
      actor: { kind: 'agent' as const, id: actor.agentId },
      action,
      ip: request.ip,
    };
    try {
      const row = await fn();
      await audit.record(deps.authRoutes.store, {
        ...base,
        outcome: 'success',
        resource: { type: 'payment', id: row.id },
        detail,
      });
      return row;
    } catch (err) {
      const code = err instanceof ParleyError ? err.code : 'internal_error';
      await audit.record(deps.authRoutes.store, {
        ...base,
        outcome: 'failure',
        resource: { type: 'payment', id: resourceId },
        detail: { ...detail, error: code },
      });
      throw err;
    }
  };

  // ---- agent ----
  app.get('/api/payments/settings', agentOnly, async (request) =>
    payments.settings(agentActor(request)),
  );

  app.put('/api/payments/settings', agentOnly, async (request) => {
    const actor = agentActor(request);
    const body = CurrenciesBodySchema.parse(request.body);
    if (!can(actor, 'settings:manage', { orgId: actor.orgId })) throw new ParleyError('forbidden');
    const currencies = [...new Set(body.currencies)];
    await payments.setCurrencies(actor, currencies);
    // Settings changes are audited (PCI DSS 10.2).
    await audit.record(deps.authRoutes.store, {
      orgId: actor.orgId,
      actor: { kind: 'agent', id: actor.agentId },
      action: 'settings.payment_currencies',
      outcome: 'success',
      ip: request.ip,
      resource: { type: 'organisation', id: actor.orgId },
      detail: { currencies: currencies.join(',') },
    });
    return payments.settings(actor);
  });

  app.get('/api/conversations/:id/payments', agentOnly, async (request) => {
    const { id } = ConversationParamsSchema.parse(request.params);
    return { payments: (await payments.list(agentActor(request), id)).map(presentPayment) };
  });

  app.post('/api/conversations/:id/payments', agentOnly, async (request, reply) => {
    const { id } = ConversationParamsSchema.parse(request.params);
    const body = PaymentRequestBodySchema.parse(request.body);
    const row = await audited(
      request,
      'payment.request',
      null,
      { conversationId: id, amount: body.amount, currency: body.currency },
      () => payments.request(agentActor(request), id, body),
    );
    return reply.status(201).send({ payment: presentPayment(row) });
  });

  app.post('/api/payments/:id/cancel', agentOnly, async (request) => {
    const { id } = PaymentParamsSchema.parse(request.params);
    return {
      payment: presentPayment(
        await audited(request, 'payment.cancel', id, {}, () =>
          payments.cancel(agentActor(request), id),
        ),
      ),
    };
  });

  app.post('/api/payments/:id/refunds', agentOnly, async (request) => {
    const { id } = PaymentParamsSchema.parse(request.params);
    const body = RefundRequestBodySchema.parse(request.body);
    return {
      payment: presentPayment(
        await audited(request, 'payment.refund', id, { amount: body.amount ?? null }, () =>
          payments.refund(agentActor(request), id, body),
        ),
      ),
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
