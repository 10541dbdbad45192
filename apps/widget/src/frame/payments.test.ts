import { describe, expect, it } from 'vitest';
import type { PaymentSummary } from '@parley/protocol';
import { applyFrame, initialChatState } from './chat-state';
import { parseVisitorFrame } from './frames';

const payment: PaymentSummary = {
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
};

describe('payment cards in the chat frame', () => {
  it('parses payment frames and drops malformed ones', () => {
    expect(
      parseVisitorFrame(JSON.stringify({ type: 'payment', conversationId: 'c1', payment })),
    ).toEqual({ type: 'payment', conversationId: 'c1', payment });
    expect(
      parseVisitorFrame(
        JSON.stringify({
          type: 'payment',
          conversationId: 'c1',
          payment: { ...payment, status: 'stolen' },
        }),
      ),
    ).toBeNull();
    expect(
      parseVisitorFrame(
        JSON.stringify({
          type: 'payment',
          conversationId: 'c1',
          payment: { ...payment, amount: '12.50' },
        }),
      ),
    ).toBeNull();
  });

  it('shows the newest status of each card, and only for its own conversation', () => {
    let s = initialChatState('c1', []);
    s = applyFrame(s, {
      type: 'payment',
      conversationId: 'c1',
      payment: { ...payment, status: 'created' },
    });
    s = applyFrame(s, {
      type: 'payment',
      conversationId: 'c1',
      payment: { ...payment, status: 'succeeded', brand: 'visa', last4: '4242', updatedAt: 3 },
    });
    s = applyFrame(s, {
      type: 'payment',
      conversationId: 'c1',
      payment: { ...payment, status: 'opened', updatedAt: 2 },
    });
    expect(s.payments.map((p) => p.status)).toEqual(['succeeded']);
    expect(
      applyFrame(s, {
        type: 'payment',
        conversationId: 'c2',
        payment: { ...payment, id: 'pay_2', conversationId: 'c2' },
      }),
    ).toBe(s);
  });
});
