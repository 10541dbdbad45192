// Tokenizer: digit runs (any script) and English digit words, grouped into
// chains of units separated only by "separator" text (no letters or other
// digits once HTML tags, entities and %-escapes are set aside).
import { classOf, DIGIT, digitsOf, LETTER, lookalikeOf, MARK, SOFT } from './chars';
import { isConnector, isWeakWord, segmentWords } from './number-words';
import type { WordPiece } from './number-words';
import { makeEmitter } from './word-emitter';

export interface Token {
  readonly start: number;
  readonly end: number;
  /** ASCII digits this token stands for. */
  readonly digits: string;
  /** GLUE_LEFT / GLUE_RIGHT: a word's letter touches this digit run on that side. */
  readonly glue?: number;
  /** From an everyday word that reads as a number in another language ("once"): see `buildChains`. */
  readonly weak?: true;
}

/** A token inside a chain, with the kind of gap before it. */
export interface Unit extends Token {
  /** 0: loose separator; otherwise the char code of a lone tight joiner (. , : - / '). */
  readonly gap: number;
}

export interface Chain {
  readonly units: Unit[];
  /** Only separator text between the start of the message and the chain. */
  readonly leading: boolean;
  /** Only separator text between the chain and the end of the message. */
  readonly trailing: boolean;
  /** Preceded by "+" (an international phone number). */
  readonly plusBefore: boolean;
}

const MAX_RUN = 19;
/**
 * A run glued to a word ("ORD4242", "x42") is a chain of its own from this many digits: a card
 * glued to letters is still a card, and pieces of one glued to letters are still pieces (six
 * one-digit pieces show at most six digits, what the display form allows).
 */
const MIN_GLUED = 2;
const MAX_ENTITY = 7;
/** `Token.glue`: a letter touches the run on its left / right (part of a word such as "ORD4242"). */
export const GLUE_LEFT = 1;
export const GLUE_RIGHT = 2;

interface Run {
  readonly kind: typeof DIGIT | typeof LETTER | typeof SOFT;
  readonly start: number;
  end: number;
  digits: string;
  /** A letter run made of digit words only. */
  words?: WordPiece[] | undefined;
}

/** Code point at `i` and its width in UTF-16 units. */
function codePointAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
  }
  return c;
}

/** Digit runs and letter runs of `text`, in order, in one pass. */
function runsOf(text: string): Run[] {
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
  if (r.kind !== LETTER || r.end - r.start > LOOK_MAX) return '';
  let look = '';
  for (let i = r.start; i < r.end; i += 1) {
    const d = lookalikeOf(text.charCodeAt(i));
    if (d === '') return '';
    look += d;
  }
  return look;
}

/** Look-alike letters in one glued stretch: at most 8 in a row; a whole group alone: 3 or 4. */
const LOOK_MAX = 8;
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

/** Whether the digits `[start, end)` lie inside a hexadecimal entity ("&#x2009;"). */
function inHexEntity(text: string, start: number, end: number): boolean {
  let a = start;
  while (a > 0 && start - a < 6 && HEX_DIGIT.test(text[a - 1] ?? '')) a -= 1;
  if ((text[a - 1] !== 'x' && text[a - 1] !== 'X') || text[a - 2] !== '#' || text[a - 3] !== '&')
    return false;
  let b = end;
  while (b < text.length && b - a < 6 && HEX_DIGIT.test(text[b] ?? '')) b += 1;
  return text[b] === ';' && b - a <= 6;
}

const isWord = (r: Run | undefined): boolean => r?.kind === LETTER && r.words === undefined;
const HEX_DIGIT = /^[0-9A-Fa-f]$/;

export interface Tokens {
  readonly tokens: Token[];
  /** UTF-16 units of digit characters (any notation). */
  readonly digitChars: number;
  /** Digit runs and number words (as `isDense` counts them): a dense text has more than 64. */
  readonly units: number;
  /**
   * The same text read with each `%XX` escape before digits as digits ("%4242…" is also 4242…),
   * present only when the text has such an escape: a card may hide in either reading.
   */
  readonly alt?: Token[];
}

