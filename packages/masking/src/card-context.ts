// Expiry dates and CVVs: masked when they sit next to a card number, follow
// a context word ("cvv", "exp", …), or arrive in the message after a card.
import { toAsciiDigits } from './digits';
import { classOf, DIGIT } from './chars';
import type { ClaimSet } from './claims';
import { NEW_NUMBER } from './card-windows';

export const CVV_PLACEHOLDER = '[CVV hidden]';
export const EXPIRY_PLACEHOLDER = '[expiry hidden]';

const NEAR = 64;
// A %XX escape is a separator, not digits (as in the tokenizer): a shape never starts inside one
// ("%205" is a space then 5, not 205), and one right after an escape ("%20123") is not glued to it.
const NOT_IN_ESCAPE = String.raw`(?<!%[0-9A-Fa-f]?)`;
const AFTER_ESCAPE = String.raw`(?<=%[0-9A-Fa-f]{2})`;
const EXPIRY = new RegExp(
  String.raw`${NOT_IN_ESCAPE}(?:${AFTER_ESCAPE}|(?<![\p{Nd}\p{L}]))(\p{Nd}{1,2})[ \t]{0,4}[/\-.][ \t]{0,4}(\p{Nd}{4}|\p{Nd}{2})(?![\p{Nd}\p{L}])`,
  'gu',
);
const EXPIRY_AFTER_WORD =
  /(?<!\p{L})(?:exp(?:iry|ires|iration)?(?:[ \t]+date)?|valid[ \t]+(?:thru|through|until|till)|good[ \t]+thru|mm\/yy)(?!\p{L})[^\p{L}\p{Nd}]{0,12}(?:is[^\p{L}\p{Nd}]{1,4})?(\p{Nd}{1,2})[ \t]{0,4}[/\-. ][ \t]{0,4}(\p{Nd}{4}|\p{Nd}{2})(?![\p{Nd}\p{L}])/giu;
const CVV_AFTER_WORD =
  /(?<!\p{L})(?:cvv2?|cvc2?|cvn|cid|csc|security[ \t]+code|card[ \t]+code|verification[ \t]+code|sec[ \t]+code)(?!\p{L})[^\p{L}\p{Nd}]{0,12}(?:is[^\p{L}\p{Nd}]{1,4})?(\p{Nd}{3,4})(?!\p{Nd})/giu;
const CVV_SHAPE = new RegExp(
  String.raw`${NOT_IN_ESCAPE}(?:${AFTER_ESCAPE}|(?<![\p{Nd}\p{L}/\-.]))\p{Nd}{3,4}(?![\p{Nd}\p{L}/\-.])`,
  'gu',
);
const WORD_HINT = /cv|cid|csc|code|exp|valid|thru|mm\/yy/i;
const LETTERS = /\p{L}/gu;

function validExpiry(month: string, year: string): boolean {
  const m = Number(toAsciiDigits(month));
  const y = toAsciiDigits(year);
  return m >= 1 && m <= 12 && (y.length === 2 || y.startsWith('20'));
}

// A shape starting at most NEAR after a card is taken; each search reads only that window (plus
// the context its look-behind and look-ahead need), never the rest of the text: linear in all.
const BEHIND = 4;
const AHEAD = 40;

/** First match of a shape regex starting in [from, to), searching only around that window. */
function firstIn(
  re: RegExp,
  text: string,
  from: number,
  to: number,
  take: (m: RegExpExecArray, start: number) => boolean,
): void {
  const lo = Math.max(0, from - BEHIND);
  const sub = text.slice(lo, Math.min(text.length, to + AHEAD));
  re.lastIndex = from - lo;
  for (let m = re.exec(sub); m !== null && m.index + lo < to; m = re.exec(sub))
    if (take(m, m.index + lo)) return;
}

/**
 * Whether the shape at `[start, end)` is part of a longer date ("2025-12-31", "31.12.2025",
 * "12/31/2025"), or follows a currency sign or a "+" after the card (an amount, a phone number):
 * those stay readable next to a card (issue 9, open class 3).
 */
function notCardData(text: string, from: number, start: number, end: number): boolean {
  if (NEW_NUMBER.test(text.slice(from, start))) return true;
  const before = text.slice(Math.max(0, start - 6), start);
  return DATE_BEFORE.test(before) || DATE_AFTER.test(text.slice(end, end + 2));
}
const DATE_BEFORE = /(?:(?<!\p{Nd})\p{Nd}{1,2}[/.-]|(?<!\p{Nd})(?:19|20)\p{Nd}{2}-)$/u;
const DATE_AFTER = /^[/.-]\p{Nd}/u;

