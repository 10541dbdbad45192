import { describe, expect, it } from 'vitest';
import type { PaymentSummary } from '@parley/protocol';
import { toMinorUnits } from './payments';
import { applyServerFrame, emptyState } from './state';

const card = (over: Partial<PaymentSummary> = {}): PaymentSummary => ({
  id: 'pay_1',
  conversationId: 'c1',
  status: 'created',
  amount: 1250,
  currency: 'EUR',
  description: 'Order 1042',
  amountRefunded: 0,
  brand: null,
  last4: null,
  gatewayReference: null,
  failureMessage: null,
  createdAt: 1,
  updatedAt: 1,
  attempts: [],
  dashboardUrl: null,
  ...over,
});

describe('console payments', () => {
  it('converts decimal input to minor units, refusing what is not an amount', () => {
    expect(toMinorUnits('12.50', 'EUR')).toBe(1250);
    expect(toMinorUnits('12,5', 'EUR')).toBe(1250);
    expect(toMinorUnits(' 7 ', 'USD')).toBe(700);
    expect(toMinorUnits('0.1', 'EUR')).toBe(10);
    expect(toMinorUnits('1000', 'JPY')).toBe(1000);
    for (const bad of ['', '0', '0.00', '1.234', '-5', 'abc', '1e3', '12.5', '999999999'])
      expect(toMinorUnits(bad, bad === '12.5' ? 'JPY' : 'EUR'), bad).toBeNull();
  });

  it('applies payment frames to the conversation they belong to', () => {
    const s = applyServerFrame(emptyState, {
      type: 'payment',
      conversationId: 'c1',
      payment: card(),
    });
    expect(s.payments.c1).toHaveLength(1);
    expect(
      applyServerFrame(s, {
        type: 'payment',
        conversationId: 'c1',
        payment: card({ status: 'succeeded', updatedAt: 2 }),
      }).payments.c1?.[0]?.status,
    ).toBe('succeeded');
  });
});
