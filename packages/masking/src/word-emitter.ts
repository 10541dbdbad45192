// Number words into tokens: "double"/"triple" before a digit, and tens, teens, compounds, hundreds
// and thousands that span several words ("forty two", "vingt-et-un", "zwei und vierzig", "four
// thousand two hundred forty two", "quatre mille deux cent quarante-deux") joined into one number.
import { classOf, DIGIT, LETTER, MARK, SOFT } from './chars';
import {
  BOUND,
  BY_TENS,
  CONN,
  FIXED,
  FR_TEEN,
  FR_VINGT,
  HUNDRED,
  isConnector,
  MILLION,
  NEEDS_MULT,
  REPEAT,
  TEEN,
  TENS,
  THOUSAND,
  UNIT,
  UNIT_FIRST,
} from './number-words';
import type { WordPiece } from './number-words';
import type { Token } from './tokens';

/** Pushes tokens, joining "double"/"triple" with the single digit right after it. */
export function makeEmitter(
  text: string,
  tokens: Token[],
  unbind?: (k: number) => boolean,
): {
  word(w: WordPiece): void;
  digits(t: Token): void;
  /**
   * A run of 1-3 digits (no leading zero, nothing glued) read as a number that scale words and a
   * tens word may combine with ("4 thousand 2 hundred 42", "42 hundred 42", "forty 2").
   */
  numeral(t: Token): void;
  reset(): void;
  /** A connector word standing alone ("treinta y dos"): neither a number nor a break. */
  conn(): void;
  /** The letter run `[start, end)` is an everyday word: its tokens are weak. */
  weak(start: number, end: number): void;
  /**
   * Multipliers read so far that could as well end the number before them ("zero five mille neuf":
   * five is 5 then mille 1000, or five mille 5000). `unbind(k)` true: the k-th such one is left apart.
   */
  ambiguous(): number;
} {
  let ambiguous = 0;
  // The last two everyday-word runs (a number word of the one before may still be pending).
  const weakRuns: number[] = [-1, -1, -1, -1];
  let repeat = 0;
  let repeatEnd = -1;
  let repeatStart = -1;
  // A number being read: its thousands and hundreds so far (`big`), and its part below 100 (`pend`,
  // after `big` when both are set) waiting for the next word, which may complete it ("forty" + "two").
  let pend: Pending | undefined;
  let big: Big | undefined;
  const push = (given: Token): void => {
    const inWeak =
      (given.start >= (weakRuns[2] ?? -1) && given.end <= (weakRuns[3] ?? -1)) ||
      (given.start >= (weakRuns[0] ?? -1) && given.end <= (weakRuns[1] ?? -1));
    const t: Token = inWeak ? { ...given, weak: true } : given;
    if (repeat > 0 && t.digits.length === 1 && t.start - repeatEnd <= 2)
      tokens.push({ start: repeatStart, end: t.end, digits: t.digits.repeat(repeat) });
    else tokens.push(t);
    repeat = 0;
  };
  /** Pushes the number read so far (`big` and `pend` together) as one token. */
  const flush = (): void => {
    if (pend === undefined && big === undefined) return;
    const start = big?.start ?? pend?.start ?? 0;
    const end = pend?.end ?? big?.end ?? 0;
    const value =
      (big === undefined ? 0 : big.millions + big.thousands + big.hundreds) + (pend?.value ?? 0);
    pend = undefined;
    big = undefined;
    push({ start, end, digits: String(value) });
  };
  /** Pushes `big` alone: `pend` starts the next number ("two hundred | four hundred"). */
  const flushBig = (): void => {
    if (big === undefined) return;
    const p = pend;
    pend = undefined;
    flush();
    pend = p;
  };
  const small = (w: WordPiece): void => {
    if (pend !== undefined && !pend.done) {
      const joined = compose(pend, w, text.slice(pend.end, w.start));
      if (joined === 'done') pend.done = true;
      if (joined !== undefined) return;
    }
    // After "thousand" or "hundred", a number below 100 is its rest ("mille deux", "hundred and two");
    // a zero is not ("four thousand zero five hundred…" is 4000 0 5…, as a group read out).
    const after =
      big !== undefined &&
      pend === undefined &&
      w.value !== 0 &&
      restGap(text.slice(big.end, w.start));
    if (!after) flush();
    const prev = after ? undefined : tokens[tokens.length - 1];
    const afterNumber = prev !== undefined && gapWords(text.slice(prev.end, w.start)) === 0;
    pend = {
      afterNumber,
      start: w.start,
      end: w.end,
      kind: w.kind,
      value: w.value,
      flags: w.flags,
      done: w.kind === TEEN,
    };
  };
  const word = (w: WordPiece): void => {
    if (w.kind === CONN) return; // read as part of the gap between the words it joins
    if (w.kind === REPEAT) {
      flush();
      repeat = w.repeat;
      repeatStart = w.start;
      repeatEnd = w.end;
      return;
    }
    if (w.kind === HUNDRED) hundred(w);
    else if (w.kind === THOUSAND) thousand(w);
    else if (w.kind === MILLION) million(w);
    else small(w);
  };
  /** The multiplier `pend` gives a scale word `w`, or 0 when it gives none (then it is flushed). */
  const multiplier = (w: WordPiece, max: number, splits: boolean): number => {
    if (pend === undefined) return 0;
    const m = pend.value;
    if (m >= 1 && m <= max && gapWords(text.slice(pend.end, w.start)) === 0 && !leftApart(splits))
      return m;
    flush();
    return 0;
  };
  /** Whether `pend`, right after another number, is kept apart from the scale word after it. */
  const leftApart = (splits: boolean): boolean => {
    if (pend?.afterNumber !== true && !splits) return false;
    const k = ambiguous;
    ambiguous += 1;
    return unbind?.(k) === true;
  };
  const hundred = (w: WordPiece): void => {
    const fixed = (w.flags & FIXED) !== 0;
    if (fixed && pend !== undefined) flush(); // nothing multiplies "quinientos"
    // "two hundred four hundred": 200 then 400, or 204 then 100.
    const splits = big !== undefined && pend !== undefined && big.hundreds !== 0;
    const m = fixed ? 0 : multiplier(w, (w.flags & BY_TENS) !== 0 ? 99 : 9, splits);
    if (m === 0 && (w.flags & NEEDS_MULT) !== 0) return flush();
    const from = m > 0 ? (pend as Pending).start : w.start;
    const value = m > 0 ? m * 100 : w.value;
    pend = undefined;
    // "four thousand two hundred": the hundreds of the thousands read so far.
    if (
      big !== undefined &&
      big.hundreds === 0 &&
      value < 1000 &&
      (m > 0 || gapWords(text.slice(big.end, w.start)) === 0)
    ) {
      big.hundreds = value;
      big.end = w.end;
      return;
    }
    flush();
    big = { start: from, end: w.end, millions: 0, thousands: 0, hundreds: value };
  };
  const thousand = (w: WordPiece): void => {
    const gapOk = gapWords(text.slice(pend?.end ?? big?.end ?? w.start, w.start)) === 0;
    // "two thousand one mille": 2000 then 1000, or 2001 then 1000.
    // "three hundred thirty one mille": 331000, or 331 then 1000.
    const splits =
      big !== undefined && pend !== undefined && (big.thousands > 0 || big.hundreds >= 1000);
    const absorbs = big !== undefined && big.thousands === 0 && big.hundreds < 1000;
    if (
      !gapOk ||
      pend?.value === 0 ||
      ((pend !== undefined || absorbs) && leftApart(splits || absorbs))
    )
      flush(); // "zero mille" is 0 then 1000
    // "mille | deux mille"; "fifteen hundred | four thousand": a thousands multiplier is below 1000.
    if (big !== undefined && (big.thousands > 0 || big.hundreds >= 1000)) flushBig();
    const m = (big?.hundreds ?? 0) + (pend?.value ?? 0);
    if (m === 0 && (w.flags & NEEDS_MULT) !== 0) return flush();
    const from = big?.start ?? pend?.start ?? w.start;
    const millions = big?.millions ?? 0;
    pend = undefined;
    big = { start: from, end: w.end, millions, thousands: Math.max(m, 1) * 1000, hundreds: 0 };
  };
  /** "four million two hundred forty two thousand …": the thousands and hundreds follow. */
  const million = (w: WordPiece): void => {
    const gapOk = gapWords(text.slice(pend?.end ?? big?.end ?? w.start, w.start)) === 0;
    if (!gapOk || pend?.value === 0 || (pend !== undefined && leftApart(false))) flush();
    if (big !== undefined && (big.millions > 0 || big.thousands > 0 || big.hundreds >= 1000))
      flushBig();
    const m = (big?.hundreds ?? 0) + (pend?.value ?? 0);
    if ((m === 0 && (w.flags & NEEDS_MULT) !== 0) || m > 999) return flush();
    const from = big?.start ?? pend?.start ?? w.start;
    pend = undefined;
    big = { start: from, end: w.end, millions: Math.max(m, 1) * 1e6, thousands: 0, hundreds: 0 };
  };
  const numeral = (t: Token): void => {
    const v = Number(t.digits);
    // "forty 2": a tens word takes a digit as it takes a unit word.
    if (
      pend !== undefined &&
      !pend.done &&
      pend.kind === TENS &&
      (pend.flags & BOUND) === 0 &&
      pend.value >= 20 &&
      pend.value % 10 === 0 &&
      t.digits.length === 1 &&
      v >= 1 &&
      gapWords(text.slice(pend.end, t.start)) === 0 &&
      !STRONG_GAP.test(text.slice(pend.end, t.start))
    ) {
      pend.value += v;
      pend.end = t.end;
      pend.done = true;
      return;
    }
    // After "thousand" (or "million") up to 999 is its rest, after "hundred" up to 99 ("4 thousand 242").
    const restMax = big === undefined ? 0 : big.hundreds !== 0 ? 100 : 1000;
    const rest =
      big !== undefined &&
      pend === undefined &&
      v < restMax &&
      restGap(text.slice(big.end, t.start));
    if (!rest) flush();
    const prev = rest ? undefined : tokens[tokens.length - 1];
    pend = {
      afterNumber: prev !== undefined && gapWords(text.slice(prev.end, t.start)) === 0,
      start: t.start,
      end: t.end,
      kind: TEEN,
      value: v,
      flags: 0,
      done: true,
    };
  };
  return {
    word,
    digits(t) {
      flush();
      push(t);
    },
    numeral,
    reset() {
      flush();
      repeat = 0;
    },
    conn() {},
    ambiguous: () => ambiguous,
    weak(start, end) {
      weakRuns.push(start, end);
      weakRuns.splice(0, 2);
    },
  };
}