/**
 * Digit runs (any notation) and digit words of `text`. Runs glued to a word on
 * both sides ("a716b"), runs longer than 19 digits, and digits that belong to
 * an HTML entity or a %-escape are left out, so that they break the chain they
 * sit in; a run glued on one side is kept with `glue` set (see `buildChains`). Once the units
 * pass `cap`, returns at once with no tokens (the text is dense).
 */
export function tokenize(text: string, cap = Infinity): Tokens {
  const runs = runsOf(text);
  const tokens: Token[] = [];
  const trimmed = new Set<Token>();
  const full: Token[] = [];
  let digitChars = 0;
  let units = 0;
  const emit = makeEmitter(text, tokens);
  for (let j = 0; j < runs.length; j += 1) {
    const r = runs[j] as Run;
    if (r.kind === SOFT) continue;
    if (r.kind === LETTER) {
      r.words = segmentWords(text, r.start, r.end);
      if (r.words !== undefined) for (const w of r.words) if (w.digits !== '') units += 1;
    } else units += 1;
    // Past `cap` the caller masks the text as dense: no tokens needed.
    if (units > cap) return { tokens: [], digitChars: 0, units };
  }
  for (let j = 0; j < runs.length; j += 1) {
    const r = runs[j] as Run;
    if (r.kind === SOFT) {
      emit.reset();
      continue;
    }
    if (r.kind === LETTER) {
      if (r.words !== undefined) {
        if (isWeakWord(text, r.start, r.end)) emit.weak(r.start, r.end);
        for (const w of r.words) emit.word(w);
      } else if (isConnector(text, r.start, r.end)) emit.conn();
      else emit.reset();
      continue;
    }
    digitChars += r.end - r.start;
    let start = r.start;
    let digits = r.digits;
    const prev = text.charCodeAt(start - 1);
    const ascii2 = HEX_DIGIT.test(text[start] ?? '') && HEX_DIGIT.test(text[start + 1] ?? '');
    if (prev === 0x25 && ascii2) {
      // "%20" is an escape, not digits; "%204242" is an escape then 4242. Both readings are kept.
      if (digits.length <= 2) {
        full.push({ start, end: r.end, digits });
        emit.reset();
        continue;
      }
      start += 2;
      digits = digits.slice(2);
    } else if (
      prev === 0x23 &&
      text.charCodeAt(start - 2) === 0x26 &&
      r.end - start <= MAX_ENTITY &&
      text.charCodeAt(r.end) === 0x3b
    ) {
      emit.reset(); // &#8203; is a character, not digits
      continue;
    } else if (inHexEntity(text, r.start, r.end)) {
      emit.reset(); // &#x20; and &#x200B; too
      continue;
    }
    const before = runs[j - 1];
    const after = runs[j + 1];
    let glue = 0;
    if (before?.end === r.start && isWord(before)) {
      // "%2C4242": the C is the escape's second hex digit, not a letter of a word.
      const escape = text[start - 3] === '%' && HEX_DIGIT.test(text[start - 2] ?? '');
      if (!escape) glue |= GLUE_LEFT;
    }
    if (after?.start === r.end && isWord(after)) glue |= GLUE_RIGHT;
    // A single digit glued on both sides ("a7b", "H2O") is part of a word; longer runs are kept:
    // "card4242424242424242exp" is a card, and "x4242" a piece of one.
    if (
      (glue === (GLUE_LEFT | GLUE_RIGHT) && digits.length < MIN_GLUED) ||
      digits.length > MAX_RUN
    ) {
      emit.reset();
      continue;
    }
    const token: Token =
      glue === 0 ? { start, end: r.end, digits } : { start, end: r.end, digits, glue };
    if (start !== r.start) {
      trimmed.add(token);
      full.push({ ...token, start: r.start, digits: r.digits });
    }
    emit.digits(token);
  }
  emit.reset(); // a number word still waiting for a unit
  if (full.length === 0) return { tokens, digitChars, units };
  const alt = [...tokens.filter((t) => !trimmed.has(t)), ...full].sort((a, b) => a.start - b.start);
  return { tokens, digitChars, units, alt };
}

