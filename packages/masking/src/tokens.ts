// Tokenizer: digit runs (any script) and English digit words, grouped into
// chains of units separated only by "separator" text (no letters or other
// digits once HTML tags, entities and %-escapes are set aside).
import { classOf, DIGIT, LETTER, SOFT } from './chars';
import { codePointAt, runsOf } from './runs';
import type { Run } from './runs';
import { isConnector, isWeakWord, segmentWords, TENS, UNIT, UNIT_FIRST } from './number-words';
import type { WordPiece } from './number-words';
import { makeEmitter } from './word-emitter';
import { looseLookalikes } from './lookalike-loose';

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
  /**
   * Other readings, searched for cards only: of the number words, when a unit word between two
   * numbers could be either the end of the one before or the multiplier of a "thousand" or
   * "hundred" after it; and of look-alike letters read loosely (see lookalike-loose.ts).
   */
  readonly wordAlts?: Token[][];
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
  let units = 0;
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
  const tokens: Token[] = [];
  const emit = makeEmitter(text, tokens);
  const read = readRuns(text, runs, emit);
  const wordAlts = otherReadings(text, runs, emit.ambiguous()) ?? [];
  // Homoglyphs read loosely ("42S2", "4|11", "BOO8"): one more reading, searched for cards only.
  const loose = looseLookalikes(text, runs);
  if (loose !== undefined) {
    const read: Token[] = [];
    readRuns(text, loose, makeEmitter(text, read));
    wordAlts.push(read);
  }
  const more = wordAlts.length === 0 ? {} : { wordAlts };
  const { trimmed, full, digitChars } = read;
  if (full.length === 0) return { tokens, digitChars, units, ...more };
  const alt = [...tokens.filter((t) => !trimmed.has(t)), ...full].sort((a, b) => a.start - b.start);
  return { tokens, digitChars, units, alt, ...more };
}

/** Readings with a multiplier that could end the number before it left apart (see `makeEmitter`). */
const MAX_AMBIGUOUS = 3;

function otherReadings(
  text: string,
  runs: readonly Run[],
  ambiguous: number,
): Token[][] | undefined {
  if (ambiguous === 0) return undefined;
  // Every choice for up to three such words ("… zero five mille neuf": 0 0 0 5 | 1009, or 0 0 0 5009), past
  // that only the reading with none of them bound (linear cost: at most eight passes over the runs).
  const choices = ambiguous <= MAX_AMBIGUOUS ? (1 << ambiguous) - 1 : 1;
  const out: Token[][] = [];
  for (let mask = 1; mask <= choices; mask += 1) {
    const tokens: Token[] = [];
    const all = ambiguous > MAX_AMBIGUOUS;
    readRuns(
      text,
      runs,
      makeEmitter(text, tokens, (k) => all || ((mask >> k) & 1) === 1),
    );
    out.push(tokens);
  }
  return out;
}

/**
 * Whether letter run `j` ends in a unit word that starts a compound in the runs after it ("sechs
 * und fünfzig", "zes en vijftig"): then it joins no tens word before it ("dreißig sechs und
 * fünfzig" is 30 56, not 36 and 50).
 */
function unitFirst(text: string, runs: readonly Run[], j: number): boolean {
  const r = runs[j] as Run;
  const conn = runs[j + 1];
  const tens = runs[j + 2];
  if (conn?.kind !== LETTER || tens?.kind !== LETTER || tens.words === undefined) return false;
  if (r.words?.[r.words.length - 1]?.kind !== UNIT || tens.words[0]?.kind !== TENS) return false;
  if (conn.start - r.end > 2 || tens.start - conn.end > 2) return false;
  return isConnector(text, conn.start, conn.end);
}

function startsCompound(words: readonly WordPiece[]): WordPiece[] {
  const out = [...words];
  const last = out[out.length - 1] as WordPiece;
  out[out.length - 1] = { ...last, flags: last.flags | UNIT_FIRST };
  return out;
}

/** Emits the tokens of `runs` (letter runs already segmented into number words). */
function readRuns(
  text: string,
  runs: readonly Run[],
  emit: ReturnType<typeof makeEmitter>,
): { trimmed: Set<Token>; full: Token[]; digitChars: number } {
  const trimmed = new Set<Token>();
  const full: Token[] = [];
  let digitChars = 0;
  for (let j = 0; j < runs.length; j += 1) {
    const r = runs[j] as Run;
    if (r.kind === SOFT) {
      emit.reset();
      continue;
    }
    if (r.kind === LETTER) {
      if (r.words !== undefined) {
        if (isWeakWord(text, r.start, r.end)) emit.weak(r.start, r.end);
        const words = unitFirst(text, runs, j) ? startsCompound(r.words) : r.words;
        for (const w of words) emit.word(w);
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
    // "4 thousand 2 hundred 42": a short number joins the number words beside it.
    if (glue === 0 && start === r.start && digits.length <= 3 && digits.charCodeAt(0) !== 0x30)
      emit.numeral(token);
    else emit.digits(token);
  }
  emit.reset(); // a number word still waiting for a unit
  return { trimmed, full, digitChars };
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
  let lastStart = 0;
  let lastEnd = 0;
  let lastGlue = 0;
  // A run glued to a word is a piece of a chain only at that edge ("5555-5555-5555-4444exp"), or
  // a chain alone from MIN_GLUED digits ("card4242424242424242" is a card when it passes Luhn).
  const close = (): void => {
    const only = units[0];
    // An everyday word alone ("once", "elf", "mil") is a word, not a number; two of them in a row
    // ("onze onze") are a number (issue 9: a split card's group spoken so was shown on the held path).
    if (
      units.length > 1 ||
      (only !== undefined &&
        only.weak !== true &&
        (only.glue === undefined || only.digits.length >= MIN_GLUED))
    )
      groups.push(units);
    units = [];
  };
  for (const t of tokens) {
    if (blocked !== undefined && blocked(t)) continue;
    const glue = t.glue ?? 0;
    if (units.length > 0) {
      let kind = gapKind(text.slice(lastEnd, t.start));
      // "forty-two-forty-two": a hyphen (or other tight joiner) beside a number word joins words,
      // not short digit groups, so it is a loose separator there.
      if (kind > 0 && (wordToken(text, t.start, t.end) || wordToken(text, lastStart, lastEnd)))
        kind = 0;
      if (kind < 0 || (glue & GLUE_LEFT) !== 0 || (lastGlue & GLUE_RIGHT) !== 0) close();
      else units.push(unitOf(t, kind));
    }
    if (units.length === 0) units.push(unitOf(t, 0));
    lastStart = t.start;
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

/** Whether the UTF-16 unit at `i` is (part of) a letter, as number words are. */
function letterAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return i >= 0 && c < 0xd800 && (classOf(c) === LETTER || (c >= 0x300 && c <= 0x36f));
}

/** Whether a token was read from number words, at least in part ("forty two", "twenty 3", "4 thousand"). */
function wordToken(text: string, start: number, end: number): boolean {
  return letterAt(text, start) || letterAt(text, end - 1);
}

function unitOf(t: Token, gap: number): Unit {
  const u: Unit =
    t.glue === undefined
      ? { start: t.start, end: t.end, digits: t.digits, gap }
      : { start: t.start, end: t.end, digits: t.digits, gap, glue: t.glue };
  return t.weak === true ? { ...u, weak: true } : u;
}
