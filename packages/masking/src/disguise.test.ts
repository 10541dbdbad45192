// Issue 9, findings 1, 5 and 6: each disguise class as a property (random cards in random
// disguises of the class), and each leak found as a named regression.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskText } from './index';
import { digitsOf } from './chars';

/** Every digit a reader can still see, in any notation, as ASCII (number words not included). */
function seenDigits(text: string): string {
  let out = '';
  for (const ch of text) out += digitsOf(ch.codePointAt(0) ?? 0);
  return out;
}

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
// 16 digits, first 2-6 (brands), so no timestamp or ISBN exclusion applies.
const panArb = fc
  .tuple(
    fc.integer({ min: 2, max: 6 }),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 14, maxLength: 14 }),
  )
  .map(([f, rest]) => luhnComplete(String(f) + rest.join('')));
const groups = (d: string): string[] => d.match(/.{1,4}/g) ?? [d];

/** The card never survives: at most four digits remain visible, in any notation. */
function expectHidden(text: string): void {
  const out = maskText(text);
  expect(seenDigits(out.text).length).toBeLessThanOrEqual(4);
  expect(out.findings.some((f) => f.type === 'pan')).toBe(true);
}

const NOTATIONS: ReadonlyArray<(d: number) => string> = [
  (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[d] ?? '',
  (d) => String.fromCodePoint(0x2080 + d),
  (d) => (d === 0 ? '⓪' : String.fromCodePoint(0x2460 + d - 1)),
  (d) => (d === 0 ? '⓿' : String.fromCodePoint(0x2776 + d - 1)),
  (d) => (d === 0 ? '🄋' : String.fromCodePoint(0x2780 + d - 1)),
  (d) => (d === 0 ? '🄀' : String.fromCodePoint(0x2488 + d - 1)),
  (d) => '〇一二三四五六七八九'[d] ?? '',
  (d) => '零壹贰叁肆伍陆柒捌玖'[d] ?? '',
  (d) => String.fromCodePoint(0xff10 + d),
  (d) => String.fromCodePoint(0x1d7ce + d),
];
const WORDS: Readonly<Record<string, readonly string[]>> = {
  en: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
  fr: ['zéro', 'un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf'],
  es: ['cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve'],
  de: ['null', 'eins', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun'],
  it: ['zero', 'uno', 'due', 'tre', 'quattro', 'cinque', 'sei', 'sette', 'otto', 'nove'],
  pt: ['zero', 'um', 'dois', 'três', 'quatro', 'cinco', 'seis', 'sete', 'oito', 'nove'],
  nl: ['nul', 'een', 'twee', 'drie', 'vier', 'vijf', 'zes', 'zeven', 'acht', 'negen'],
};
const BLANKS = [
  '\u3164',
  '\u115f',
  '\u1160',
  '\uffa0',
  '\u2800',
  '\u2061',
  '\u2063',
  '\u200b',
  '\u{e0020}',
  '\u180e',
];

describe('disguise classes (properties)', () => {
  it('a card in any digit notation, mixed per digit, is hidden', () => {
    fc.assert(
      fc.property(
        panArb,
        fc.array(fc.integer({ min: 0, max: NOTATIONS.length - 1 }), {
          minLength: 16,
          maxLength: 16,
        }),
        fc.constantFrom('', ' '),
        (pan, kinds, sep) => {
          const text = groups(pan)
            .map((g, gi) =>
              [...g].map((c, k) => NOTATIONS[kinds[gi * 4 + k] ?? 0]?.(Number(c)) ?? c).join(''),
            )
            .join(sep);
          expectHidden(`card ${text} ok`);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a card in number words of any of seven languages, mixed with digits, joined any way, is hidden', () => {
    const langs = Object.keys(WORDS);
    fc.assert(
      fc.property(
        panArb,
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 16, maxLength: 16 }),
        fc.constantFrom(' ', '_', '-', ''),
        fc.boolean(),
        (pan, picks, join, upper) => {
          const parts = [...pan].map((c, i) => {
            const pick = picks[i] ?? 0;
            if (pick >= langs.length * 2) return c; // a digit among the words
            const word = WORDS[langs[pick % langs.length] ?? 'en']?.[Number(c)] ?? c;
            return upper ? word.toUpperCase() : word;
          });
          // Digits touching letters directly would be a word like "4four": join digits with a space.
          const text = parts.reduce(
            (acc, p, i) => (i === 0 ? p : acc + (/\d/.test(p) || /\d$/.test(acc) ? ' ' : join) + p),
            '',
          );
          // "eight" + Dutch "een" joined by nothing is "eighteen", 18 to any reader (see number-words.test.ts).
          fc.pre(!/eighteen/i.test(text));
          const out = maskText(`pay with ${text} please`);
          expect(out.findings.some((f) => f.type === 'pan')).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('blank-rendering characters between or around the groups never shield a card', () => {
    fc.assert(
      fc.property(panArb, fc.constantFrom(...BLANKS), fc.boolean(), (pan, blank, glued) => {
        const text = groups(pan).join(blank) + (glued ? blank : '');
        expectHidden(text);
      }),
      { numRuns: 500 },
    );
  });

  it('a card stored reversed under a bidi override, or in reversed group order, is hidden', () => {
    fc.assert(
      fc.property(
        panArb,
        fc.constantFrom('\u202e', '\u202d', '\u2067', '\u2066'),
        fc.boolean(),
        (pan, control, wholeReverse) => {
          const stored = wholeReverse
            ? [...pan].reverse().join('')
            : groups(pan).reverse().join(' ');
          expectHidden(`${control}${stored}\u202c`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('masked-looking text before, after or inside never shields a card (finding 1)', () => {
    const echo = fc.constantFrom(
      '•••• ',
      '•••• •••• •••• 4242 ',
      '4242 42•• •••• 4242 ',
      '•••• •••• ',
      '[CVV hidden] ',
    );
    fc.assert(
      fc.property(panArb, echo, echo, fc.constantFrom(' ', '.', '-'), (pan, before, after, sep) => {
        const text = `${before}${groups(pan).join(sep)} ${after}`;
        const out = maskText(text);
        // The card's first twelve digits never remain in a row.
        expect(seenDigits(out.text)).not.toContain(pan.slice(0, 12));
        expect(seenDigits(out.text)).not.toContain(pan.slice(4, 16));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('regressions (issue 9)', () => {
  it.each([
    ['finding 1: "•••• " then a dotted card', '•••• 5555.5555.5555.4444'],
    ['finding 1: a whole masked card then a card', '•••• •••• •••• 4242 4242 4242 4242 4242'],
    ['finding 1: masked pieces then a card', '•••• •••• 5555 5555 5555 4444'],
    ['finding 5: Hangul filler separators', '5555\u31645555\u31645555\u31644444'],
    ['finding 5: Hangul filler glued after the card', '5555555555554444\u3164'],
    ['finding 5: half-width and Jamo fillers', '4242\u115f4242\u11604242\uffa04242'],
    ['finding 6: superscript digits', '⁴²⁴²⁴²⁴²⁴²⁴²⁴²⁴²'],
    ['finding 6: circled digits', '④②④②④②④②④②④②④②④②'],
    ['finding 6: dingbat digits', '➃➁➃➁➃➁➃➁➃➁➃➁➃➁➃➁'],
    ['finding 6: CJK numerals', '四二四二四二四二四二四二四二四二'],
    ['finding 6: RLO-reversed digits', '\u202e4444555555555555\u202c'],
    ['finding 6: % before the card', 'pay%4242424242424242'],
    ['finding 6: &# before the card', 'x&#4242424242424242'],
    ['finding 6: UUID-shaped tail after a card', '5555555555554444-e29b-41d4-a716-446655440000'],
    [
      'finding 6: number words joined by _',
      'four_two_four_two_four_two_four_two_four_two_four_two_four_two_four_two',
    ],
    ['finding 6: letters glued to a grouped card', '5555-5555-5555-4444exp'],
    ['letters glued before an unbroken card', 'card4242424242424242'],
    ['letters glued after an unbroken card', '4242424242424242exp1229'],
    ['letters glued on both sides of an unbroken card', 'x5555555555554444x'],
    ['a card between glued labels', 'card:4242424242424242exp12/29cvv123'],
    [
      'finding 6: German number words',
      'vier zwei vier zwei vier zwei vier zwei vier zwei vier zwei vier zwei vier zwei',
    ],
    [
      'finding 6: number words joined by nothing',
      'fourtwofourtwofourtwofourtwofourtwofourtwofourtwofourtwo',
    ],
  ])('regression: %s', (_name, text) => {
    const out = maskText(text);
    expect(out.findings.some((f) => f.type === 'pan')).toBe(true);
    expect(seenDigits(out.text)).not.toMatch(/(4242|5555){3}|5{12}/);
  });

  it('keeps ordinary numbers readable: ISBN, UUID, order reference, glued hash, phone with country code', () => {
    for (const text of [
      'ISBN 9783161484100',
      'ISBN 978-3-16-148410-0',
      'id 550e8400-e29b-41d4-a716-446655440000',
      'ORD4242424242424241',
      'call +44 20 7946 0958',
      'invoice 2024-000123-4567',
      'eighteen apples',
    ])
      expect(maskText(text).text).toBe(text);
  });
});
