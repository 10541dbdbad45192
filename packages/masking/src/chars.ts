// What a reader takes a character for: a digit (any notation), a letter, or
// nothing (a separator). One table lookup per code point after the first sight.

/** A separator: space, punctuation, symbols, format characters, whatever renders blank. */
export const SEP = 1;
/** A decimal digit in any notation (see `digitsOf`). */
export const DIGIT = 2;
/** A letter of a script written with spaces: a digit run touching it is part of a word ("ORD4242"). */
export const LETTER = 3;
/** A letter of a script written without spaces (Han, kana, Hangul, Thai…): never glues to digits. */
export const SOFT = 4;
/** A combining mark: continues a letter run, otherwise a separator. */
export const MARK = 5;
export type CharClass = typeof SEP | typeof DIGIT | typeof LETTER | typeof SOFT | typeof MARK;

// Letters that render as nothing (Hangul fillers): separators, never letters.
const BLANK_LETTERS = new Set([0x3164, 0x115f, 0x1160, 0xffa0]);

// Digits without a compatibility decomposition to a digit, by first code point and first value.
const DIGIT_RANGES: ReadonlyArray<readonly [from: number, to: number, first: number]> = [
  [0x2776, 0x277f, 1], // ❶…❿ dingbat negative circled
  [0x2780, 0x2789, 1], // ➀…➉ dingbat circled sans-serif
  [0x278a, 0x2793, 1], // ➊…➓ dingbat negative circled sans-serif
  [0x24eb, 0x24f4, 11], // ⓫…⓴ negative circled 11-20
  [0x24f5, 0x24fe, 1], // ⓵…⓾ double circled
  [0x24ff, 0x24ff, 0], // ⓿
  [0x1f10b, 0x1f10c, 0], // 🄋 🄌 dingbat circled zero
  [0x2160, 0x2169, 1], // Ⅰ…Ⅹ Roman numerals
  [0x2170, 0x2179, 1], // ⅰ…ⅹ small Roman numerals
  [0x3021, 0x3029, 1], // 〡…〩 Hangzhou numerals
  // Tag digits render as nothing, yet any tool decodes them: a card in them is still in the bytes.
  [0xe0030, 0xe0039, 0],
];

// CJK numerals (common and financial forms), read digit by digit as people write card numbers.
const CJK: Readonly<Record<number, string>> = {};
for (const [chars, value] of [
  ['〇零', '0'],
  ['一壹', '1'],
  ['二贰貳两兩', '2'],
  ['三叁參', '3'],
  ['四肆', '4'],
  ['五伍', '5'],
  ['六陆陸', '6'],
  ['七柒', '7'],
  ['八捌', '8'],
  ['九玖', '9'],
] as const)
  for (const ch of chars) (CJK as Record<number, string>)[ch.codePointAt(0) ?? 0] = value;

const ND = /^\p{Nd}$/u;
const LETTER_RE = /^\p{L}$/u;
const MARK_RE = /^\p{M}$/u;
const NO_OR_NL = /^[\p{No}\p{Nl}]$/u;
const DECORATION = /[().,\s]/g;

/**
 * Value of a \p{Nd} code point. Unicode assigns decimal digits in contiguous
 * runs of ten ascending from 0, so the value is the distance from the start
 * of the run modulo 10 (adjacent runs, e.g. the mathematical digits, are whole tens).
 */
function ndValue(cp: number): number {
  let first = cp;
  while (cp - first < 60 && ND.test(String.fromCodePoint(first - 1))) first -= 1;
  return (cp - first) % 10;
}

function computeDigits(cp: number): string {
  const ch = String.fromCodePoint(cp);
  if (ND.test(ch)) return String(ndValue(cp));
  const cjk = CJK[cp];
  if (cjk !== undefined) return cjk;
  for (const [from, to, first] of DIGIT_RANGES)
    if (cp >= from && cp <= to) return String(first + cp - from);
  // Superscripts, subscripts, circled, parenthesised and full-stop digits: NFKC gives the digits.
  if (NO_OR_NL.test(ch)) {
    const nfkc = ch.normalize('NFKC').replace(DECORATION, '');
    if (nfkc.length >= 1 && nfkc.length <= 2) {
      let out = '';
      for (const d of nfkc) {
        const dcp = d.codePointAt(0) ?? 0;
        if (ND.test(d)) out += String(ndValue(dcp));
        else if (CJK[dcp] !== undefined) out += CJK[dcp];
        else return '';
      }
      return out;
    }
  }
  return '';
}

