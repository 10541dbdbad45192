// Property tests: random Luhn-valid card numbers in random formats and random
// splits never survive; random ordinary text never changes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inScript, spell } from '../test/corpus';
import { createConversationMasker, maskText } from './index';
import { DENSE_UNITS } from './dense';

const NUMBER_WORDS =
  /(?<!\p{L})(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)(?!\p{L})/giu;
const WORD_VALUE: Record<string, string> = {
  zero: '0',
  oh: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
};

/** Digits (any script, or spelled) still readable in a text, as ASCII. */
function visibleDigits(text: string): string {
  const words = text.replace(NUMBER_WORDS, (w) => WORD_VALUE[w.toLowerCase()] ?? '');
  return (words.match(/\p{Nd}/gu) ?? []).map((d) => String((d.codePointAt(0) ?? 0) & 0xf)).join('');
}

function luhnComplete(body: string): string {
  for (let check = 0; check <= 9; check += 1) {
    const candidate = body + String(check);
    let sum = 0;
    for (let i = candidate.length - 1, dbl = false; i >= 0; i -= 1, dbl = !dbl) {
      let d = Number(candidate[i]);
      if (dbl) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}

// First digit 2-9: a 13/16/19-digit run starting with 1 is read as a Unix timestamp (documented).
const panArb = fc
  .tuple(
    fc.integer({ min: 12, max: 19 }),
    fc.integer({ min: 2, max: 9 }),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 18, maxLength: 18 }),
  )
  .map(([len, first, rest]) => luhnComplete(String(first) + rest.slice(0, len - 2).join('')))
  // A 13-digit 978/979 number with a valid ISBN-13 check digit is read as a book (documented).
  .filter((p) => !(p.length === 13 && /^97[89]/.test(p) && isbn13(p)));

function isbn13(d: string): boolean {
  let sum = 0;
  for (let k = 0; k < 13; k += 1) sum += Number(d[k]) * (k % 2 === 0 ? 1 : 3);
  return sum % 10 === 0;
}

const LOOSE = [
  ' ',
  '  ',
  '\u00a0',
  '\u202f',
  '\u2009',
  '\n',
  '\r\n',
  '\t',
  '\u200b',
  '\u00ad',
  '\u2060',
  '🙂',
  ' 💳 ',
  ' | ',
  ' - ',
  ' / ',
  '&nbsp;',
  '</b> <b>',
  '** **',
  '*',
  '_',
  '~',
  '%20',
];
const TIGHT = ['-', '.', '/', ','];
const ZEROS = [0x30, 0xff10, 0x0660, 0x06f0, 0x0966, 0x09e6, 0x0e50, 0x1d7ce];

interface Format {
  sep: string;
  sizes: number[];
  zero: number;
  spellMask: number;
}
const formatArb: fc.Arbitrary<Format> = fc.record({
  sep: fc.oneof(fc.constant(''), fc.constantFrom(...LOOSE), fc.constantFrom(...TIGHT)),
  sizes: fc.oneof(
    fc.constant<number[]>([4]),
    fc.constant<number[]>([4, 6, 5]),
    fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 8 }),
  ),
  zero: fc.constantFrom(...ZEROS),
  spellMask: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 255 })),
});

/** Writes digits in groups; tight joiners only between groups of four or more (how people write cards). */
function format(digits: string, f: Format): string {
  const groups: string[] = [];
  let i = 0;
  let k = 0;
  while (i < digits.length) {
    const size = TIGHT.includes(f.sep)
      ? Math.max(4, f.sizes[k % f.sizes.length] ?? 4)
      : (f.sizes[k % f.sizes.length] ?? 4);
    groups.push(digits.slice(i, i + size));
    i += size;
    k += 1;
  }
  if (TIGHT.includes(f.sep) && (groups[groups.length - 1]?.length ?? 0) < 4 && groups.length > 1) {
    const tail = groups.pop() ?? '';
    groups[groups.length - 1] += tail;
  }
  const written = groups.map((g, n) => ((f.spellMask >> n) & 1 ? spell(g) : inScript(g, f.zero)));
  // Spelled groups are several units: join them loosely, as people do.
  return written.join(f.spellMask !== 0 && !/\s/.test(f.sep) ? ' ' : f.sep);
}

