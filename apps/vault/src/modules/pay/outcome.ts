/** Recording a gateway attempt's outcome on the charge and the payment, capturing when authorised. */
import type { VaultContext } from '../../context';
import type { GatewayOutcome } from '../../gateways/gateway';
import { FAILURE_MESSAGES } from '../../gateways/gateway';
import { changePayment } from '../payments';

/** Captures an authorisation; a failed capture becomes a decline (nothing was taken). */
async function captureIfAuthorized(
  ctx: VaultContext,
  paymentId: string,
  chargeId: string,
  outcome: GatewayOutcome,
): Promise<GatewayOutcome> {
  if (outcome.kind !== 'authorized') return outcome;
  try {
    const payment = await ctx.store.payments.byId(ctx.store.db, paymentId);
    if (!payment) throw new Error('payment vanished');
    const captured = await ctx.gateway.capture(
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
  const { payments, charges } = ctx.store;
  await ctx.store.db.transaction().execute(async (trx) => {
    const row = await payments.lock(trx, paymentId);
    const charge = await charges.byId(trx, chargeId);
    if (!row || !charge) return;
    const updated_at = new Date().toISOString();
    const common = { brand: charge.brand, last4: charge.last4, gateway_reference: final.reference };
    const reference = { gateway_reference: final.reference, updated_at };
    if (final.kind === 'authorized') {
      await charges.update(trx, chargeId, { ...reference, status: 'succeeded', action: null });
      await changePayment(trx, row, {
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
      await changePayment(trx, row, { ...common, status: 'requires_action' });
    } else {
      await charges.update(trx, chargeId, {
        ...reference,
        status: 'failed',
        action: null,
        failure_code: final.code,
        failure_message: final.message,
      });
      if (row.status !== 'canceled')
        await changePayment(trx, row, {
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
      failureCode: final.kind === 'declined' ? final.code : undefined,
    },
    'payment attempt recorded',
  );
}
