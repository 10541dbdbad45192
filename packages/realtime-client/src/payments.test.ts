import { describe, expect, it } from 'vitest';
import type { PaymentSummary } from '@parley/protocol';
import { formatAmount, mergePayments, minorDigits } from './payments';

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

describe('payment cards in the browser clients', () => {
  it('keeps the newest view of each card, whatever order frames and reloads arrive in', () => {
    const paid = card({ status: 'succeeded', updatedAt: 5 });
    expect(mergePayments([paid], [card({ status: 'opened', updatedAt: 3 })])).toEqual([paid]);
    expect(
      mergePayments([card()], [paid, card({ id: 'pay_0', createdAt: 0 })]).map((p) => p.id),
    ).toEqual(['pay_0', 'pay_1']);
  });

  it('formats minor units by the currency’s decimals', () => {
    expect(minorDigits('EUR')).toBe(2);
    expect(minorDigits('JPY')).toBe(0);
    expect(formatAmount(1250, 'EUR')).toMatch(/12\.50/);
    expect(formatAmount(1000, 'JPY')).toMatch(/1,?000/);
    expect(formatAmount(1250, 'ZZZZ')).toBe('12.50 ZZZZ');
  });
});
