/** Recording a gateway attempt's outcome on the charge and the payment, capturing when authorised. */
import type { VaultContext } from '../../context';
import type { GatewayOutcome } from '../../gateways/gateway';
import { FAILURE_MESSAGES, isHosted } from '../../gateways/gateway';
import { changePayment } from '../payments';
import { applyAfterPaymentLocked } from './after-payment';

/** Captures an authorisation; a failed capture becomes a decline (nothing was taken). */
async function captureIfAuthorized(
  ctx: VaultContext,
  paymentId: string,
  chargeId: string,
  outcome: GatewayOutcome,
): Promise<GatewayOutcome> {
  if (outcome.kind !== 'authorized') return outcome;
  const gateway = ctx.gateway;
  // A hosted intent waiting for capture is not ours to capture here (automatic capture).
  if (isHosted(gateway)) return { kind: 'pending', reference: outcome.reference };
  try {
    const payment = await ctx.store.payments.byId(ctx.store.db, paymentId);
    if (!payment) throw new Error('payment vanished');
    const captured = await gateway.capture(
      outcome.reference,
      payment.amount,
      `capture:${chargeId}`,
    );
    return captured.kind === 'declined' ? captured : outcome;
  } catch (error) {
    ctx.log.warn(
      { paymentId, err: error instanceof Error ? error.name : 'error' },
      'gateway capture failed',
    );
    return {
      kind: 'declined',
      reference: outcome.reference,
      code: 'gateway_error',
      message: FAILURE_MESSAGES.gateway_error,
    };
  }
}

/** Records an authorisation outcome; captures when authorised. */
export async function applyOutcome(
  ctx: VaultContext,
  paymentId: string,
  chargeId: string,
  outcome: GatewayOutcome,
): Promise<void> {
  const final = await captureIfAuthorized(ctx, paymentId, chargeId, outcome);
  if (final.kind === 'pending') return;
  const { payments, charges } = ctx.store;
  let reversed = false;
  await ctx.store.db.transaction().execute(async (trx) => {
    const row = await payments.lock(trx, paymentId);
    const charge = await charges.byId(trx, chargeId);
    if (!row || !charge) return;
    // Idempotent: the page's check, the return URL and every webhook delivery may all report
    // the same outcome. Only money taken after a recorded decline still changes the record.
    if (charge.status === 'succeeded') {
      // The one change after success a sync can read back: the issuer refused to settle.
      if (final.kind === 'declined' && final.code === 'settlement_declined')
        reversed = await applyAfterPaymentLocked(ctx, trx, paymentId, chargeId, {
          kind: 'settlement_declined',
        });
      return;
    }
    if (final.kind !== 'authorized' && final.kind !== 'captured' && charge.status === 'failed')
      return;
    const updated_at = new Date().toISOString();
    const card = 'card' in final && final.card ? final.card : undefined;
    const brand = card?.brand ?? charge.brand;
    const last4 = card?.last4 ?? charge.last4;
    const common = { brand, last4, gateway_reference: final.reference };
    const livemode =
      'livemode' in final && final.livemode !== undefined ? (final.livemode ? 1 : 0) : null;
    const reference = { gateway_reference: final.reference, updated_at, brand, last4, livemode };
    if (final.kind === 'authorized' || final.kind === 'captured') {
      await charges.update(trx, chargeId, { ...reference, status: 'succeeded', action: null });
      if (row.status === 'succeeded') {
        // Cannot happen while one attempt is live at a time; if it does, money was taken twice.
        ctx.log.error({ paymentId, chargeId }, 'second successful attempt on a paid request');
        return;
      }
      await changePayment(ctx, trx, row, {
        ...common,
        status: 'succeeded',
        failure_code: null,
        failure_message: null,
      });
    } else if (final.kind === 'requires_action') {
      await charges.update(trx, chargeId, {
        ...reference,
        status: 'requires_action',
        action: JSON.stringify(final.action),
      });
      await changePayment(ctx, trx, row, { ...common, status: 'requires_action' });
    } else {
      await charges.update(trx, chargeId, {
        ...reference,
        status: 'failed',
        action: null,
        failure_code: final.code,
        failure_message: final.message,
      });
      if (row.status !== 'canceled' && row.status !== 'succeeded' && row.status !== 'expired')
        await changePayment(ctx, trx, row, {
          ...common,
          status: 'failed',
          failure_code: final.code,
          failure_message: final.message,
        });
    }
  });
  ctx.outbox.kick();
  ctx.log.info(
    {
      paymentId,
      outcome: final.kind,
      reversed,
      failureCode: final.kind === 'declined' ? final.code : undefined,
    },
    'payment attempt recorded',
  );
}