/** Scripts written without spaces between words: their letters never glue to digits. */
function isSoftScript(cp: number): boolean {
  return (
    (cp >= 0x0e00 && cp <= 0x0eff) || // Thai, Lao
    (cp >= 0x1000 && cp <= 0x109f) || // Myanmar
    (cp >= 0x1100 && cp <= 0x11ff) || // Hangul Jamo
    (cp >= 0x1780 && cp <= 0x17ff) || // Khmer
    (cp >= 0x2e80 && cp <= 0xa4cf) || // CJK, kana, Bopomofo, Yi
    (cp >= 0xac00 && cp <= 0xd7ff) || // Hangul syllables
    (cp >= 0xf900 && cp <= 0xfaff) || // CJK compatibility ideographs
    (cp >= 0xff66 && cp <= 0xffdc) || // half-width kana and Hangul
    (cp >= 0x20000 && cp <= 0x3ffff) // CJK extensions
  );
}

function computeClass(cp: number): CharClass {
  if (computeDigits(cp) !== '') return DIGIT;
  if (BLANK_LETTERS.has(cp)) return SEP;
  const ch = String.fromCodePoint(cp);
  if (LETTER_RE.test(ch)) return isSoftScript(cp) ? SOFT : LETTER;
  if (MARK_RE.test(ch)) return MARK;
  return SEP;
}

const bmpClass = new Uint8Array(0x10000); // 0: not yet seen
const astralClass = new Map<number, CharClass>();
const digitCache = new Map<number, string>();
// ASCII: digits, letters, the rest separators.
for (let c = 0; c < 0x80; c += 1)
  bmpClass[c] =
    c >= 0x30 && c <= 0x39 ? DIGIT : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a ? LETTER : SEP;

/** Class of a code point (cached). */
export function classOf(cp: number): CharClass {
  if (cp < 0x10000) {
    const v = bmpClass[cp] ?? 0;
    if (v !== 0) return v as CharClass;
    const computed = computeClass(cp);
    bmpClass[cp] = computed;
    return computed;
  }
  let v = astralClass.get(cp);
  if (v === undefined) {
    v = computeClass(cp);
    if (astralClass.size < 8192) astralClass.set(cp, v);
  }
  return v;
}

/** ASCII digits a digit-class code point stands for ("10" for ⑩), or '' for any other. */
export function digitsOf(cp: number): string {
  if (cp >= 0x30 && cp <= 0x39) return String.fromCharCode(cp);
  let v = digitCache.get(cp);
  if (v === undefined) {
    v = classOf(cp) === DIGIT ? computeDigits(cp) : '';
    if (digitCache.size < 8192) digitCache.set(cp, v);
  }
  return v;
}

// Letters that pass for a digit when glued to digits: O for 0, l and I for 1 (Latin, Greek, Cyrillic).
const LOOKALIKE: Readonly<Record<number, string>> = {
  0x4f: '0', // O
  0x6f: '0', // o
  0x39f: '0', // Greek Omicron
  0x3bf: '0',
  0x41e: '0', // Cyrillic O
  0x43e: '0',
  0x6c: '1', // l
  0x49: '1', // I
  0x399: '1', // Greek Iota
  0x406: '1', // Cyrillic Byelorussian-Ukrainian I
  0x4cf: '1', // Cyrillic palochka
  0x4c0: '1',
};

/**
 * Look-alike letters in one glued stretch read as digits: up to a card's length. It was 8, so a
 * card whose zeros were a stretch of nine or more `O` ("2OOOOOOOOOOOOOO6") was shown whole (the
 * rare look-alike property failure of issue 9, seed 11).
 */
export const LOOKALIKE_MAX = 19;

/** The digit a look-alike letter passes for ("0" for O), or '' (see `mergeLookalikes` in tokens.ts). */
export function lookalikeOf(cp: number): string {
  return LOOKALIKE[cp] ?? '';
}

// Bidirectional controls and right-to-left scripts: a card displayed forwards may be stored reversed.
const BIDI =
  /[\u200f\u061c\u202a-\u202e\u2066-\u2069\u0590-\u065f\u066a-\u06ef\u06fa-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;

/** Whether the display order of the text can differ from its stored order. */
export function mayReorder(text: string): boolean {
  return BIDI.test(text);
}
