// Look-alike letters (issue 9, must 2: "whatever a reader would take for a digit"): O for 0 and
// l or I for 1, Latin, Greek or Cyrillic, glued to digits or as a whole group between digit groups.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskText } from './index';
import { lookalikeOf } from './chars';
import { tokenize } from './tokens';

const ZEROS = ['O', 'o', '\u039f', '\u03bf', '\u041e', '\u043e'];
const ONES = ['l', 'I', '\u0399', '\u0406', '\u04cf'];

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
// Many zeros and ones (what the disguise replaces), first digit 2-6 (a brand; no timestamp).
const panArb = fc
  .tuple(
    fc.integer({ min: 2, max: 6 }),
    fc.array(fc.constantFrom(0, 0, 1, 1, 2, 4, 5, 7, 9), { minLength: 14, maxLength: 14 }),
  )
  .map(([f, rest]) => luhnComplete(String(f) + rest.join('')));

/** Digits and look-alikes still readable in the text (as a reader would count them). */
function seen(text: string): number {
  let n = 0;
  for (const t of tokenize(text).tokens) n += t.digits.length;
  return n;
}

describe('look-alike digits', () => {
  it('a card with its zeros and ones written as look-alike letters is hidden (property)', () => {
    fc.assert(
      fc.property(
        panArb,
        fc.array(fc.nat({ max: 11 }), { minLength: 16, maxLength: 16 }),
        fc.constantFrom(' ', '-', '', '.'),
        (pan, picks, sep) => {
          const chars = [...pan].map((c, i) => {
            const p = picks[i] ?? 0;
            if (c === '0' && p < ZEROS.length) return ZEROS[p] ?? c;
            if (c === '1' && p < ONES.length) return ONES[p] ?? c;
            return c;
          });
          const groups: string[] = [];
          for (let k = 0; k < 16; k += 4) groups.push(chars.slice(k, k + 4).join(''));
          const text = `card ${groups.join(sep)} thanks`;
          const out = maskText(text);
          expect(
            out.findings.map((f) => f.type),
            text,
          ).toContain('pan');
          expect(seen(out.text)).toBeLessThanOrEqual(4);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it.each([
    ['a last group ending in O', '4242 4242 4242 424O'],
    ['Cyrillic O for zeros', '4\u041e\u041e\u041e 0000 0000 0002'],
    ['whole groups of O', '4OOO OOOO OOOO OOO2'],
    ['l and I for ones, a last group of look-alikes', '4lll IIII llll llll'],
    ['O glued inside a group', '2O2O OO97 O0OO OOO6'],
    // The rare failure of the property above (seeds 11, 44 and 55 at 40,000 runs, e.g. seed 11 path
    // 29559:0:…): a glued stretch of more than eight look-alikes was not read, nor counted by the
    // prefilter past four, so a card whose zeros ran together showed whole.
    ['a stretch of fourteen O glued between digits', 'card 2OOOOOOOOOOOOOO6 thanks'],
    ['a stretch of nine l glued to digits', '4lllllllll424241'],
  ])('regression: %s', (_name, text) => {
    expect(maskText(text).findings.map((f) => f.type)).toContain('pan');
  });

  it('keeps words, model names, litres and references readable', () => {
    for (const text of [
      'GPT-4o is fine',
      'buy 2l of milk',
      'IO42 and Ol',
      'lol 12 lol',
      'ORD0042 shipped',
      'room 101 lol',
      'I have 10 of them, Ollie',
    ])
      expect(maskText(text).text).toBe(text);
    expect(lookalikeOf('x'.charCodeAt(0))).toBe('');
  });
});
