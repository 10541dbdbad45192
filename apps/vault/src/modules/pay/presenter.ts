/** The pay page's one view of a payment (protocol PayPageView): presenters list their fields. */
import type { GatewayAction, PayPageView } from '@parley/protocol';
import type { VaultContext } from '../../context';
import { VaultError } from '../../http/errors';
import type { ChargeRow, PaymentRow } from '../../store/types';
import { expireIfDue } from '../payments';
import { isHosted } from '../../gateways/gateway';
import { canStartAttempt } from './attempts';

export type PageView = PayPageView;

export function presentPageView(
  row: PaymentRow,
  charge: ChargeRow | undefined,
  processor: PageView['processor'] = null,
): PageView {
  const action =
    row.status === 'requires_action' && charge?.action
      ? (JSON.parse(charge.action) as GatewayAction)
      : null;
  return {
    id: row.id,
    merchantName: row.merchant_name,
    amount: row.amount,
    currency: row.currency,
    description: row.description,
    status: row.status,
    brand: row.brand,
    last4: row.last4,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    action,
    expiresAt: row.expires_at,
    processor,
    attempts: charge?.attempt ?? 0,
    canRetry: row.status === 'failed' && canStartAttempt(row, charge),
  };
}

export async function pageView(ctx: VaultContext, paymentId: string): Promise<PageView> {
  await expireIfDue(ctx, paymentId);
  const row = await ctx.store.payments.byId(ctx.store.db, paymentId);
  if (!row) throw new VaultError('payment_not_found');
  const gateway = ctx.gateway;
  const processor = isHosted(gateway)
    ? {
        type: gateway.browser.type,
        publishableKey: gateway.browser.publishableKey,
        scriptUrl: gateway.browser.scriptUrl,
        ...(gateway.browser.threeDSecure !== undefined
          ? { threeDSecure: gateway.browser.threeDSecure }
          : {}),
      }
    : null;
  return presentPageView(
    row,
    await ctx.store.charges.forPayment(ctx.store.db, paymentId),
    processor,
  );
}
