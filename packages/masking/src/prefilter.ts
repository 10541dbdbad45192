// One pass of char-code checks that proves most chat messages hold nothing to
// mask, so they skip the tokenizer and every rule. Every bound below is an
// over-estimate of what the full scan would see: when in doubt, scan.
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

// Letters packed base 27 (a=1 … z=26), for words of up to 6 letters: no allocation per word.
function pack(word: string): number {
  let code = 0;
  for (let i = 0; i < word.length; i += 1) code = code * 27 + (word.charCodeAt(i) - 0x60);
  return code;
}
/** Digit words (tokens.ts) and an upper bound of the digits each can stand for. */
const WORD_DIGITS: ReadonlyArray<readonly [string, number]> = [
  ...'zero oh nought one two three four five six seven eight nine'
    .split(' ')
    .map((w) => [w, 1] as const),
  ['double', 2],
  ['triple', 3],
];
const MAX_WORD = 6;
// A collision-free table indexed by packed word modulo its size: one array read per word.
const {
  size: TABLE_SIZE,
  keys: TABLE_KEYS,
  values: TABLE_VALUES,
} = ((): { size: number; keys: Int32Array; values: Uint8Array } => {
  const packed = WORD_DIGITS.map(([w, n]) => [pack(w), n] as const);
  for (let size = packed.length; ; size += 1) {
    const keys = new Int32Array(size).fill(-1);
    const values = new Uint8Array(size);
    if (
      packed.every(
        ([k, n]) => keys[k % size] === -1 && ((keys[k % size] = k), (values[k % size] = n), true),
      )
    )
      return { size, keys, values };
  }
})();
function digitsOfWord(packed: number): number {
  const slot = packed % TABLE_SIZE;
  return TABLE_KEYS[slot] === packed ? (TABLE_VALUES[slot] ?? 0) : 0;
}

// \p{Nd} is looked up once per code point and remembered.
const ND = /^\p{Nd}$/u;
const ndBmp = new Uint8Array(0x10000); // 0 unknown, 1 digit, 2 not
const ndAstral = new Map<number, boolean>();
function isNd(cp: number): boolean {
  if (cp < 0x10000) {
    let v = ndBmp[cp] ?? 0;
    if (v === 0) {
      v = ND.test(String.fromCharCode(cp)) ? 1 : 2;
      ndBmp[cp] = v;
    }
    return v === 1;
  }
  let v = ndAstral.get(cp);
  if (v === undefined) {
    v = ND.test(String.fromCodePoint(cp));
    if (ndAstral.size < 4096) ndAstral.set(cp, v);
  }
  return v;
}

function isAsciiLetter(c: number): boolean {
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x7a;
}

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
  let digits = 0; // UTF-16 units of \p{Nd} runs, as the tokenizer counts them
  let wordDigits = 0;
  let word = 0; // packed letters of the current ASCII word (its first MAX_WORD letters)
  let wordLen = 0;
  let bullets = 0;
  let lettered = false;
  for (let i = 0; i <= n; i += 1) {
    const ch = i < n ? text.charCodeAt(i) : 0x20;
    const lower = ch | 0x20;
    // U+017F (long s) folds to "s" in the case-insensitive Unicode tokenizer.
    if ((lower >= 0x61 && lower <= 0x7a) || ch === 0x17f) {
      if (wordLen < MAX_WORD) word = word * 27 + (ch === 0x17f ? 19 : lower - 0x60);
      wordLen += 1;
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
    if (wordLen > 0) {
      if (wordLen >= 2 && wordLen <= MAX_WORD) wordDigits += digitsOfWord(word);
      word = 0;
      wordLen = 0;
    }
    if (ch >= 0x30 && ch <= 0x39) {
      digits += 1;
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
        if (isNd(cp)) digits += 2;
        i += 1;
      }
    } else if (isNd(ch)) digits += 1;
  }
  // A card needs 12 digits; a CVV or expiry after a context word 3; IBAN, SSN and NI numbers at least 6.
  if (digits + wordDigits >= 12) return SCAN;
  if (digits >= 3 && WORD_HINT.test(text)) return SCAN;
  if (digits >= 6) {
    digitFacts.digits = digits;
    digitFacts.lettered = lettered;
    return DIGIT_RULES;
  }
  return digits === 0 && wordDigits === 0 ? BARE : CLEAN;
}