interface Pending {
  readonly start: number;
  end: number;
  kind: number;
  /** The number so far (a unit 0-9, or tens 10-90 waiting for a unit). */
  value: number;
  flags: number;
  /** No further word below 100 can join it (a teen, "forty two"); a scale word still can. */
  done: boolean;
  /** Right after another number: as a multiplier it is ambiguous (see `ambiguous`). */
  afterNumber?: boolean;
}

/** Millions, thousands and hundreds read so far ("four thousand two hundred": 4000 and 200). */
interface Big {
  readonly start: number;
  end: number;
  millions: number;
  thousands: number;
  hundreds: number;
}

/**
 * Whether the number word `w` completes the pending one (`pend` updated: 'done' when nothing more
 * can follow, 'more' when a unit may still), or undefined when the two are separate numbers. `gap`
 * is the text between them: separators, at most one connector word ("vingt-et-un", "treinta y dos",
 * "zweiundvierzig", "tweeënveertig").
 */
function compose(pend: Pending, w: WordPiece, gap: string): 'done' | 'more' | undefined {
  const g = gapWords(gap);
  // "forty, two", "quatre, vingt" or "forty | two": a reader takes the mark for the end of a group
  // (40 2), as in "4230, 5555" written in words; spaces, hyphens and underscores join ("forty_two").
  if (g < 0 || STRONG_GAP.test(gap.replace(CONNECTOR_WORD, ''))) return undefined;
  if (pend.kind === UNIT) {
    if (w.kind !== TENS || pend.value === 0) return undefined;
    if (g === 1 && w.value >= 20) {
      // German, Dutch: the unit first, then the tens ("zwei und vierzig").
      pend.value += w.value;
      pend.end = w.end;
      return 'done';
    }
    if (g === 0 && (pend.flags & w.flags & FR_VINGT) !== 0) {
      pend.kind = TENS; // quatre-vingt(s): 80, may take a unit or a teen
      pend.value = 80;
      pend.flags = FR_TEEN;
      pend.end = w.end;
      return 'more';
    }
    return undefined;
  }
  if (pend.kind !== TENS) return undefined;
  if ((pend.flags & BOUND) !== 0 && gap !== '') return undefined;
  // Ten takes only 6-9 ("dix-sept", "dieciséis"); "dieci due" is 10 then 2.
  // "zwanzig einundzwanzig" is 20 21: a unit that starts its own compound joins no tens before it.
  if (
    w.kind === UNIT &&
    (w.flags & UNIT_FIRST) === 0 &&
    w.value > (pend.value === 10 ? 5 : 0) &&
    pend.value % 10 === 0
  ) {
    pend.value += w.value;
    pend.end = w.end;
    return 'done';
  }
  if ((pend.flags & FR_TEEN) !== 0 && pend.value % 20 === 0) {
    // soixante-dix (70), soixante-douze (72), quatre-vingt-dix-sept (97)
    if (w.kind === TENS && w.value === 10 && g === 0) {
      pend.value += 10;
      pend.flags = 0;
      pend.end = w.end;
      return 'more';
    }
    if (w.kind === TEEN && w.value > 10) {
      pend.value += w.value;
      pend.end = w.end;
      return 'done';
    }
  }
  return undefined;
}