const wordArb = fc.constantFrom(
  'my',
  'card',
  'is',
  'here',
  'please',
  'charge',
  'it',
  'thanks',
  'the',
  'number',
  'ok',
);
const proseArb = fc.array(wordArb, { maxLength: 5 }).map((w) => w.join(' '));

describe('properties', () => {
  it('a random Luhn-valid card in a random format never survives one message', () => {
    fc.assert(
      fc.property(panArb, formatArb, proseArb, proseArb, (pan, f, before, after) => {
        const text = `${before} ${format(pan, f)} ${after}`;
        const out = maskText(text);
        const left = visibleDigits(out.text);
        expect(left.length).toBeLessThanOrEqual(4);
        expect(pan.includes(left)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('a random card split over 2-4 messages never survives', () => {
    fc.assert(
      fc.property(
        panArb,
        formatArb,
        fc.array(fc.integer({ min: 1, max: 18 }), { minLength: 1, maxLength: 3 }),
        proseArb,
        (pan, f, cutsRaw, before) => {
          const cuts = [...new Set(cutsRaw.filter((c) => c < pan.length))].sort((a, b) => a - b);
          const pieces: string[] = [];
          let prev = 0;
          for (const c of [...cuts, pan.length]) {
            pieces.push(pan.slice(prev, c));
            prev = c;
          }
          const masker = createConversationMasker<number>();
          const finals: string[] = [];
          pieces.forEach((piece, i) => {
            const text = (i === 0 && before !== '' ? `${before} ` : '') + format(piece, f);
            masker.process('agent', 'ok', -1); // the other party's messages do not break a split
            const r = masker.process('visitor', text, i);
            finals.push(r.text);
            for (const red of r.redacted) finals[red.ref] = red.text;
          });
          const left = finals.map(visibleDigits).join('');
          expect(left.length).toBeLessThanOrEqual(4);
        },
      ),
      { numRuns: 3000 },
    );
  });

  /** Cuts a card into 2-4 pieces (each at least one digit). */
  const splitArb = (pan: string): fc.Arbitrary<string[]> =>
    fc
      .uniqueArray(fc.integer({ min: 1, max: pan.length - 1 }), { minLength: 1, maxLength: 3 })
      .map((cuts) => {
        const pieces: string[] = [];
        let prev = 0;
        for (const c of [...cuts].sort((a, b) => a - b)) {
          pieces.push(pan.slice(prev, c));
          prev = c;
        }
        pieces.push(pan.slice(prev));
        return pieces;
      });

  it('a second random card split over 2-4 messages after a card never survives', () => {
    const secondArb = panArb.chain((pan) =>
      fc.tuple(splitArb(pan), fc.array(formatArb, { minLength: 4, maxLength: 4 })),
    );
    fc.assert(
      fc.property(
        panArb,
        formatArb,
        proseArb,
        proseArb,
        fc.option(
          proseArb.filter((t) => t !== ''),
          { nil: undefined },
        ),
        secondArb,
        proseArb,
        (first, f, before, after, between, [pieces, formats], lead) => {
          const texts = [`${before} ${format(first, f)} ${after}`.trim()];
          if (between !== undefined) texts.push(between);
          const from = texts.length;
          pieces.forEach((piece, i) =>
            texts.push(
              (i === 0 && lead !== '' ? `${lead} ` : '') + format(piece, formats[i] as Format),
            ),
          );
          const finals = sendPieces(texts);
          const firstLeft = visibleDigits(finals[0] ?? '');
          expect(firstLeft.length).toBeLessThanOrEqual(4);
          expect(first.includes(firstLeft)).toBe(true);
          expect(finals.slice(from).map(visibleDigits).join('').length).toBeLessThanOrEqual(4);
        },
      ),
      { numRuns: 3000 },
    );
  });

  const twoDigits = (n: number): string => String(n).padStart(2, '0');
  const afterCardArb = fc.oneof(
    fc
      .integer({ min: 0, max: 999 })
      .map((n) => ({ text: `cvc ${String(n).padStart(3, '0')}`, type: 'cvv', bare: false })),
    fc.integer({ min: 100, max: 9999 }).map((n) => ({ text: String(n), type: 'cvv', bare: true })),
    fc
      .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 25, max: 35 }))
      .map(([m, y]) => ({ text: `${twoDigits(m)}/${y}`, type: 'expiry', bare: true })),
    fc
      .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 25, max: 35 }))
      .map(([m, y]) => ({ text: `exp ${twoDigits(m)}/20${y}`, type: 'expiry', bare: false })),
  );

  it('a CVV or expiry in the message after a random card is still hidden as such', () => {
    fc.assert(
      fc.property(panArb, formatArb, proseArb, afterCardArb, (pan, f, before, next) => {
        const first = `${before} ${format(pan, f)}`.trim();
        const masker = createConversationMasker<number>();
        masker.process('visitor', first, 0);
        const r = masker.process('visitor', next.text, 1);
        expect(visibleDigits(r.text)).toBe('');
        // The card and a bare CVV or expiry right after it can pass Luhn together: then the two are
        // one card of up to 19 digits, all hidden (which four are its last is unsure).
        const joined = r.redacted.length > 0;
        expect(r.findings.map((x) => x.type)).toEqual([joined && next.bare ? 'pan' : next.type]);
        if (joined) expect(visibleDigits(r.redacted[0]?.text ?? '')).toBe('');
      }),
      { numRuns: 3000 },
    );
  });

  const ordinary = fc.oneof(
    wordArb,
    fc.integer({ min: 0, max: 99999 }).map(String),
    fc
      .tuple(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 0, max: 99 }))
      .map(([a, b]) => `$${a}.${String(b).padStart(2, '0')}`),
    fc
      .date({ min: new Date(2000, 0, 1), max: new Date(2040, 0, 1), noInvalidDate: true })
      .map((d) => d.toISOString().replace('T', ' ').slice(0, 19)),
    // ms timestamps have 13 digits from 2001-09-09 on.
    fc
      .date({ min: new Date(2002, 0, 1), max: new Date(2033, 0, 1), noInvalidDate: true })
      .map((d) => String(d.getTime())),
    fc
      .tuple(
        fc.integer({ min: 1, max: 28 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1990, max: 2040 }),
      )
      .map(([d, m, y]) => `${d}/${m}/${y}`),
    fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => `${h}:${String(m).padStart(2, '0')}`),
    fc
      .array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 })
      .map((a) => a.join('.')),
    fc
      .array(fc.integer({ min: 0, max: 99 }), { minLength: 2, maxLength: 4 })
      .map((a) => `v${a.join('.')}`),
    fc.uuid(),
    fc
      .tuple(
        fc.integer({ min: 200, max: 999 }),
        fc.integer({ min: 200, max: 999 }),
        fc.integer({ min: 1000, max: 9999 }),
      )
      .map(([a, b, c]) => `+1 (${a}) ${b}-${c}`),
    fc
      .array(fc.integer({ min: 0, max: 9 }), { minLength: 20, maxLength: 30 })
      .map((d) => `${(d[0] ?? 0) + 1}${d.join('')}`),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 11, maxLength: 18 }).map((d) => {
      const valid = luhnComplete(`${((d[0] ?? 0) % 9) + 1}${d.join('')}`);
      return valid.slice(0, -1) + String((Number(valid.slice(-1)) + 1) % 10); // fails Luhn
    }),
  );

  it('random ordinary text never changes', () => {
    fc.assert(
      fc.property(fc.array(ordinary, { maxLength: 12 }), (parts) => {
        const text = parts.join(' word ');
        // A text past the density threshold (dense.ts) hides every digit by design: not ordinary.
        fc.pre((text.match(/\d+/g)?.length ?? 0) < DENSE_UNITS - 8);
        expect(maskText(text).text).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });

  it('random text without digits never changes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (s) => {
        fc.pre(!/\p{Nd}|eyJ|PRIVATE KEY/u.test(s));
        expect(maskText(s).text).toBe(s);
      }),
      { numRuns: 3000 },
    );
  });
});