// Set aside between units: HTML tags, entities, %-escapes, and the masker's own placeholders (an
// echo never shields digits: "5555 5555 [expiry hidden] 5555 4444" is one chain).
const GAP_STRIP =
  /<\/?[A-Za-z][^<>]{0,100}>|&(?:[A-Za-z]{2,10}|#\d{1,7}|#[xX][0-9A-Fa-f]{1,6});|%[0-9A-Fa-f]{2}|\[[A-Za-z ]{2,40} hidden\]/g;
const TIGHT = new Set([0x2e, 0x2c, 0x3a, 0x2d, 0x2f, 0x27]);
const MAX_GAP_RAW = 300;
const MAX_GAP = 32;

/** Gap kind (see `Unit.gap`), or -1 when the gap breaks a chain. */
export function gapKind(gap: string): number {
  const n = gap.length;
  if (n === 0) return 0;
  if (n === 1) {
    const c = gap.charCodeAt(0);
    if (TIGHT.has(c)) return c;
    if (c === 0x20 || c === 0x0a) return 0;
  }
  if (n > MAX_GAP_RAW) return -1;
  let rest = gap;
  if (gap.includes('<') || gap.includes('&') || gap.includes('%') || gap.includes('['))
    rest = gap.replace(GAP_STRIP, '');
  if (rest.length > MAX_GAP) return -1;
  return hasLetterOrDigit(rest) ? -1 : 0;
}

/** Whether a reader sees a letter or a digit in `s` (blank-rendering letters are not letters). */
function hasLetterOrDigit(s: string): boolean {
  for (let i = 0; i < s.length; i += 1) {
    const cp = codePointAt(s, i);
    if (cp > 0xffff) i += 1;
    const k = classOf(cp);
    if (k === DIGIT || k === LETTER || k === SOFT) return true;
  }
  return false;
}

/** Group tokens into chains. `blocked` tokens (already claimed) are left out. */
export function buildChains(
  text: string,
  tokens: readonly Token[],
  blocked?: (t: Token) => boolean,
): Chain[] {
  const groups: Unit[][] = [];
  let units: Unit[] = [];
  let lastEnd = 0;
  let lastGlue = 0;
  // A run glued to a word is a piece of a chain only at that edge ("5555-5555-5555-4444exp"), or
  // a chain alone from MIN_GLUED digits ("card4242424242424242" is a card when it passes Luhn).
  const close = (): void => {
    const only = units[0];
    // A chain of everyday words alone ("once", "elf") is words, not a number.
    if (
      (units.length > 1 ||
        (only !== undefined && (only.glue === undefined || only.digits.length >= MIN_GLUED))) &&
      units.some((u) => u.weak !== true)
    )
      groups.push(units);
    units = [];
  };
  for (const t of tokens) {
    if (blocked !== undefined && blocked(t)) continue;
    const glue = t.glue ?? 0;
    if (units.length > 0) {
      const kind = gapKind(text.slice(lastEnd, t.start));
      if (kind < 0 || (glue & GLUE_LEFT) !== 0 || (lastGlue & GLUE_RIGHT) !== 0) close();
      else units.push(unitOf(t, kind));
    }
    if (units.length === 0) units.push(unitOf(t, 0));
    lastEnd = t.end;
    lastGlue = glue;
  }
  close();
  // Only the first chain can be leading and only the last trailing: any other has digits on that side.
  const n = groups.length;
  return groups.map((g, i) => {
    const first = g[0] as Unit;
    const last = g[g.length - 1] as Unit;
    return {
      units: g,
      leading: i === 0 && gapKind(text.slice(0, first.start)) >= 0,
      trailing: i === n - 1 && gapKind(text.slice(last.end)) >= 0,
      plusBefore:
        first.start > 0 && PLUS_BEFORE.test(text.slice(Math.max(0, first.start - 2), first.start)),
    };
  });
}

const PLUS_BEFORE = /\+\s?$/;

function unitOf(t: Token, gap: number): Unit {
  const u: Unit =
    t.glue === undefined
      ? { start: t.start, end: t.end, digits: t.digits, gap }
      : { start: t.start, end: t.end, digits: t.digits, gap, glue: t.glue };
  return t.weak === true ? { ...u, weak: true } : u;
}
