// Adversarial inputs of the frame limit's size (issue 9, finding 4): the worst of each shape we
// know of. Used by cost.test.ts (the bound) and bench/masking (the worst case next to the median).
import { isDense } from '../src/dense';

export const FRAME = 16 * 1024;
const fill = (unit: string, size = FRAME): string =>
  unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

export const ADVERSARIAL: ReadonlyArray<readonly [string, string]> = [
  ['masked-looking prefixes (finding 4)', fill('•••• •••• 1 ')],
  ['echo then digits', fill('•••• •••• •••• 4242 1 ')],
  ['one long digit run', fill('4')],
  ['digits of 19, spaced', fill('4242424242424242424 ')],
  ['single digits, spaced', fill('4 ')],
  ['digit groups of four', fill('4242 ')],
  ['digits and dots', fill('4.')],
  ['separators only', fill(' -/.\u200b')],
  ['bullets only', fill('•')],
  ['number words', fill('four two ')],
  ['number words joined', fill('fourtwo')],
  ['number words, seven languages', fill('vier deux cuatro due quatro twee nine ')],
  ['hundreds and thousands', fill('four thousand two hundred forty two ')],
  ['scale words read two ways', fill('zero five mille neuf cent ')],
  ['bidi soup', fill('\u202e4242\u202c \u2067 4242 \u2069')],
  ['RTL text and digits', fill('שלום 4242 ')],
  ['CVV and expiry shapes', fill('12/29 123 ')],
  ['context words', fill('cvv exp 1 ')],
  ['SSN shapes', fill('123-45-6789 ')],
  ['%-escapes before digits', fill('%4242')],
  ['entities', fill('&#4242;1')],
  ['HTML tags between digits', fill('<b>4</b>')],
  ['Hangul fillers', fill('4\u3164')],
  ['circled and CJK digits', fill('④二')],
  ['glued letters', fill('4242a')],
  ['UUID-shaped', fill('12345678-1234-1234-1234-123456789012-')],
  ['placeholders', fill('[CVV hidden] 1 ')],
  ['credential prefixes', fill('sk-sk_live_AKIA')],
  ['private key headers', fill('-----BEGIN PRIVATE KEY-----')],
  ['JWT-shaped', fill('eyJhbGciOi.')],
  ['IBAN-shaped', fill('DE89 3704 ')],
  ['email-shaped', fill('a@b.')],
];

const PAD = ' hello there, thanks';

/** Seeded generator (mulberry32): the family is the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The worst-case family: each shape whole (16 KiB of it is a dense text, see dense.ts), each shape
 * as the most of it that is not dense (the full search runs on it) padded with words to 16 KiB, and
 * seeded mixtures of the shapes' units, near-cards (Luhn off by one) and notations, just under the
 * dense threshold and just over it.
 */
export function worstCaseFamily(): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  const padTo = (head: string): string =>
    (head + PAD.repeat(Math.ceil(FRAME / PAD.length))).slice(0, FRAME);
  const underThreshold = (text: string): string => {
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (isDense(padTo(text.slice(0, mid)))) hi = mid - 1;
      else lo = mid;
    }
    return padTo(text.slice(0, lo));
  };
  for (const [name, text] of ADVERSARIAL) {
    out.push([name, text]);
    out.push([`${name}, just under the dense threshold`, underThreshold(text)]);
  }
  const units = [
    '4111 1111 1111 1112 ', // near-card (Luhn off by one)
    '5555-5555-5555-4445 ',
    '•••• •••• •••• 4242 ',
    '\u202e4242 4242\u202c ',
    'four two four two ',
    'fünf fünf vier ',
    '４２４２ ',
    '⑤⑤ ',
    '%4242 ',
    '&#52;242 ',
    '<b>4242</b> ',
    '4\u31644\u3164 ',
    'exp 12/29 cvv 123 ',
    'DE89 3704 0044 ',
    '123-45-6789 ',
  ];
  const rnd = random(9);
  for (let k = 0; k < 6; k += 1) {
    let mix = '';
    while (mix.length < FRAME) mix += units[Math.floor(rnd() * units.length)] ?? '';
    out.push([`mixture ${k + 1}`, mix.slice(0, FRAME)]);
    out.push([`mixture ${k + 1}, just under the dense threshold`, underThreshold(mix)]);
  }
  return out;
}
