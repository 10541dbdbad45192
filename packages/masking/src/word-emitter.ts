// Number words into tokens: "double"/"triple" before a digit, and tens, teens and compounds that
// span several words ("forty two", "vingt-et-un", "zwei und vierzig") joined into one number.
import { classOf, DIGIT, LETTER, MARK, SOFT } from './chars';
import {
  BOUND,
  CONN,
  FR_TEEN,
  FR_VINGT,
  isConnector,
  REPEAT,
  TEEN,
  TENS,
  UNIT,
} from './number-words';
import type { WordPiece } from './number-words';
import type { Token } from './tokens';

/** Pushes tokens, joining "double"/"triple" with the single digit right after it. */
export function makeEmitter(
  text: string,
  tokens: Token[],
): {
  word(w: WordPiece): void;
  digits(t: Token): void;
  reset(): void;
  /** A connector word standing alone ("treinta y dos"): neither a number nor a break. */
  conn(): void;
  /** The letter run `[start, end)` is an everyday word: its tokens are weak. */
  weak(start: number, end: number): void;
} {
  // The last two everyday-word runs (a number word of the one before may still be pending).
  const weakRuns: number[] = [-1, -1, -1, -1];
  let repeat = 0;
  let repeatEnd = -1;
  let repeatStart = -1;
  // A number word waiting for the next one, which may complete it ("forty" + "two" is 42).
  let pend: Pending | undefined;
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
  const flush = (): void => {
    if (pend === undefined) return;
    const p = pend;
    pend = undefined;
    push({ start: p.start, end: p.end, digits: String(p.value) });
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
    if (pend !== undefined) {
      const joined = compose(pend, w, text.slice(pend.end, w.start));
      if (joined === 'done') {
        const p = pend;
        pend = undefined;
        push({ start: p.start, end: w.end, digits: String(p.value) });
        return;
      }
      if (joined === 'more') return;
      flush();
    }
    if (w.kind === TEEN) push({ start: w.start, end: w.end, digits: w.digits });
    else pend = { start: w.start, end: w.end, kind: w.kind, value: w.value, flags: w.flags };
  };
  return {
    word,
    digits(t) {
      flush();
      push(t);
    },
    reset() {
      flush();
      repeat = 0;
    },
    conn() {},
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
}

/**
 * Whether the number word `w` completes the pending one (`pend` updated: 'done' when nothing more
 * can follow, 'more' when a unit may still), or undefined when the two are separate numbers. `gap`
 * is the text between them: separators, at most one connector word ("vingt-et-un", "treinta y dos",
 * "zweiundvierzig", "tweeënveertig").
 */
function compose(pend: Pending, w: WordPiece, gap: string): 'done' | 'more' | undefined {
  const g = gapWords(gap);
  if (g < 0) return undefined;
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
  if (w.kind === UNIT && w.value > (pend.value === 10 ? 5 : 0) && pend.value % 10 === 0) {
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
