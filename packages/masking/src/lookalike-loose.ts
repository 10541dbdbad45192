// Homoglyphs inside a card-shaped run (issue 9, open class 2, fifth pass): letters that look like
// digits — O for 0, l I | for 1, S for 5, B for 8, Z for 2, and their Greek and Cyrillic twins
// (Ѕ, Β, В, Ζ, З for 3, Б for 6, Ч for 4) — read as digits in a second reading of the text that is
// only searched for cards: a stretch becomes a card only when its digits make a Luhn-valid 12-19
// digit window of whole groups, so ordinary words ("SOS", "BOSS", "GPT-4o") stay words and are
// never held as pieces (the held path reads the main reading only).
import { DIGIT, LETTER, lookalikeOf } from './chars';
import type { Run } from './runs';

const EXTRA: Readonly<Record<number, string>> = {
  0x53: '5', // S
  0x405: '5', // Cyrillic Dze Ѕ
  0x455: '5', // ѕ
  0x42: '8', // B
  0x392: '8', // Greek Beta
  0x412: '8', // Cyrillic Ve В
  0x5a: '2', // Z
  0x396: '2', // Greek Zeta
  0x417: '3', // Cyrillic Ze З
  0x437: '3', // з
  0x411: '6', // Cyrillic Be Б
  0x431: '6', // б
  0x427: '4', // Cyrillic Che Ч
  0x447: '4', // ч
};

/** The digit a letter passes for in the loose reading, or ''. */
export function looseLookalikeOf(cp: number): string {
  return lookalikeOf(cp) || (EXTRA[cp] ?? '');
}

/** A stretch of glued digits and look-alikes reads as digits up to a card's length. */
const MAX_STRETCH = 19;
/** A group of look-alikes alone (between or beside digit groups): 2-6 letters, as card groups are. */
const MIN_GROUP = 2;
const MAX_GROUP = 6;
/** Separator characters between such a group and the digits beside it. */
const NEAR = 3;

function looseRun(text: string, r: Run): string {
  if (r.kind !== LETTER || r.end - r.start > MAX_STRETCH) return '';
  let out = '';
  for (let i = r.start; i < r.end; i += 1) {
    const d = looseLookalikeOf(text.charCodeAt(i));
    if (d === '') return '';
    out += d;
  }
  return out;
}

/** Whether runs `a` then `b` touch, or are joined by bars "|" (each read as 1): the joiner's digits. */
function joint(text: string, a: Run, b: Run): string | undefined {
  const n = b.start - a.end;
  if (n === 0) return '';
  if (n > MAX_BARS) return undefined;
  for (let i = a.end; i < b.start; i += 1) if (text.charCodeAt(i) !== 0x7c) return undefined;
  return '1'.repeat(n);
}
const MAX_BARS = 3;

/**
 * The runs with look-alike letters read loosely as digits, or undefined when that changes nothing.
 * Glued stretches of digits and look-alikes (at least one real digit, "|" between them read as 1)
 * become digit runs; a lone group of 2-6 look-alikes next to digits (at most 3 separators away)
 * becomes a digit run too. Linear: each run is looked at a bounded number of times.
 */