/** Sends pieces as one sender's messages (the other party talking in between); the final texts. */
function sendPieces(pieces: readonly string[]): string[] {
  const masker = createConversationMasker<number>();
  const finals: string[] = [];
  pieces.forEach((text, i) => {
    masker.process('agent', 'ok', -1);
    const r = masker.process('visitor', text, i);
    finals.push(r.text);
    for (const red of r.redacted) finals[red.ref] = red.text;
  });
  return finals;
}

// Counterexamples of the split property above, found with 200,000+ runs (seed and path noted).
describe('regressions of the split property', () => {
  it('regression: card split with %20 separators leaves no escape digits between its hidden pieces', () => {
    // Seed 42, path 45018:6:5:12:3:11:3:10:5:7:6:6:5:6:6:6:7:9:1:1:9:7. The first 12 digits pass Luhn, so
    // "5 1" trail a card in the second message; "%205" was read as the CVV "205" and the "%20"
    // between the hidden pieces stayed, showing "8107" + "20".
    const finals = sendPieces(['5%200%203%201%206%202%200%202', '8%201%200%207%205%201', '4']);
    expect(finals.map(visibleDigits).join('').length).toBeLessThanOrEqual(4);
  });

  it('regression: card split with %20 separators, CVV-shaped piece then a continuation digit', () => {
    // Seed 1: "0001" after the card was read as a CVV and "%200" hidden apart, leaving "%20" between them.
    const finals = sendPieces(['6921%202082%202089', '0001%200', '9']);
    expect(finals.map(visibleDigits).join('').length).toBeLessThanOrEqual(4);
  });

  it('regression: card with %20 separators and digits trailing a shorter valid window', () => {
    // Seed 1234: a 16-digit window passes Luhn inside the first 18 digits; "%200" was read as the CVV "200".
    const finals = sendPieces([
      '3%207%200%204%207%200%204%209%208%207%207%202%200%200%201%200%200%200',
      '9',
    ]);
    expect(finals.map(visibleDigits).join('').length).toBeLessThanOrEqual(4);
  });

  it('regression: card split after an SSN-shaped first piece', () => {
    // Seeds 7 and 99: "200 01 0001" is a valid SSN shape, hidden as an SSN, so "000 02" was never joined to it.
    const finals = sendPieces(['200 01 0001', '000 02']);
    expect(finals.map(visibleDigits).join('').length).toBeLessThanOrEqual(4);
  });

  it('regression: card split before an SSN-shaped last piece', () => {
    // Seed 3: the second piece "001 01 0006" is an SSN shape; its digits were left out of the join.
    const finals = sendPieces(['200 00 0000 zero', '001 01 0006']);
    expect(finals.map(visibleDigits).join('').length).toBeLessThanOrEqual(4);
  });

  it('regression: card split with " - " separators, its rest read as an expiry', () => {
    // Seed 99 (after the fixes above): the first 12 digits pass Luhn, "1 - 00" after them reads as an
    // expiry, so the message did not count as ending in a card and the last digit "8" stayed.
    const finals = sendPieces(['4 - 52 - 6 - 31 - 9 - 31', '8 - 99 - 1 - 00', '8']);
    expect(finals.map(visibleDigits).join('').length).toBeLessThanOrEqual(4);
  });

  it('regression: second card split after a 13-digit card, its first piece joining the first card by Luhn', () => {
    // Second-card property, seed 2, path 45439:23:2:2:2:2:2:2:2:2:2:2:48:2:2:2:3:2:2:3:3:2:2:5:5:5:2:2:2.
    // The first card (13 digits) plus "3" plus the first digits of the second card passed Luhn: taken
    // greedily from the left, that window used up the start of the second card, whose rest stayed visible.
    const finals = sendPieces([
      '3513 034235 134',
      '3',
      'five three four nine nine one four zero three five six four 124511',
    ]);
    expect(visibleDigits(finals[0] ?? '')).toBe('5134');
    expect(finals.slice(1).map(visibleDigits).join('').length).toBeLessThanOrEqual(4);
  });

  it('regression: card with an SSN-shaped run inside it, in one message', () => {
    // Seed 2: "010 01 0003" inside a 16-digit card was hidden as an SSN and the card never found.
    const text = 'two zero zero zero zero 00 010 01 0003';
    expect(visibleDigits(sendPieces([text])[0] ?? '').length).toBeLessThanOrEqual(4);
    expect(visibleDigits(maskText(text).text).length).toBeLessThanOrEqual(4);
  });
});
