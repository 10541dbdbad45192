// Tokenizer: digit runs (any script) and English digit words, grouped into
// chains of units separated only by "separator" text (no letters or other
// digits once HTML tags, entities and %-escapes are set aside).
import { DIGIT_WORDS, REPEAT_WORDS, toAsciiDigits } from './digits';

export interface Token {
  readonly start: number;
  readonly end: number;
  /** ASCII digits this token stands for. */
  readonly digits: string;
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

const TOKEN_RE_UNICODE =
  /\p{Nd}+|(?<!\p{L})(?:zero|oh|nought|one|two|three|four|five|six|seven|eight|nine|double|triple)(?!\p{L})/giu;
// Same tokens for pure-ASCII text, about twice as fast: no Unicode classes,
// and a trie instead of a case-insensitive alternation.
const TOKEN_RE_ASCII =
  /[0-9]+|\b(?:[Oo](?:[Nn][Ee]|[Hh])|[Tt](?:[Ww][Oo]|[Hh][Rr][Ee][Ee]|[Rr][Ii][Pp][Ll][Ee])|[Ff](?:[Oo][Uu][Rr]|[Ii][Vv][Ee])|[Ss](?:[Ii][Xx]|[Ee][Vv][Ee][Nn])|[Ee][Ii][Gg][Hh][Tt]|[Nn](?:[Ii][Nn][Ee]|[Oo][Uu][Gg][Hh][Tt])|[Zz][Ee][Rr][Oo]|[Dd][Oo][Uu][Bb][Ll][Ee])\b/g;
const NON_ASCII = /[^\t\n\r\x20-\x7e]/;
const LETTER = /\p{L}/u;
const HEX = /^[0-9A-Fa-f]$/;
const MAX_RUN = 19;

function isLetterAt(text: string, i: number, before: boolean): boolean {
  if (i < 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  if (c < 0x80) return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  if (before && c >= 0xdc00 && c <= 0xdfff && i > 0) return LETTER.test(text.slice(i - 1, i + 1));
  if (!before && c >= 0xd800 && c <= 0xdbff) return LETTER.test(text.slice(i, i + 2));
  return LETTER.test(text[i] ?? '');
}

/**
 * Digit runs and digit words of `text`. Runs glued to a letter (part of a word
 * such as "a716" or "ORD123"), runs longer than 19 digits, and digits that
 * belong to an HTML entity or a %-escape are left out, so that they break the
 * chain they sit in.
 */
export function tokenize(text: string): { tokens: Token[]; digitChars: number } {
  const tokens: Token[] = [];
  let digitChars = 0;
  let repeat = 0;
  let repeatEnd = -1;
  let repeatStart = -1;
  const re = NON_ASCII.test(text) ? TOKEN_RE_UNICODE : TOKEN_RE_ASCII;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    let start = m.index;
    const end = start + m[0].length;
    let digits: string;
    if (!isLetterAt(text, start, false)) {
      // A digit run (any script).
      digitChars += m[0].length;
      const prev = text[start - 1];
      if (prev === '%') {
        // "%20" is an escape, not digits; "%204242" is an escape then 4242.
        if (m[0].length <= 2) continue;
        start += 2;
      } else if (prev === '#' && text[start - 2] === '&') continue;
      else if (isLetterAt(text, start - 1, true)) {
        if (!(text[start - 3] === '%' && HEX.test(text[start - 2] ?? ''))) continue;
      }
      if (isLetterAt(text, end, false)) continue;
      if (end - start > MAX_RUN * 2) continue;
      digits = toAsciiDigits(text.slice(start, end));
      if (digits.length > MAX_RUN) continue;
      if (repeat > 0 && digits.length === 1 && start - repeatEnd <= 2) {
        tokens.push({ start: repeatStart, end, digits: digits.repeat(repeat) });
        repeat = 0;
        continue;
      }
    } else {
      // U+017F (long s) matches "s" case-insensitively but does not lower-case to it.
      const word = m[0].toLowerCase().replace(/\u017f/g, 's');
      const times = REPEAT_WORDS[word];
      if (times !== undefined) {
        repeat = times;
        repeatStart = start;
        repeatEnd = end;
        continue;
      }
      digits = DIGIT_WORDS[word] ?? '';
      if (repeat > 0 && start - repeatEnd <= 2) {
        tokens.push({ start: repeatStart, end, digits: digits.repeat(repeat) });
        repeat = 0;
        continue;
      }
    }
    repeat = 0;
    tokens.push({ start, end, digits });
  }
  return { tokens, digitChars };
}

const GAP_STRIP =
  /<\/?[A-Za-z][^<>]{0,100}>|&(?:[A-Za-z]{2,10}|#\d{1,7}|#x[0-9A-Fa-f]{1,6});|%[0-9A-Fa-f]{2}/g;
const GAP_BAD = /[\p{L}\p{Nd}]/u;
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
  if (gap.includes('<') || gap.includes('&') || gap.includes('%'))
    rest = gap.replace(GAP_STRIP, '');
  if (rest.length > MAX_GAP) return -1;
  return GAP_BAD.test(rest) ? -1 : 0;
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
  for (const t of tokens) {
    if (blocked !== undefined && blocked(t)) continue;
    if (units.length === 0) {
      units.push({ start: t.start, end: t.end, digits: t.digits, gap: 0 });
    } else {
      const kind = gapKind(text.slice(lastEnd, t.start));
      if (kind < 0) {
        groups.push(units);
        units = [];
      }
      units.push({ start: t.start, end: t.end, digits: t.digits, gap: kind < 0 ? 0 : kind });
    }
    lastEnd = t.end;
  }
  if (units.length > 0) groups.push(units);
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
