// Precision and recall of card detection on a generated, labelled corpus: cards in the disguises
// people (and attackers) use, and the ordinary numbers support teams need to read. Seeded.
import { prng, randomPan } from './corpus';

export interface Labelled {
  readonly text: string;
  /** The card in the text, or undefined for a message that must come back unchanged. */
  readonly pan?: string;
}

const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const VIER = ['null', 'eins', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun'];
const TENS = [
  '',
  'ten',
  'twenty',
  'thirty',
  'forty',
  'fifty',
  'sixty',
  'seventy',
  'eighty',
  'ninety',
];
const ZIG = [
  '',
  'zehn',
  'zwanzig',
  'dreißig',
  'vierzig',
  'fünfzig',
  'sechzig',
  'siebzig',
  'achtzig',
  'neunzig',
];
/** Pairs of digits as one number word each where the pair is 21-99 and not a round ten, else digits. */
const pairs = (d: string, word: (n: number) => string): string =>
  (d.match(/.{1,2}/g) ?? [d])
    .map((two) => {
      const n = Number(two);
      return two.length === 2 && n > 20 && n % 10 !== 0 ? word(n).replace('eins', 'ein') : two;
    })
    .join(' ');
const g4 = (d: string, sep: string): string => (d.match(/.{1,4}/g) ?? [d]).join(sep);
const notation = (d: string, zero: number): string =>
  [...d].map((c) => String.fromCodePoint(zero + Number(c))).join('');

const DISGUISES: ReadonlyArray<(pan: string) => string> = [
  (p) => p,
  (p) => g4(p, ' '),
  (p) => g4(p, '-'),
  (p) => g4(p, '.'),
  (p) => g4(p, '\u00a0'),
  (p) => g4(p, '\u3164'),
  (p) => [...p].map((c) => WORDS[Number(c)]).join(' '),
  (p) => [...p].map((c) => VIER[Number(c)]).join(''),
  (p) => notation(p, 0xff10),
  (p) =>
    [...p].map((c) => (c === '0' ? '⓪' : String.fromCodePoint(0x2460 + Number(c) - 1))).join(''),
  (p) => `•••• ${g4(p, '.')}`,
  (p) => `${g4(p, '-')}exp`,
  // Issue 9, third pass: tens and compounds, look-alike letters.
  (p) => pairs(p, (n) => `${TENS[Math.floor(n / 10)]}-${WORDS[n % 10]}`),
  (p) => pairs(p, (n) => `${VIER[n % 10]}und${ZIG[Math.floor(n / 10)]}`),
  (p) => g4(p.replace(/0/g, 'O').replace(/1/g, 'l'), ' '),
];

function ordinary(rand: () => number): string {
  const n = (max: number): number => Math.floor(rand() * max);
  const digits = (len: number): string => {
    let s = String(1 + n(9));
    while (s.length < len) s += String(n(10));
    return s;
  };
  switch (n(13)) {
    case 9:
      return `call +1 (${digits(3)}) ${digits(3)}-${digits(4)}`;
    case 10:
      return `I waited twenty ${n(2) === 0 ? 'minutes' : 'seconds'}, version ${n(20)}.${n(20)}.${n(9)}`;
    case 11:
      return `buy 2l of milk at ${digits(3)}.${digits(3)}.${n(9)}.${n(9)}`;
    case 12:
      return `once more: undue delay on order ${digits(9)}`;
    case 0:
      return `order #${digits(8 + n(5))}`; // order numbers, 8-12 digits
    case 1:
      return `tracking 1Z${digits(6)}A${digits(9)}`; // UPS
    case 2:
      return `invoice INV-${2020 + n(6)}-${digits(6)}`;
    case 3:
      return `call +${1 + n(98)} ${digits(3)} ${digits(3)} ${digits(4)}`;
    case 4:
      return `ISBN 978-${n(10)}-${digits(3)}-${digits(5)}-${n(10)}`;
    case 5:
      return `on ${1 + n(28)}/${1 + n(12)}/20${10 + n(20)} at ${n(24)}:${String(n(60)).padStart(2, '0')}`;
    case 6:
      return `total €${digits(4)},${String(n(100)).padStart(2, '0')}`;
    case 7:
      return `ref ${digits(4)}-${digits(4)}-${digits(2)}`;
    default:
      return `ticket ${digits(10)}`;
  }
}

/** `count` labelled messages, a third of them with a card in a random disguise. */
export function labelledCorpus(count: number, seed = 7): Labelled[] {
  const rand = prng(seed);
  const out: Labelled[] = [];
  for (let i = 0; i < count; i += 1) {
    if (rand() < 1 / 3) {
      const pan = randomPan(rand);
      const disguise = DISGUISES[Math.floor(rand() * DISGUISES.length)] ?? ((p: string) => p);
      out.push({ text: `here is my card ${disguise(pan)} thanks`, pan });
    } else out.push({ text: `hi, ${ordinary(rand)}, can you check?` });
  }
  return out;
}

// Presidio's CreditCardRecognizer ("All Credit Cards (weak)"), then its Luhn check after
// removing "-" and " ": the regex-only baseline most redaction pipelines start from.
const PRESIDIO =
  /\b(?!1\d{12}(?!\d))((4\d{3})|(5[0-5]\d{2})|(6\d{3})|(1\d{3})|(3\d{3}))[- ]?(\d{3,4})[- ]?(\d{3,4})[- ]?(\d{3,5})\b/g;

function luhn(d: string): boolean {
  let sum = 0;
  for (let i = d.length - 1, dbl = false; i >= 0; i -= 1, dbl = !dbl) {
    let v = Number(d[i]);
    if (dbl) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    sum += v;
  }
  return sum % 10 === 0;
}

/** The baseline masker: each Luhn-valid match of Presidio's pattern replaced. */
export function presidioStyle(text: string): string {
  return text.replace(PRESIDIO, (m) => (luhn(m.replace(/[- ]/g, '')) ? '<CREDIT_CARD>' : m));
}

export interface Score {
  readonly tp: number;
  readonly fn: number;
  readonly fp: number;
  readonly tn: number;
}

/** A card counts as found when no run of 8 of its first 12 digits stays readable (any notation). */
export function score(
  cases: readonly Labelled[],
  mask: (t: string) => string,
  readable: (t: string) => string,
): Score {
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let tn = 0;
  for (const c of cases) {
    const out = mask(c.text);
    if (c.pan === undefined) {
      if (out === c.text) tn += 1;
      else fp += 1;
    } else {
      const seen = readable(out);
      const leaked = [0, 4].some((k) => seen.includes(c.pan?.slice(k, k + 8) ?? ''));
      if (leaked) fn += 1;
      else tp += 1;
    }
  }
  return { tp, fn, fp, tn };
}

export const precision = (s: Score): number => (s.tp + s.fp === 0 ? 1 : s.tp / (s.tp + s.fp));
export const recall = (s: Score): number => (s.tp + s.fn === 0 ? 1 : s.tp / (s.tp + s.fn));
