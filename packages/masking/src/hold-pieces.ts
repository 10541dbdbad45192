// Candidate pieces of a card split over messages: the runs of digits the single-message scan left in
// clear (less dates, times, amounts and ISBNs, which no card hides in), and the card data it masked.
import type { Claim } from './claims';
import type { Chain, Unit } from './tokens';

// Dates with a real day and month (either order) and a year of this era; amounts up to 9,999,999:
// a shape that carries more digits would carry a card past the hold (issue 9: "55/55/5555" then
// "55/55/4444", or "$5,555,555,555,554,444", were shown whole).
const DAY = '(?:0?[1-9]|[12]\\d|3[01])';
const MONTH = '(?:0?[1-9]|1[0-2])';
const YEAR = '(?:19\\d{2}|20\\d{2}|\\d{2})';
const DATE = new RegExp(
  `^(?:${DAY}([/.-])${MONTH}\\1${YEAR}|${MONTH}([/.-])${DAY}\\2${YEAR}|(?:19|20)\\d{2}-${MONTH}-${DAY})$`,
);
const TIME = /^\d{1,2}:\d{2}(?::\d{2})?$/;
const AMOUNT = /^\d{1,3}(?:[,.' ]\d{3}){0,2}(?:[.,]\d{2})?$|^\d{1,7}(?:[.,]\d{2})?$/;
const CURRENCY_BEFORE = /(?:[$€£¥₹₽₩]|\b(?:EUR|USD|GBP|CHF|JPY|CAD|AUD|INR))\s?$/i;
const CURRENCY_AFTER =
  /^\s?(?:[$€£¥₹]|(?:EUR|USD|GBP|CHF|JPY|CAD|AUD|INR|euros?|dollars?|pounds?|francs?)\b)/i;

function isbn13(digits: string): boolean {
  if (digits.length !== 13 || !/^97[89]/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 13; i += 1) sum += (digits.charCodeAt(i) - 48) * (i % 2 === 0 ? 1 : 3);
  return sum % 10 === 0;
}

/**
 * Shapes that are no piece of a card whatever comes next: a date, a time, an amount of money, an
 * ISBN-13 written with hyphens. A phone number with its country code is a piece (issue 9, open
 * class 3: "+4242 4242" then "4242 4242" showed the card's first eight digits): it is held like any
 * number until released. `_pending`: the sender has an undecided piece (kept for the callers).
 */
function notAPiece(text: string, chain: Chain, units: readonly Unit[], _pending: boolean): boolean {
  const first = units[0];
  const last = units[units.length - 1];
  if (first === undefined || last === undefined) return true;
  const raw = text.slice(first.start, last.end);
  if (!/^[0-9.,:/' ()-]+$/.test(raw)) return false; // words, other scripts: judged as digits
  const digits = units.map((u) => u.digits).join('');
  // A "+" does not make the digits a phone number that no card can start: a card's first piece
  // can be written so, and its first eight digits then showed (held path, issue 9).
  if (first === chain.units[0] && chain.plusBefore) return false;
  if (raw.includes('(')) return false;
  if (DATE.test(raw) || TIME.test(raw)) return true;
  const before = text.slice(Math.max(0, first.start - 4), first.start);
  const after = text.slice(last.end, last.end + 9);
  if (AMOUNT.test(raw) && (CURRENCY_BEFORE.test(before) || CURRENCY_AFTER.test(after))) return true;
  if (/^\d{1,7}[.,]\d{2}$/.test(raw)) return true;
  const isbnBefore = /ISBN(?:-13)?:?\s?$/i.test(
    text.slice(Math.max(0, first.start - 10), first.start),
  );
  return (raw.includes('-') || isbnBefore) && isbn13(digits);
}

/**
 * A lone number word among words ("two tickets"): shown, but still counted as a piece. A word is
 * letters: a lone circled or superscript digit ("②", "²") is a digit, held like "2" (issue 9: a
 * one-digit piece so written was shown).
 */
function loneWord(text: string, units: readonly Unit[]): boolean {
  const u = units[0];
  return (
    units.length === 1 &&
    u !== undefined &&
    u.digits.length === 1 &&
    /^\P{N}*$/u.test(text.slice(u.start, u.end)) &&
    /\p{L}/u.test(text.slice(u.start, u.end))
  );
}

export interface Candidate {
  readonly units: readonly Unit[];
  readonly digits: string;
  /** Shown masked until decided (false: a lone number word, shown but still counted). */
  readonly held: boolean;
  /** Already masked for good by the scan (a card, or a CVV or expiry read from its shape). */
  readonly claimed: boolean;
  /** The scan's card claims over a claimed candidate (to hold the digits they show). */
  readonly pans?: readonly Claim[];
}

/**
 * The first claim (in `claims` order) overlapping a span, for spans asked in order of start: a sweep
 * over the claims sorted once, not a search of every claim per unit (thousands of units and claims
 * in one 16 KiB message made that quadratic).
 */
function claimFinder(
  claims: readonly Claim[],
): (u: { start: number; end: number }) => Claim | undefined {
  if (claims.length === 0) return () => undefined;
  const order = claims.map((x, k) => ({ x, k })).sort((a, b) => a.x.start - b.x.start);
  const open: Array<{ x: Claim; k: number }> = [];
  let j = 0;
  let lastStart = -1;
  return (u) => {
    if (u.start < lastStart) {
      j = 0; // asked out of order (another chain list): start again
      open.length = 0;
    }
    lastStart = u.start;
    while (j < order.length && (order[j]?.x.start ?? Infinity) < u.end)
      open.push(order[j++] as { x: Claim; k: number });
    let best: { x: Claim; k: number } | undefined;
    for (let i = open.length - 1; i >= 0; i -= 1) {
      const o = open[i] as { x: Claim; k: number };
      if (o.x.end <= u.start) {
        open.splice(i, 1); // ends before this span, so before every later one
        continue;
      }
      if (best === undefined || o.k < best.k) best = o;
    }
    return best?.x;
  };
}

/**
 * Runs of chain units the scan left unclaimed, each a candidate piece of a split card; and, already
 * masked, the cards it found and the CVVs and expiry dates it read from their shape alone after a
 * card: earlier pieces may be the start of the same card (a card and its rest can each pass Luhn).
 */
export function candidates(
  text: string,
  chains: readonly Chain[],
  claims: readonly Claim[],
  pending: boolean,
): Candidate[] {
  const out: Candidate[] = [];
  const claimAt = claimFinder(claims);
  for (const chain of chains) {
    let run: Unit[] = [];
    let shaped: Unit[] = [];
    let pans: Claim[] = [];
    const flush = (): void => {
      if (run.length > 0 && !notAPiece(text, chain, run, pending)) {
        const digits = run.map((u) => u.digits).join('');
        if (digits.length > 0)
          out.push({ units: run, digits, held: !loneWord(text, run), claimed: false });
      }
      if (shaped.length > 0) {
        const digits = shaped.map((u) => u.digits).join('');
        out.push({ units: shaped, digits, held: false, claimed: true, pans });
      }
      run = [];
      shaped = [];
      pans = [];
    };
    for (const u of chain.units) {
      const claim = claimAt(u);
      if (claim === undefined) {
        if (shaped.length > 0) flush();
        run.push(u);
      } else if (claim.shape === true || (claim.type === 'pan' && claim.echo !== true)) {
        if (run.length > 0) flush();
        shaped.push(u);
        if (claim.type === 'pan' && !pans.includes(claim)) pans.push(claim);
      } else flush();
    }
    flush();
  }
  return out;
}

/** The piece's text with each digit (or digit word) as one bullet and its separators kept. */
export function bullets(units: readonly Unit[], text: string): string {
  const first = units[0];
  if (first === undefined) return '';
  let out = '';
  let pos = first.start;
  for (const u of units) {
    out += text.slice(pos, u.start) + '•'.repeat(u.digits.length);
    pos = u.end;
  }
  return out;
}
