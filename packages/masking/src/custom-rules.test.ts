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
    ['look-ahead (not RE2)', '(?=a)b'],
    ['backreference', '(a)\\1'],
    ['does not compile', '(unclosed'],
    ['matches empty', 'x*'],
    ['oversize', 'a'.repeat(600)],
    ['too large a program', '\\d{1,80}'.repeat(7) + '!'],
  ])('rejects %s', (_name, pattern) => {
    expect(validateCustomRule({ id: 'r', pattern }).ok).toBe(false);
  });

  it('accepts shapes a backtracking engine would stall on: RE2 runs them in linear time', () => {
    for (const pattern of ['(a+)+$', '(a|ab)+c', '(\\w|\\d)+$', 'a+b+c+d+e+'])
      expect(validateCustomRule({ id: 'r', pattern })).toEqual({ ok: true });
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
    expect(() => maskText('x', { customRules: [{ id: 'r', pattern: '(?=a)' }] })).toThrow();
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

  it('keeps the PCI floor: card number, CVV and expiry masking cannot be switched off', () => {
    const rules = { pan: false, cvv: false, expiry: false };
    expect(maskText('4242 4242 4242 4242 exp 12/29 cvv 123', { rules }).text).toBe(
      '•••• •••• •••• 4242 exp [expiry hidden] cvv [CVV hidden]',
    );
  });

  it('hides every card digit with panDisplay none', () => {
    expect(maskText('4242424242424242', { panDisplay: 'none' }).text).toBe('•••• •••• •••• ••••');
  });
});

/** Median of a few timed runs, so a busy shared machine does not decide the test. */
function medianMs(run: () => unknown, times = 5): number {
  const ms: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const t = performance.now();
    run();
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b)[Math.floor(times / 2)] ?? 0;
}

describe('custom rules cannot stall the masker (issue 9, finding 3)', () => {
  it("regression: the issue's rule (\\d{1,80} seven times, then !) is refused on save", () => {
    const check = validateCustomRule({ id: 'x', pattern: '\\d{1,80}'.repeat(7) + '!' });
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toMatch(/too complex/);
  });

  it('regression: a rule of the same shape that fits the program cap masks a 52-digit name at once', () => {
    const options = { customRules: [{ id: 'x', pattern: '\\d{1,20}'.repeat(3) + '!' }] };
    const name = '1'.repeat(52);
    maskText(name, options); // compile once
    expect(medianMs(() => maskText(name, options))).toBeLessThan(10);
    expect(maskText(`${name}!`, options).text).toBe('[secret hidden]');
  });

  it('a pathological rule over 16 KiB of digits is refused by the budget or finishes, never stalls', () => {
    const options = { customRules: [{ id: 'x', pattern: '\\d{1,20}'.repeat(3) + '!' }] };
    const text = `${'1'.repeat(16_000)}!`;
    const t = performance.now();
    try {
      maskText(text, options);
    } catch (e) {
      expect(e).toBeInstanceOf(RangeError);
    }
    expect(performance.now() - t).toBeLessThan(2_000);
  });

  it('a text without any match costs one DFA pass per rule (20 rules, 16 KiB: under 50 ms)', () => {
    const options = {
      customRules: Array.from({ length: 20 }, (_, i) => ({
        id: `r${i}`,
        pattern: `REF${i}-[0-9]{6}`,
      })),
    };
    const text = 'hello there, my order arrived broken '.repeat(440).slice(0, 16_000);
    maskText(text, options);
    expect(medianMs(() => maskText(text, options))).toBeLessThan(50);
  });
});
