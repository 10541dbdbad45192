// Number words beyond single digits (issue 9, must 2): tens, teens and compounds in the seven
// languages, alone or mixed with digits, joined by spaces, "_", "-" or nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskText } from './index';
import { tokenize } from './tokens';
import { LANGS, spell, UNITS } from '../test/spell';
import type { Lang } from '../test/spell';

const read = (text: string): string =>
  tokenize(text)
    .tokens.map((t) => t.digits)
    .join('|');

describe('tens, teens and compounds', () => {
  it('reads every number 10-99 in every language, with every joiner', () => {
    for (const lang of LANGS)
      for (const j of [' ', '-', '_', ''])
        for (let n = 10; n < 100; n += 1)
          expect(read(spell(lang, n, j)), `${lang} ${spell(lang, n, j)}`).toBe(String(n));
  });

  it.each([
    ['forty two', '42'],
    ['quarante-deux', '42'],
    ['zweiundvierzig', '42'],
    ['eighteen', '18'],
    ['dix-huit', '18'],
    ['FORTY_TWO', '42'],
    ['Vingt-Et-Un', '21'],
    ['tweeënveertig', '42'],
    ['treinta y dos', '32'],
    ['vinte e dois', '22'],
    ['trentotto', '38'],
    ['forty two 42 eighteen 7', '42|42|18|7'],
    ['twenty twenty', '20|20'],
  ])('reads %s as %s', (text, digits) => {
    expect(read(text)).toBe(digits);
  });

  it('keeps words that only look like numbers in another language as words when alone', () => {
    for (const text of ['once more', 'an elf', 'undue delay', 'I doze off', 'quince jam'])
      expect(maskText(text).text).toBe(text);
    expect(read('tree dose tent vent')).toBe('');
  });

  it('regression: an everyday word among a card\u2019s digits still counts ("undue", "eighteen")', () => {
    // 4000 0012 3456 7899 is Luhn-valid: "un due" / "undue" is 1 2 in French and Italian.
    for (const text of [
      '4000 00 undue 3456 7899',
      '4000 00 un due 3456 7899',
      'four zero zero zero zero zero one two three four five six seven eight nine nine',
      '4000 0012 3456 7899',
    ]) {
      const out = maskText(`pay ${text} thanks`);
      expect(
        out.findings.map((f) => f.type),
        text,
      ).toContain('pan');
    }
    // 5555 5555 5555 18… : "eighteen" was excluded as a real word before.
    expect(maskText('5555 5555 5555 eighteen 12').findings.map((f) => f.type)).toContain('pan');
  });
});

function luhnComplete(body: string): string {
  for (let check = 0; check <= 9; check += 1) {
    const c = body + String(check);
    let sum = 0;
    for (let i = c.length - 1, dbl = false; i >= 0; i -= 1, dbl = !dbl) {
      let d = Number(c[i]);
      if (dbl) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return c;
  }
  throw new Error('unreachable');
}
const panArb = fc
  .tuple(
    fc.integer({ min: 2, max: 6 }),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 14, maxLength: 14 }),
  )
  .map(([f, rest]) => luhnComplete(String(f) + rest.join('')));

/** Digits a reader could still take from the text: digits and number words alike. */
const readable = (text: string): number =>
  tokenize(text).tokens.reduce((n, t) => n + t.digits.length, 0);

describe('a card spelled in tens and teens (property)', () => {
  it('is hidden in any of seven languages, mixed with digits and digit words, joined any way', () => {
    fc.assert(
      fc.property(
        panArb,
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: LANGS.length * 2 })), {
          minLength: 16,
          maxLength: 16,
        }),
        fc.constantFrom(' ', '-', '_', ''),
        fc.constantFrom(' ', ', ', '\u200b', ' - '),
        fc.boolean(),
        (pan, picks, join, between, upper) => {
          const parts: string[] = [];
          for (let i = 0; i < pan.length;) {
            const [pair, pick] = picks[i] ?? [false, 0];
            const lang = LANGS[pick % LANGS.length] as Lang;
            const two = pan.slice(i, i + 2);
            // A pair 10-99 not ending in 0 (a reader takes "forty two" for 42, so "forty" then "2" is 42).
            if (pair && two.length === 2 && two[0] !== '0' && two[1] !== '0') {
              parts.push(spell(lang, Number(two), join));
              i += 2;
            } else {
              const d = Number(pan[i]);
              parts.push(pick >= LANGS.length ? String(d) : (UNITS[lang][d] ?? ''));
              i += 1;
            }
          }
          // "quatre" right before "vingt…" reads as quatre-vingt (80), to a reader too: write that 4 as a digit.
          for (let k = 1; k < parts.length; k += 1)
            if (parts[k - 1] === 'quatre' && /^vingt/.test(parts[k] ?? '')) parts[k - 1] = '4';
          const body = parts.join(between);
          const text = `pay with ${upper ? body.toUpperCase() : body} please`;
          const out = maskText(text);
          expect(out.findings.map((f) => f.type)).toContain('pan');
          expect(readable(out.text)).toBeLessThanOrEqual(4);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
