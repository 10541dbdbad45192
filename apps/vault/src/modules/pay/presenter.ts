/** The pay page's one view of a payment (protocol PayPageView): presenters list their fields. */
import type { GatewayAction, PayPageView } from '@parley/protocol';
import type { VaultContext } from '../../context';
import { VaultError } from '../../http/errors';
import type { ChargeRow, PaymentRow } from '../../store/types';
import { expireIfDue } from '../payments';

export type PageView = PayPageView;

export function presentPageView(row: PaymentRow, charge: ChargeRow | undefined): PageView {
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
  };
}

export async function pageView(ctx: VaultContext, paymentId: string): Promise<PageView> {
  await expireIfDue(ctx, paymentId);
  const row = await ctx.store.payments.byId(ctx.store.db, paymentId);
  if (!row) throw new VaultError('payment_not_found');
  return presentPageView(row, await ctx.store.charges.forPayment(ctx.store.db, paymentId));
}
