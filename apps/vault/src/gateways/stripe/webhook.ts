/**
 * POST /webhooks/stripe: Stripe's own signature scheme (`Stripe-Signature:
 * t=…,v1=…`, HMAC-SHA256 over `t.rawBody`, 300 s tolerance) checked by the SDK.
 * Used to finish a payment whose 3-D Secure step completed out of band.
 */
import type { FastifyInstance } from 'fastify';
import Stripe from 'stripe';
import type { VaultContext } from '../../context';
import { VaultError } from '../../http/errors';
import { continueAction } from '../../modules/pay';

const RELEVANT = new Set([
  'payment_intent.amount_capturable_updated',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
]);

export async function stripeWebhookRoutes(app: FastifyInstance, ctx: VaultContext): Promise<void> {
  const secret = ctx.config.stripe.webhookSecret;
  app.post('/webhooks/stripe', async (request, reply) => {
    if (!secret) throw new VaultError('not_found');
    const header = request.headers['stripe-signature'];
    if (typeof header !== 'string' || !request.rawBody) throw new VaultError('invalid_signature');
    let event: Stripe.Event;
    try {
      event = Stripe.webhooks.constructEvent(request.rawBody, header, secret, 300);
    } catch {
      request.log.warn('rejected Stripe webhook with a bad signature');
      throw new VaultError('invalid_signature');
    }
    if (RELEVANT.has(event.type)) {
      const intent = event.data.object as { id?: string };
      const payment = intent.id
        ? await ctx.store.payments.byGatewayReference(ctx.store.db, intent.id)
        : undefined;
      if (payment?.status === 'requires_action') await continueAction(ctx, payment.id, {});
      request.log.info(
        { stripeEvent: event.id, type: event.type, paymentId: payment?.id },
        'stripe webhook handled',
      );
    }
    return reply.send({ received: true });
  });
}
