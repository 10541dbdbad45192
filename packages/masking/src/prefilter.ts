// One pass of char-code checks that proves most chat messages hold nothing to
// mask, so they skip the tokenizer and every rule. Every bound below is an
// over-estimate of what the full scan would see: when in doubt, scan.
import { classOf, DIGIT, digitsOf, LOOKALIKE_MAX } from './chars';
import { looseLookalikeOf } from './lookalike-loose';
import { foldUnit, mayStartWithWord, segmentWords } from './number-words';
import type { Compiled } from './scan';

/** The full scan is needed. */
export const SCAN = 0;
/** Nothing to mask; the text may hold a few digits (a stateless mask may skip the scan). */
export const CLEAN = 1;
/** Nothing to mask and not a single digit or digit word: no state of a conversation can change it. */
export const BARE = 2;
/**
 * No card, no card context and no credential can be in the text, but it has
 * enough digits for an IBAN, SSN or NI number: only those rules need to run.
 */
export const DIGIT_RULES = 3;
export type Verdict = typeof SCAN | typeof CLEAN | typeof BARE | typeof DIGIT_RULES;

/** Filled in by each `prefilter` call that answers DIGIT_RULES (the caller reads it at once). */
export const digitFacts = {
  /** Digits as the tokenizer counts them (UTF-16 units of \p{Nd}). */
  digits: 0,
  /** Some ASCII letter is followed by a digit, directly or after one space (IBAN and NI numbers start so). */
  lettered: false,
};

/** Digits a letter run `text[start, end)` can stand for: digit words only (see number-words.ts). */
function wordDigits(text: string, start: number, end: number): number {
  if (end - start < 2 || !mayStartWithWord(text, start, end)) return 0;
  const pieces = segmentWords(text, start, end);
  if (pieces === undefined) return 0;
  let n = 0;
  for (const p of pieces) n += p.repeat > 0 ? p.repeat : p.digits.length;
  return n;
}

/** Digits a non-ASCII code point stands for (0 when it is no digit). */
function digitCount(cp: number, width: number): number {
  if (classOf(cp) !== DIGIT) return 0;
  return Math.max(width, digitsOf(cp).length);
}

function isAsciiLetter(c: number): boolean {
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x7a;
}

/** O o l I, and S B Z as the loose reading takes them (lookalike-loose.ts). */
const LOOK_ASCII = new Set([0x4f, 0x6f, 0x6c, 0x49, 0x53, 0x42, 0x5a]);

const WORD_HINT = /cv|cid|csc|code|exp|valid|thru|mm\/yy/i;

/**
 * Whether `text` needs the full scan under `c`, for a message without card
 * context from earlier messages. Mirrors, as over-estimates: the credential
 * triggers of scan.ts (EARLY_TRIGGER), the digit counts the rules in
 * secrets.ts require, the 12 digits a card needs (digit runs and digit words
 * together), the context words of card-context.ts and the masked forms of echo.ts.
 */
export function prefilter(text: string, c: Compiled): Verdict {
  if (c.late.length > 0 || c.custom.length > 0) return SCAN;
  const email = c.on.email;
  const n = text.length;
  let digits = 0; // digit characters (UTF-16 units, or the digits one stands for when more)
  let words = 0; // digits that digit words stand for
  let runStart = -1; // start of the current run of letters that may be digit words
  let look = false; // the current run is look-alike letters only ("O", "lOl": they may pass for digits)
  let bullets = 0;
  let lettered = false;
  for (let i = 0; i <= n; i += 1) {
    const ch = i < n ? text.charCodeAt(i) : 0x20;
    const lower = ch | 0x20;
    const asciiLetter = lower >= 0x61 && lower <= 0x7a && ch < 0x80;
    // Accented letters of digit words ("fünf", "três") and their combining accents fold like the tokenizer.
    if (asciiLetter || (ch >= 0x80 && foldUnit(ch) !== 0)) {
      if (runStart < 0) {
        runStart = i;
        look = true;
      }
      if (look && !LOOK_ASCII.has(ch)) look = false;
      if (!asciiLetter) {
        bullets = 0;
        continue;
      }
      if (ch < 0x61) {
        // Upper case: AKIA/ASIA/ABIA/ACCA, AIza, eyJ, PRIVATE KEY.
        if (ch === 0x41) {
          const a = text.charCodeAt(i + 1);
          const b = text.charCodeAt(i + 2);
          if (
            (a === 0x49 && b === 0x7a) ||
            ((a === 0x4b || a === 0x53 || a === 0x42 || a === 0x43) &&
              (b === 0x49 || b === 0x43) &&
              text.charCodeAt(i + 3) === 0x41)
          )
            return SCAN;
        } else if (ch === 0x4a) {
          if (text.charCodeAt(i - 1) === 0x79 && text.charCodeAt(i - 2) === 0x65) return SCAN;
        } else if (ch === 0x50 && text.startsWith('PRIVATE KEY', i)) return SCAN;
      } else if (ch === 0x78) {
        if (text.startsWith('xox', i)) return SCAN;
      } else if (
        ch === 0x68 &&
        text.charCodeAt(i + 1) === 0x6f &&
        text.startsWith('hooks.slack', i)
      )
        return SCAN;
      bullets = 0;
      continue;
    }
    if (runStart >= 0) {
      words += look && i - runStart <= LOOKALIKE_MAX ? i - runStart : wordDigits(text, runStart, i);
      runStart = -1;
      if (digits + words >= 12) return SCAN; // enough for a card: no need to read further
    }
    if (ch >= 0x30 && ch <= 0x39) {
      digits += 1;
      if (digits >= 12) return SCAN;
      bullets = 0;
      if (!lettered) {
        const p = text.charCodeAt(i - 1);
        lettered = isAsciiLetter(p) || (p === 0x20 && isAsciiLetter(text.charCodeAt(i - 2)));
      }
      continue;
    }
    if (ch < 0x80) {
      bullets = 0;
      if (ch === 0x5f) return SCAN; // _live_ _test_ whsec_ gh?_ github_pat_ npm_
      if (ch === 0x7c) digits += 1; // "4|11": a bar between digits may read as 1
      if (ch === 0x40 && email) return SCAN;
      if (ch === 0x2d && text.charCodeAt(i - 1) === 0x6b && text.charCodeAt(i - 2) === 0x73)
        return SCAN; // sk-
      if (ch === 0x5d && text.startsWith(' hidden', i - 7)) return SCAN;
      continue;
    }
    if (ch === 0x2022) {
      bullets += 1;
      if (bullets >= 4) return SCAN;
      continue;
    }
    bullets = 0;
    if (ch >= 0xd800 && ch <= 0xdbff) {
      const cp = text.codePointAt(i) ?? ch;
      if (cp > 0xffff) {
        digits += digitCount(cp, 2);
        i += 1;
      }
    } else digits += looseLookalikeOf(ch) !== '' ? 1 : digitCount(ch, 1);
  }
  // A card needs 12 digits; a CVV or expiry after a context word 3; IBAN, SSN and NI numbers at least 6.
  if (digits + words >= 12) return SCAN;
  if (digits >= 3 && WORD_HINT.test(text)) return SCAN;
  if (digits >= 6) {
    digitFacts.digits = digits;
    digitFacts.lettered = lettered;
    return DIGIT_RULES;
  }
  return digits === 0 && words === 0 ? BARE : CLEAN;
}