const GAP_WORDS_MAX = 12;
/** Whether what follows a scale word after `gap` may be its rest ("two hundred and 42", not "two hundred, 42"). */
function restGap(gap: string): boolean {
  return gapWords(gap) >= 0 && !STRONG_GAP.test(gap.replace(CONNECTOR_WORD, ''));
}
const CONNECTOR_WORD = /\p{L}+/gu;

/** A mark between a tens word and a unit that ends a group rather than joining them. */
const STRONG_GAP = /[^\p{L}\p{M}\p{Cf}\p{Zs}\t_\-\u2010-\u2015]/u;

/**
 * Connector words in the gap between two number words: 0 (only separators), 1 (one connector), or
 * -1 when the gap holds anything else (a letter of another word, a digit) or is too long.
 */
function gapWords(gap: string): number {
  if (gap.length === 0) return 0;
  if (gap.length > GAP_WORDS_MAX) return -1;
  let words = 0;
  let wordStart = -1;
  for (let i = 0; i <= gap.length; i += 1) {
    const cp = i < gap.length ? (gap.codePointAt(i) ?? 0) : 0x20;
    const k = classOf(cp);
    const letter = k === LETTER || (k === MARK && wordStart >= 0);
    if (letter) {
      if (wordStart < 0) wordStart = i;
    } else {
      if (k === DIGIT || k === SOFT) return -1;
      if (wordStart >= 0) {
        if (!isConnector(gap, wordStart, i)) return -1;
        words += 1;
        wordStart = -1;
      }
    }
    if (cp > 0xffff) i += 1;
  }
  return words <= 1 ? words : -1;
}
