import { describe, expect, it } from 'vitest';
import { amountProblem, formatMoney, isIsoCurrency, minorUnits, parseMoney } from './money';
import { PaymentRequestBodySchema, RefundRequestBodySchema } from './payments';

describe('money (ISO 4217)', () => {
  it('knows real currencies and their minor units, and refuses made-up codes', () => {
    expect(minorUnits('JPY')).toBe(0);
    expect(minorUnits('EUR')).toBe(2);
    expect(minorUnits('KWD')).toBe(3);
    expect(isIsoCurrency('XYZ')).toBe(false);
    expect(isIsoCurrency('XXX')).toBe(false);
    expect(() => minorUnits('XYZ')).toThrow();
  });

  it('states limits in the currency’s own format', () => {
    expect(amountProblem(100_000_000, 'EUR')).toBe('The amount must be at most €999,999.99.');
    expect(amountProblem(100_000_000, 'JPY')).toBe('The amount must be at most ¥99,999,999.');
    expect(amountProblem(0, 'KWD')).toMatch(/at least KWD\s?0\.001/);
    expect(amountProblem(1250, 'EUR')).toBeNull();
  });

  it('formats in the reader’s locale with the currency’s digits', () => {
    expect(formatMoney(1250, 'EUR', 'en')).toBe('€12.50');
    expect(formatMoney(1250, 'EUR', 'de')).toBe('12,50\u00a0€');
    expect(formatMoney(1200, 'JPY', 'en')).toBe('¥1,200');
    expect(formatMoney(1250, 'KWD', 'en')).toMatch(/KWD\s?1\.250/);
  });

  it('parses what a person types, with no more decimals than the currency has', () => {
    expect(parseMoney('12.50', 'EUR')).toBe(1250);
    expect(parseMoney('12,5', 'EUR')).toBe(1250);
    expect(parseMoney('1200', 'JPY')).toBe(1200);
    expect(parseMoney('12.5', 'JPY')).toBe('JPY has no decimals.');
    expect(parseMoney('1.250', 'KWD')).toBe(1250);
    expect(parseMoney('1000000', 'EUR')).toBe('The amount must be at most €999,999.99.');
  });

  it('the request schema refuses XYZ and amounts past the limit with the limit in words', () => {
    const base = { description: 'Order', idempotencyKey: 'key-12345678' };
    expect(
      PaymentRequestBodySchema.safeParse({ ...base, amount: 100, currency: 'XYZ' }).success,
    ).toBe(false);
    const tooMuch = PaymentRequestBodySchema.safeParse({
      ...base,
      amount: 100_000_000,
      currency: 'EUR',
    });
    expect(tooMuch.success).toBe(false);
    expect(tooMuch.error?.issues[0]?.message).toBe('The amount must be at most €999,999.99.');
  });

  it('a refund says full or an amount; neither is refused', () => {
    const key = 'refund-12345678';
    expect(RefundRequestBodySchema.safeParse({ idempotencyKey: key }).success).toBe(false);
    expect(RefundRequestBodySchema.safeParse({ full: true, idempotencyKey: key }).success).toBe(
      true,
    );
    expect(RefundRequestBodySchema.safeParse({ amount: 250, idempotencyKey: key }).success).toBe(
      true,
    );
    expect(
      RefundRequestBodySchema.safeParse({ full: true, amount: 250, idempotencyKey: key }).success,
    ).toBe(false);
  });
});