function addExpiry(text: string, from: number, to: number, claims: ClaimSet): void {
  firstIn(EXPIRY, text, from, to, (m, start) => {
    const end = start + m[0].length;
    if (!validExpiry(m[1] ?? '', m[2] ?? '') || claims.overlaps(start, end)) return false;
    if (notCardData(text, from, start, end)) return false;
    claims.push({ start, end, type: 'expiry', render: EXPIRY_PLACEHOLDER, shape: true });
    return true;
  });
}

function addCvv(text: string, from: number, to: number, claims: ClaimSet): void {
  firstIn(CVV_SHAPE, text, from, to, (m, start) => {
    const end = start + m[0].length;
    if (claims.overlaps(start, end) || notCardData(text, from, start, end)) return false;
    claims.push({ start, end, type: 'cvv', render: CVV_PLACEHOLDER, shape: true });
    return true;
  });
}

export interface CardContextInput {
  readonly text: string;
  /** End offsets of card numbers found in this text. */
  readonly panEnds: readonly number[];
  /** The sender's previous message carried card data. */
  readonly afterCard: boolean;
  readonly expiry: boolean;
  readonly cvv: boolean;
}

/**
 * For each offset, the first offset at or after it where a shape can start: a run of 3 digits
 * (CVV), or a digit then a date separator (expiry). Over-estimates of what the regexes need, so a
 * window without such a place is skipped unread: many cards close together cost one pass.
 */
function nextShapes(text: string): { cvv: Int32Array; expiry: Int32Array } {
  const n = text.length;
  const cvv = new Int32Array(n + 1).fill(n);
  const expiry = new Int32Array(n + 1).fill(n);
  let run = 0;
  let sepAt = n; // nearest date separator at or after i
  for (let i = n - 1; i >= 0; i -= 1) {
    const c = text.charCodeAt(i);
    const digit =
      (c >= 0x30 && c <= 0x39) ||
      (c >= 0x80 &&
        classOf(c >= 0xd800 && c <= 0xdbff ? (text.codePointAt(i) ?? c) : c) === DIGIT) ||
      (c >= 0xdc00 && c <= 0xdfff);
    run = digit ? run + 1 : 0;
    if (c === 0x2f || c === 0x2d || c === 0x2e) sepAt = i;
    cvv[i] = run >= 3 ? i : (cvv[i + 1] ?? n);
    expiry[i] = digit && sepAt - i <= 12 ? i : (expiry[i + 1] ?? n);
  }
  return { cvv, expiry };
}

/** Adds expiry and CVV claims to `claims`. */
export function claimCardContext(input: CardContextInput, claims: ClaimSet): void {
  const { text } = input;
  const next = input.panEnds.length > 4 ? nextShapes(text) : undefined;
  const may = (at: Int32Array | undefined, end: number): boolean =>
    at === undefined || (at[Math.min(end, text.length)] ?? 0) < end + NEAR;
  if (input.expiry) {
    for (const end of input.panEnds)
      if (may(next?.expiry, end)) addExpiry(text, end, end + NEAR, claims);
    if (input.afterCard) addExpiry(text, 0, NEAR, claims);
  }
  if (input.cvv) {
    for (const end of input.panEnds) if (may(next?.cvv, end)) addCvv(text, end, end + NEAR, claims);
    if (input.afterCard && (text.match(LETTERS)?.length ?? 0) <= 30) addCvv(text, 0, NEAR, claims);
  }
  if (!WORD_HINT.test(text)) return;
  if (input.expiry) {
    EXPIRY_AFTER_WORD.lastIndex = 0;
    for (const m of text.matchAll(EXPIRY_AFTER_WORD)) {
      const whole = m[0];
      const start = m.index + whole.length - whole.slice(whole.search(/\p{Nd}/u)).length;
      const end = m.index + whole.length;
      if (validExpiry(m[1] ?? '', m[2] ?? '') && !claims.overlaps(start, end))
        claims.push({ start, end, type: 'expiry', render: EXPIRY_PLACEHOLDER });
    }
  }
  if (input.cvv) {
    for (const m of text.matchAll(CVV_AFTER_WORD)) {
      const value = m[1] ?? '';
      const end = m.index + m[0].length;
      const start = end - value.length;
      if (!claims.overlaps(start, end))
        claims.push({ start, end, type: 'cvv', render: CVV_PLACEHOLDER });
    }
  }
}