export function looseLookalikes(text: string, runs: readonly Run[]): Run[] | undefined {
  const out: Run[] = [];
  let changed = false;
  for (let j = 0; j < runs.length;) {
    let k = j + 1;
    const joins: string[] = [];
    while (k < runs.length) {
      const g = joint(text, runs[k - 1] as Run, runs[k] as Run);
      if (g === undefined) break;
      joins.push(g);
      k += 1;
    }
    const merged = k - j >= 2 ? mergeStretch(text, runs, j, k, joins) : undefined;
    if (merged !== undefined) {
      for (let m = j; m < merged.from; m += 1) out.push(runs[m] as Run);
      out.push(merged.run);
      for (let m = merged.to; m < k; m += 1) out.push(runs[m] as Run);
      changed = true;
    } else for (let m = j; m < k; m += 1) out.push(runs[m] as Run);
    j = k;
  }
  // A bar glued to one side of a group ("5|O5 |O5| O5|O"): a 1 at that edge.
  for (let j = 0; j < out.length; j += 1) {
    const r = out[j] as Run;
    if (r.kind !== DIGIT && r.digits === '' && looseRun(text, r) === '') continue;
    let { start, end } = r;
    let digits = r.digits !== '' ? r.digits : looseRun(text, r);
    while (start > 0 && text.charCodeAt(start - 1) === 0x7c && r.start - start < MAX_BARS) {
      start -= 1;
      digits = `1${digits}`;
    }
    while (text.charCodeAt(end) === 0x7c && end - r.end < MAX_BARS) {
      end += 1;
      digits += '1';
    }
    if (start === r.start && end === r.end) continue;
    out[j] = { kind: r.kind, start, end, digits };
    changed = true;
  }
  // Lone groups of look-alikes beside digits ("SSSS SSSS 5555 4444"), or beside such groups: one
  // pass each way, so a group reached only through other groups is read too.
  const order = [...out.keys(), ...[...out.keys()].reverse()];
  for (const j of order) {
    const r = out[j] as Run;
    const n = r.end - r.start;
    if (r.kind !== LETTER || n < MIN_GROUP || n > MAX_GROUP) continue;
    const before = out[j - 1];
    const after = out[j + 1];
    const near =
      (before?.kind === DIGIT && r.start - before.end <= NEAR) ||
      (after?.kind === DIGIT && after.start - r.end <= NEAR);
    const digits = !near ? '' : r.digits !== '' ? r.digits : looseRun(text, r);
    if (digits === '') continue;
    out[j] = { kind: DIGIT, start: r.start, end: r.end, digits };
    changed = true;
  }
  return allLookalikeGroups(text, out) || changed ? out : undefined;
}

/**
 * A card written in look-alikes only ("ЧOOO OOOO OOOO OOOZ"): three or more groups of four (the last
 * may be shorter) close together, 12-19 digits in all, are read as digits.
 */
function allLookalikeGroups(text: string, out: Run[]): boolean {
  let changed = false;
  for (let j = 0; j < out.length;) {
    let k = j;
    let digits = 0;
    while (k < out.length) {
      const r = out[k] as Run;
      const n = r.end - r.start;
      if (r.kind !== LETTER || n > 4 || (n < 4 && k === j)) break;
      if (k > j && r.start - (out[k - 1] as Run).end > NEAR) break;
      const d = r.digits !== '' ? r.digits : looseRun(text, r);
      if (d === '') break;
      digits += d.length;
      k += 1;
      if (n < 4) break; // a shorter group ends the card
    }
    if (k - j >= 3 && digits >= 12 && digits <= MAX_STRETCH) {
      for (let m = j; m < k; m += 1) {
        const r = out[m] as Run;
        out[m] = { kind: DIGIT, start: r.start, end: r.end, digits: r.digits || looseRun(text, r) };
      }
      changed = true;
    }
    j = Math.max(k, j + 1);
  }
  return changed;
}

/** Runs `[j, k)` (glued, `joins` between them) as one digit run: runs `[from, to)` of them. */
function mergeStretch(
  text: string,
  runs: readonly Run[],
  j: number,
  k: number,
  joins: readonly string[],
): { run: Run; from: number; to: number } | undefined {
  // A word glued at either end ("card4O12…") stays a word; the stretch inside it is read.
  let from = j;
  let to = k;
  const word = (r: Run): boolean => r.kind === LETTER && looseRun(text, r) === '';
  while (from < to && word(runs[from] as Run)) from += 1;
  while (to > from && word(runs[to - 1] as Run)) to -= 1;
  if (to - from < 2) return undefined;
  let digits = '';
  let real = false;
  for (let m = from; m < to; m += 1) {
    const r = runs[m] as Run;
    const d = r.kind === DIGIT ? r.digits : looseRun(text, r);
    if (d === '') return undefined;
    if (r.kind === DIGIT) real = true;
    digits += (m > from ? (joins[m - j - 1] ?? '') : '') + d;
  }
  if (digits.length > MAX_STRETCH) return undefined;
  const first = runs[from] as Run;
  const last = runs[to - 1] as Run;
  // Look-alikes alone ("O|OB") are a group only beside digits: a letter run that knows its digits.
  const kind = real ? DIGIT : LETTER;
  return { run: { kind, start: first.start, end: last.end, digits }, from, to };
}
