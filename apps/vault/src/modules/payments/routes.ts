/** Server→vault API: every route signed with VAULT_SIGNING_SECRET_IN. */
import type { FastifyInstance } from 'fastify';
import type { VaultContext } from '../../context';
import { requireServerSignature } from '../../http/app';
import {
  CreatePaymentRequestSchema,
  PaymentIdParamsSchema,
  RefundSchema,
  VoidPaymentRequestSchema,
} from './schema';
import { createPaymentRequest, voidPaymentRequest } from './create';
import { cancelPayment, getPayment, reissueLink } from './service';
import { presentPayment } from './presenter';
import { refundPayment } from './refunds';

export async function paymentRoutes(app: FastifyInstance, ctx: VaultContext): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('preHandler', requireServerSignature(ctx));

    scope.post('/v1/payment-requests', async (request, reply) => {
      const input = CreatePaymentRequestSchema.parse(request.body);
      const { result, replayed } = await createPaymentRequest(ctx, input);
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(result);
    });

    scope.post('/v1/payment-requests/voids', async (request) =>
      voidPaymentRequest(ctx, VoidPaymentRequestSchema.parse(request.body)),
    );

    scope.get('/v1/payment-requests/:id', async (request) => {
      const { id } = PaymentIdParamsSchema.parse(request.params);
      return presentPayment(await getPayment(ctx, id));
    });

    scope.post('/v1/payment-requests/:id/cancel', async (request) => {
      const { id } = PaymentIdParamsSchema.parse(request.params);
      return cancelPayment(ctx, id);
    });

    scope.post('/v1/payment-requests/:id/link', async (request) => {
      const { id } = PaymentIdParamsSchema.parse(request.params);
      return reissueLink(ctx, id);
    });

    scope.post('/v1/payment-requests/:id/refunds', async (request, reply) => {
      const { id } = PaymentIdParamsSchema.parse(request.params);
      const input = RefundSchema.parse(request.body ?? {});
      return reply.code(201).send(await refundPayment(ctx, id, input));
    });
  });
}
