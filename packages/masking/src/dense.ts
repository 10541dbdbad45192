// Dense texts: a message with hundreds of digit runs or digit words (a pasted table, a log, or an
// attacker's 16 KiB of near-cards) is not searched window by window. Every digit and every digit
// word in it is hidden, which is what the search would conclude at worst, in one linear pass: the
// cost of a message stays bounded (issue 9: 10 ms for 16 KiB) whatever its shape. Secrets whose
// letters matter (credentials, e-mail, custom rules) still run; rules made of digits (card, CVV,
// expiry, IBAN, SSN, NI, phone) need not, as no digit is left to show.
import { applyClaims } from './claims';
import type { Claim } from './claims';
import { classOf, DIGIT, digitsOf, LETTER, MARK, SOFT } from './chars';
import { claimCustom } from './custom-rules';
import { segmentWords } from './number-words';
import { tokenize } from './tokens';
import type { Compiled } from './scan';
import type { Finding } from './types';

/** Digit runs and digit words above which a text is dense. No chat message reaches this. */
export const DENSE_UNITS = 64;

const DIGIT_RULE_IDS = new Set(['iban', 'ssn', 'uk_nino', 'phone']);

function codePointAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
  }
  return c;
}

const ASCII = new Uint8Array(0x80);
for (let c = 0; c < 0x80; c += 1) {
  const k = classOf(c);
  ASCII[c] = k === DIGIT || k === LETTER ? k : 0;
}

/** Calls `unit` for each digit run and each digit word of `text` (ends early when it returns false). */
function eachUnit(
  text: string,
  unit: (start: number, end: number, digits: number) => boolean,
): void {
  let digitStart = -1;
  let digitCount = 0;
  let letterStart = -1;
  const n = text.length;
  for (let i = 0; i <= n;) {
    const ch = i < n ? text.charCodeAt(i) : 0x20;
    // ASCII without a call: most of any text
    const cp = ch >= 0xd800 && ch <= 0xdbff ? codePointAt(text, i) : ch;
    const w = cp > 0xffff ? 2 : 1;
    const k = i >= n ? 0 : cp < 0x80 ? (ASCII[cp] ?? 0) : classOf(cp);
    if (k === 0 && digitStart < 0 && letterStart < 0) {
      i += w; // a separator between separators
      continue;
    }
    if (k === DIGIT) {
      if (digitStart < 0) digitStart = i;
      digitCount += Math.max(1, digitsOf(cp).length);
    } else if (digitStart >= 0) {
      if (!unit(digitStart, i, digitCount)) return;
      digitStart = -1;
      digitCount = 0;
    }
    const letter = k === LETTER || k === SOFT || (k === MARK && letterStart >= 0);
    if (letter) {
      if (letterStart < 0) letterStart = i;
    } else if (letterStart >= 0) {
      const words = segmentWords(text, letterStart, i);
      letterStart = -1;
      if (words !== undefined)
        for (const p of words)
          if (p.digits.length > 0 && !unit(p.start, p.end, p.digits.length)) return;
    }
    i += w;
  }
}

/**
 * Whether `text` has more than DENSE_UNITS digit runs and number words, counted by the tokenizer
 * as `prepareUnlessDense` (scan.ts) counts them when masking.
 */
export function isDense(text: string): boolean {
  return tokenize(text, DENSE_UNITS).units > DENSE_UNITS;
}

/**
 * Masks a dense text: credentials, e-mail and custom rules as usual, then every digit and digit
 * word left shown as one bullet per digit, reported as `pan` (one finding per stretch of hidden
 * units with only separators between).
 */
export function maskDense(text: string, c: Compiled): { text: string; findings: Finding[] } {
  const claims: Claim[] = [];
  for (const rule of [...c.early, ...c.late]) {
    if (DIGIT_RULE_IDS.has(rule.id) || !rule.worthTrying(text, 12)) continue;
    const re = rule.re;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const end = rule.confirm === undefined ? m[0].length : rule.confirm(m[0]);
      if (end > 0) {
        claims.push({
          start: m.index,
          end: m.index + end,
          type: rule.id,
          render: rule.placeholder,
        });
        re.lastIndex = m.index + end;
      } else re.lastIndex = m.index + 1;
    }
  }
  if (c.custom.length > 0) claimCustom(text, c.custom, claims);
  // A stretch of units never runs across a secret's claim.
  const covered = new Uint8Array(text.length);
  for (const x of claims) covered.fill(1, x.start, x.end);
  let lastEnd = -1;
  let stretch: { start: number; end: number; parts: Array<[number, number, number]> } | undefined;
  const flush = (): void => {
    if (stretch === undefined) return;
    let render = '';
    let pos = stretch.start;
    for (const [s, e, d] of stretch.parts) {
      render += text.slice(pos, s) + '•'.repeat(d);
      pos = e;
    }
    claims.push({ start: stretch.start, end: stretch.end, type: 'pan', render });
    stretch = undefined;
  };
  eachUnit(text, (start, end, digits) => {
    // A unit touching a claim merges into it (applyClaims: the claim made first renders).
    if (stretch !== undefined && !separatorsOnly(text, lastEnd, start, covered)) flush();
    stretch ??= { start, end, parts: [] };
    stretch.parts.push([start, end, digits]);
    stretch.end = end;
    lastEnd = end;
    return true;
  });
  flush();
  const applied = applyClaims(text, claims);
  return { text: applied.text, findings: applied.findings };
}

/** Whether `text[from, to)` is short and has no letter, digit or claimed character. */
function separatorsOnly(text: string, from: number, to: number, covered: Uint8Array): boolean {
  if (to - from > 8) return false;
  for (let i = from; i < to; i += 1) {
    if (covered[i] === 1) return false;
    const k = classOf(text.charCodeAt(i));
    if (k === LETTER || k === SOFT || k === DIGIT) return false;
  }
  return true;
}
