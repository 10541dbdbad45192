import { describe, expect, it } from 'vitest';
import { maskText, validateCustomRule } from './index';

describe('validateCustomRule', () => {
  it('accepts a plain rule', () => {
    expect(validateCustomRule({ id: 'order', pattern: 'ORD-[0-9]{6}' })).toEqual({ ok: true });
    expect(
      validateCustomRule({ id: 'pin', pattern: '\\bpin:? ?\\d{4}\\b', flags: 'i', label: 'PIN' }),
    ).toEqual({ ok: true });
    expect(validateCustomRule({ id: 'alt', pattern: '(?:foo|bar)+' })).toEqual({ ok: true });
  });

  it.each([
    ['nested quantifiers', '(a+)+$'],
    ['nested star', '(?:\\w*)*x'],
    ['quantified group with inner repeat', '(\\d{2,}){3,}'],
    ['overlapping alternation', '(a|a)*b'],
    ['prefix alternation', '(a|ab)+c'],
    ['class alternation', '(\\w|\\d)+$'],
    ['backreference', '(a)\\1'],
    ['does not compile', '(unclosed'],
    ['matches empty', 'x*'],
    ['oversize', 'a'.repeat(600)],
    ['too many unbounded quantifiers', 'a+b+c+d+e+'],
  ])('rejects %s', (_name, pattern) => {
    expect(validateCustomRule({ id: 'r', pattern }).ok).toBe(false);
  });

  it('rejects bad ids, flags and labels', () => {
    expect(validateCustomRule({ id: 'Bad Id', pattern: 'x' }).ok).toBe(false);
    expect(validateCustomRule({ id: 'r', pattern: 'x', flags: 'g' }).ok).toBe(false);
    expect(validateCustomRule({ id: 'r', pattern: 'x', label: '[x]' }).ok).toBe(false);
  });
});

describe('custom rules in maskText', () => {
  const options = {
    customRules: [{ id: 'order', pattern: 'ORD-[0-9]{6}', label: 'order number' }],
  };

  it('masks matches with the rule placeholder', () => {
    expect(maskText('see ORD-123456', options)).toEqual({
      text: 'see [order number hidden]',
      findings: [{ type: 'custom:order', start: 4, end: 25 }],
    });
  });

  it('fails closed on an invalid rule and on oversize input', () => {
    expect(() => maskText('x', { customRules: [{ id: 'r', pattern: '(a+)+' }] })).toThrow();
    expect(() => maskText('a'.repeat(20_000), options)).toThrow();
    expect(() => maskText('a'.repeat(100), { maxTextLength: 10 })).toThrow();
  });
});

describe('rule switches', () => {
  it('turns e-mail and phone on, IBAN off', () => {
    const rules = { email: true, phone: true, iban: false };
    expect(maskText('jane@example.com or +1 415 555 2671', { rules }).text).toBe(
      '[email hidden] or [phone hidden]',
    );
    expect(maskText('GB82WEST12345698765432', { rules }).text).toBe('GB82WEST12345698765432');
  });

  it('hides every card digit with panDisplay none', () => {
    expect(maskText('4242424242424242', { panDisplay: 'none' }).text).toBe('•••• •••• •••• ••••');
  });
});
