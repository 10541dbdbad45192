// Digit runs and letter runs of a text, in one pass, with look-alike letters glued to digits read
// as digits ("424O"). The tokenizer (tokens.ts) reads number words and tokens from them.
import { classOf, DIGIT, digitsOf, LETTER, LOOKALIKE_MAX, lookalikeOf, MARK, SOFT } from './chars';
import type { WordPiece } from './number-words';

export interface Run {
  readonly kind: typeof DIGIT | typeof LETTER | typeof SOFT;
  readonly start: number;
  end: number;
  digits: string;
  /** A letter run made of digit words only. */
  words?: WordPiece[] | undefined;
}

/** Code point at `i` and its width in UTF-16 units. */
export function codePointAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
  }
  return c;
}

/** Digit runs and letter runs of `text`, in order, in one pass. */
export function runsOf(text: string): Run[] {
  const runs: Run[] = [];
  let cur: Run | undefined;
  for (let i = 0; i < text.length;) {
    const cp = codePointAt(text, i);
    const w = cp > 0xffff ? 2 : 1;
    const k = classOf(cp);
    if (k === DIGIT) {
      if (cur?.kind !== DIGIT || cur.end !== i) {
        cur = { kind: DIGIT, start: i, end: i, digits: '' };
        runs.push(cur);
      }
      cur.digits += digitsOf(cp);
      cur.end = i + w;
    } else if (k === LETTER || k === SOFT) {
      if (cur?.kind !== k || cur.end !== i) {
        cur = { kind: k, start: i, end: i, digits: '' };
        runs.push(cur);
      }
      cur.end = i + w;
    } else if (k === MARK && cur !== undefined && cur.kind !== DIGIT && cur.end === i) {
      cur.end = i + w; // an accent on a letter
    }
    i += w;
  }
  return mergeLookalikes(text, runs);
}

/** The digits a run of look-alike letters passes for, or '' when any letter is no look-alike. */
function lookalikeRun(text: string, r: Run): string {
  if (r.kind !== LETTER || r.end - r.start > LOOKALIKE_MAX) return '';
  let look = '';
  for (let i = r.start; i < r.end; i += 1) {
    const d = lookalikeOf(text.charCodeAt(i));
    if (d === '') return '';
    look += d;
  }
  return look;
}

/** A whole group of look-alikes alone: 3 or 4 (a glued stretch: at most LOOKALIKE_MAX). */
const LOOK_GROUP = 4;
/** Separator characters between a lone group of look-alikes and the digits beside it. */
const LOOK_GAP = 3;

/**
 * Look-alike letters (O for 0, l and I for 1) read as digits, where a reader would: in a stretch
 * of digits and look-alikes glued together of at least 4 characters ("424O", "O0OO", "4lll",
 * "2O2O", or shorter right after digit groups: "… 3365 33l"), and as a whole group of 3-4 look-alikes after digit groups ("4OOO OOOO OOOO OOO2").
 * A stretch with any other letter is a word or a reference ("ORD0042", "IOS12"), one shorter
 * than 4 is a model name or a unit ("4o", "2l", "10l"); "2lol" reads as 2101, the price.
 */
function mergeLookalikes(text: string, runs: Run[]): Run[] {
  let out: Run[] | undefined;
  for (let j = 0; j < runs.length;) {
    let k = j + 1;
    while (k < runs.length && (runs[k] as Run).start === (runs[k - 1] as Run).end) k += 1;
    const first = runs[j] as Run;
    const last = runs[k - 1] as Run;
    let merged: Run | undefined;
    const before = out !== undefined ? out[out.length - 1] : runs[j - 1];
    // Four characters, or a short last group after digit groups ("… 3365 33l").
    const long =
      last.end - first.start >= 4 ||
      (before?.kind === DIGIT && first.start - before.end <= LOOK_GAP);
    if (k - j >= 2 && long) {
      let digits = '';
      let real = false;
      let look = false;
      for (let m = j; m < k; m += 1) {
        const r = runs[m] as Run;
        const d = r.kind === DIGIT ? r.digits : lookalikeRun(text, r);
        if (d === '') {
          digits = '';
          break;
        }
        digits += d;
        if (r.kind === DIGIT) real = true;
        else look = true;
      }
      if (digits !== '' && real && look)
        merged = { kind: DIGIT, start: first.start, end: last.end, digits };
    } else if (
      k - j === 1 &&
      first.end - first.start >= 3 &&
      first.end - first.start <= LOOK_GROUP
    ) {
      const alone = lookalikeRun(text, first);
      if (alone !== '' && afterDigits(text, runs, j, before))
        merged = { kind: DIGIT, start: first.start, end: first.end, digits: alone };
    }
    if (merged !== undefined) {
      out ??= runs.slice(0, j);
      out.push(merged);
    } else if (out !== undefined) for (let m = j; m < k; m += 1) out.push(runs[m] as Run);
    j = k;
  }
  return out ?? runs;
}

/**
 * Run `j` (a lone group of look-alikes) follows digits at most LOOK_GAP separators away, and after
 * it, past other such groups, come digits, or nothing near (a last group: "… 0000 OOOO").
 */
function afterDigits(
  text: string,
  runs: readonly Run[],
  j: number,
  prev: Run | undefined,
): boolean {
  const r = runs[j] as Run;
  if (prev?.kind !== DIGIT || r.start - prev.end > LOOK_GAP) return false;
  let end = r.end;
  let whole = r.end - r.start === LOOK_GROUP;
  for (let k = j + 1; k <= j + 4; k += 1) {
    const next = runs[k];
    if (next === undefined || next.start - end > LOOK_GAP) return whole;
    if (next.kind === DIGIT) return true;
    const glued = runs[k + 1];
    // "OO06": look-alikes glued to digits (read as digits by `mergeLookalikes`).
    if (glued?.kind === DIGIT && glued.start === next.end && lookalikeRun(text, next) !== '')
      return true;
    const n = next.end - next.start;
    if (n < 3 || n > LOOK_GROUP || lookalikeRun(text, next) === '') return whole; // a word after
    whole = n === LOOK_GROUP;
    end = next.end;
  }
  return false;
}
