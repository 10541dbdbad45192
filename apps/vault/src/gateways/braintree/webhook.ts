/**
 * POST /webhooks/braintree: Braintree's own scheme — a form post of `bt_signature`
 * (`public_key|HMAC-SHA1(SHA1(private_key), bt_payload)`) and `bt_payload` (base64
 * XML), checked by the official SDK in constant time. Braintree signs no timestamp
 * and redelivers for up to a day, so instead of a short replay window each payload
 * is applied once (processor_events, keyed by its hash), notifications older than
 * three days are refused, and the outcome itself is always read back from Braintree:
 * a replayed or reordered notification can only make the vault ask again.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { VaultContext } from '../../context';
import { VaultError } from '../../http/errors';
import { recordAfterPayment, syncHostedReference } from '../../modules/pay';
import { BraintreeHostedGateway, ORDER_PREFIX } from './braintree-gateway';

/** Notification kinds that change what the vault knows about a sale. */
const RELEVANT = new Set([
  'transaction_settled',
  'transaction_settlement_declined',
  'transaction_disbursed',
]);

/** Braintree's dispute kinds (chargebacks); each is answered by reading the dispute back. */
const DISPUTE = new Set([
  'dispute_opened',
  'dispute_under_review',
  'dispute_disputed',
  'dispute_won',
  'dispute_lost',
  'dispute_accepted',
  'dispute_auto_accepted',
  'dispute_expired',
]);

type Notification = Awaited<ReturnType<BraintreeHostedGateway['parseWebhook']>>;

/** Reads what the notification is about back from Braintree and records it; the payment's id. */
async function applyNotification(
  ctx: VaultContext,
  gateway: BraintreeHostedGateway,
  notification: Notification,
): Promise<string | undefined> {
  if (DISPUTE.has(notification.kind) && notification.disputeId) {
    const dispute = await gateway.findDispute(notification.disputeId);
    if (!dispute) return undefined;
    return recordAfterPayment(ctx, dispute.transactionId, {
      kind: 'dispute',
      state: dispute.state,
      reason: dispute.reason,
    });
  }
  if (!RELEVANT.has(notification.kind) || !notification.transactionId) return undefined;
  // A settlement declined after success is read back too (applyOutcome turns the payment back).
  const paymentId = await syncHostedReference(ctx, notification.transactionId);
  // The sale's answer was lost: the attempt is still known by its order id.
  if (!paymentId && notification.orderId)
    return syncHostedReference(ctx, `${ORDER_PREFIX}${notification.orderId}`);
  return paymentId;
}

export const MAX_NOTIFICATION_AGE_MS = 3 * 24 * 3600_000;

const BodySchema = z.object({
  bt_signature: z.string().min(1).max(4096),
  bt_payload: z.string().min(1).max(60_000),
});

export async function braintreeWebhookRoutes(
  app: FastifyInstance,
  ctx: VaultContext,
): Promise<void> {
  await app.register(async (scope) => {
    // Braintree posts a form; this parser exists only under this route.
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body: string, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body)));
      },
    );
    scope.post('/webhooks/braintree', async (request, reply) => {
      const gateway = ctx.gateway;
      if (!(gateway instanceof BraintreeHostedGateway)) throw new VaultError('not_found');
      const parsed = BodySchema.safeParse(request.body);
      if (!parsed.success) throw new VaultError('invalid_signature');
      let notification: Notification;
      try {
        notification = await gateway.parseWebhook(parsed.data.bt_signature, parsed.data.bt_payload);
      } catch {
        request.log.warn('rejected Braintree webhook with a bad signature');
        throw new VaultError('invalid_signature');
      }
      const age = Date.now() - notification.timestamp.getTime();
      if (!Number.isFinite(age) || age > MAX_NOTIFICATION_AGE_MS) {
        request.log.warn({ kind: notification.kind }, 'rejected a stale Braintree webhook');
        throw new VaultError('invalid_signature', 'The notification is too old.');
      }
      const eventId = `bt_${createHash('sha256').update(parsed.data.bt_payload.trim()).digest('hex').slice(0, 40)}`;
      const seen = await ctx.store.db
        .selectFrom('processor_events')
        .select('id')
        .where('id', '=', eventId)
        .executeTakeFirst();
      if (seen) return reply.send({ received: true, duplicate: true });
      const paymentId = await applyNotification(ctx, gateway, notification);
      // Remembered only once applied: a failure above answers 5xx and Braintree redelivers.
      await ctx.store.charges.rememberEvent(ctx.store.db, eventId, 'braintree', notification.kind);
      request.log.info(
        { braintreeEvent: eventId, kind: notification.kind, paymentId },
        'braintree webhook handled',
      );
      return reply.send({ received: true });
    });
  });
}
