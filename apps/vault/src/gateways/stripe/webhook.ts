/**
 * POST /webhooks/stripe: Stripe's own signature scheme (`Stripe-Signature:
 * t=…,v1=…`, HMAC-SHA256 over `t.rawBody`, 300 s tolerance) checked by the SDK.
 * Each event id is applied once (processor_events); the outcome itself is read
 * back from Stripe (retrieve), so the page's check, the return URL and every
 * delivery converge on the same record.
 */
import type { FastifyInstance } from 'fastify';
import Stripe from 'stripe';
import type { VaultContext } from '../../context';
import { VaultError } from '../../http/errors';
import { continueAction, recordAfterPayment, syncHostedReference } from '../../modules/pay';
import { isHosted } from '../gateway';
import { StripeHostedGateway } from './hosted-gateway';

const RELEVANT = new Set([
  'payment_intent.amount_capturable_updated',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'payment_intent.processing',
  'payment_intent.requires_action',
]);

/** After a payment: refunds made outside Parley and disputes (chargebacks), read back from Stripe. */
const DISPUTE = new Set([
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
]);

export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** A charge or dispute event: the current state read back from Stripe, then recorded once. */
async function applyAfterPayment(
  ctx: VaultContext,
  gateway: StripeHostedGateway,
  event: Stripe.Event,
): Promise<string | undefined> {
  const id = (event.data.object as { id?: unknown }).id;
  if (typeof id !== 'string') return undefined;
  if (event.type === 'charge.refunded') {
    const charge = await gateway.readCharge(id);
    if (!charge) return undefined;
    return recordAfterPayment(ctx, charge.intent, {
      kind: 'refunded',
      amountRefunded: charge.amountRefunded,
    });
  }
  const dispute = await gateway.readDispute(id);
  if (!dispute) return undefined;
  return recordAfterPayment(ctx, dispute.intent, {
    kind: 'dispute',
    state: dispute.state,
    reason: dispute.reason,
  });
}

export async function stripeWebhookRoutes(app: FastifyInstance, ctx: VaultContext): Promise<void> {
  const secret = ctx.config.stripe.webhookSecret;
  app.post('/webhooks/stripe', async (request, reply) => {
    if (!secret) throw new VaultError('not_found');
    const header = request.headers['stripe-signature'];
    if (typeof header !== 'string' || !request.rawBody) throw new VaultError('invalid_signature');
    let event: Stripe.Event;
    try {
      event = Stripe.webhooks.constructEvent(
        request.rawBody,
        header,
        secret,
        WEBHOOK_TOLERANCE_SECONDS,
      );
    } catch {
      request.log.warn('rejected Stripe webhook with a bad signature');
      throw new VaultError('invalid_signature');
    }
    const seen = await ctx.store.db
      .selectFrom('processor_events')
      .select('id')
      .where('id', '=', event.id)
      .executeTakeFirst();
    if (seen) return reply.send({ received: true, duplicate: true });
    let paymentId: string | undefined;
    const afterPayment = event.type === 'charge.refunded' || DISPUTE.has(event.type);
    if (afterPayment && ctx.gateway instanceof StripeHostedGateway)
      paymentId = await applyAfterPayment(ctx, ctx.gateway, event);
    else if (RELEVANT.has(event.type)) {
      const intent = event.data.object as { id?: string };
      if (intent.id && isHosted(ctx.gateway)) paymentId = await syncHostedReference(ctx, intent.id);
      else if (intent.id) {
        const payment = await ctx.store.payments.byGatewayReference(ctx.store.db, intent.id);
        paymentId = payment?.id;
        if (payment?.status === 'requires_action') await continueAction(ctx, payment.id, {});
      }
    }
    // Remembered only once applied: a failure above answers 5xx and Stripe redelivers.
    await ctx.store.charges.rememberEvent(ctx.store.db, event.id, 'stripe', event.type);
    request.log.info(
      { stripeEvent: event.id, type: event.type, paymentId },
      'stripe webhook handled',
    );
    return reply.send({ received: true });
  });
}
