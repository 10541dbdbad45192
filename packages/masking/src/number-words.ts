// Digit words in English, French, Spanish, German, Italian, Portuguese and
// Dutch, found in a run of letters that consists of nothing else ("four",
// "fourtwo", "VierZwei", "cinqsix"). Accents fold ("fünf", "três", "één").

/** A digit word inside a letter run: offsets in the text, the digit, or a repeat ("double"). */
export interface WordPiece {
  readonly start: number;
  readonly end: number;
  readonly digits: string;
  /** "double" / "triple": the next single digit counts this many times. */
  readonly repeat: number;
}

const WORDS: Readonly<Record<string, string>> = {};
function add(digit: string, list: string): void {
  for (const w of list.split(' ')) (WORDS as Record<string, string>)[w] = digit;
}
// en fr es de it pt nl, accents folded; "oh" is the spoken zero.
add('0', 'zero oh nought cero null nul');
add('1', 'one un une uno una eins ein um uma een');
add('2', 'two deux dos zwei zwo due dois duas twee');
add('3', 'three trois tres drei tre drie');
add('4', 'four quatre cuatro vier quattro quatro');
add('5', 'five cinq cinco funf fuenf cinque vijf');
add('6', 'six seis sechs sei zes');
add('7', 'seven sept siete sieben sette sete zeven');
add('8', 'eight huit ocho acht otto oito');
add('9', 'nine neuf nueve neun nove negen');
const REPEAT: Readonly<Record<string, number>> = { double: 2, triple: 3 };

interface Node {
  next: Map<number, Node>;
  digit?: string;
  repeat?: number;
}
const root: Node = { next: new Map() };
function insert(word: string, digit: string | undefined, repeat: number | undefined): void {
  let node = root;
  for (let i = 0; i < word.length; i += 1) {
    const c = word.charCodeAt(i);
    let child = node.next.get(c);
    if (child === undefined) {
      child = { next: new Map() };
      node.next.set(c, child);
    }
    node = child;
  }
  if (digit !== undefined) node.digit = digit;
  if (repeat !== undefined) node.repeat = repeat;
}
for (const [w, d] of Object.entries(WORDS)) insert(w, d, undefined);
for (const [w, n] of Object.entries(REPEAT)) insert(w, undefined, n);
// Ordinary words that happen to split into digit words ("eight"+"een", "un"+"due").
const NOT_DIGITS = new Set(['eighteen', 'undue']);
/** Longest digit word (letters). */
const MAX_WORD = Math.max(...[...Object.keys(WORDS), ...Object.keys(REPEAT)].map((w) => w.length));

// First three letters of every word (a = 1 … z = 26, base 27), and the two-letter words ("oh", "un").
const PREFIX3 = new Uint8Array(27 * 27 * 27);
const SHORT = new Set<number>();
for (const w of [...Object.keys(WORDS), ...Object.keys(REPEAT)]) {
  const k = (i: number): number => (w.charCodeAt(i) || 0x60) - 0x60;
  if (w.length === 2) SHORT.add(k(0) * 27 + k(1));
  else PREFIX3[(k(0) * 27 + k(1)) * 27 + k(2)] = 1;
}

// Accented letters of the words above, and the long s, folded to ASCII lower case.
const FOLD: Readonly<Record<number, number>> = {
  0xe9: 0x65, // é
  0xc9: 0x65,
  0xe8: 0x65,
  0xc8: 0x65,
  0xea: 0x65, // ê
  0xca: 0x65,
  0xfc: 0x75, // ü
  0xdc: 0x75,
  0xfa: 0x75,
  0xda: 0x75,
  0xf3: 0x6f, // ó
  0xd3: 0x6f,
  0xf4: 0x6f,
  0xd4: 0x6f,
  0xe1: 0x61, // á
  0xc1: 0x61,
  0xe0: 0x61,
  0xc0: 0x61,
  0xed: 0x69, // í
  0xcd: 0x69,
  0x17f: 0x73, // ſ
};

/** ASCII lower-case letter a UTF-16 unit folds to, or 0 (combining marks: -1, skipped). */
export function foldUnit(c: number): number {
  if (c < 0x80) {
    const l = c | 0x20;
    return l >= 0x61 && l <= 0x7a ? l : 0;
  }
  if (c >= 0x300 && c <= 0x36f) return -1; // a combining accent after its letter
  return FOLD[c] ?? 0;
}

/**
 * Cheap test before `segmentWords`, without allocation: whether some digit
 * word is a prefix of `text[start, end)`. Most ordinary words fail on their
 * second or third letter.
 */
export function mayStartWithWord(text: string, start: number, end: number): boolean {
  // Most words fail on a table lookup of their first three letters (no trie walk).
  if (end - start >= 3) {
    const a = foldUnit(text.charCodeAt(start));
    const b = foldUnit(text.charCodeAt(start + 1));
    const c = foldUnit(text.charCodeAt(start + 2));
    if (a > 0 && b > 0 && c > 0 && PREFIX3[((a - 0x60) * 27 + (b - 0x60)) * 27 + (c - 0x60)] === 0)
      return SHORT.has(((a - 0x60) * 27 + (b - 0x60)) | 0);
  }
  let node: Node | undefined = root;
  for (let k = start; k < end && node !== undefined; k += 1) {
    const c = foldUnit(text.charCodeAt(k));
    if (c === -1) continue;
    if (c === 0) return false;
    node = node.next.get(c);
    if (node !== undefined && (node.digit !== undefined || node.repeat !== undefined)) return true;
  }
  return false;
}

const BACK = new Int16Array(402);

/**
 * Splits `text[start, end)` (a run of letters) into digit words, or returns
 * undefined when any part of it is not a digit word. Linear: each position is
 * reached once and tries at most MAX_WORD letters.
 */
export function segmentWords(text: string, start: number, end: number): WordPiece[] | undefined {
  const n = end - start;
  if (n < 2 || n > 400) return undefined;
  // Quick reject: the first letter must start a word.
  const f = foldUnit(text.charCodeAt(start));
  if (f <= 0 || !root.next.has(f) || !mayStartWithWord(text, start, end)) return undefined;
  // back[i]: start offset (relative) of the word that ends at i, -1 unreached; 0 reached at 0.
  // One buffer for every call (no allocation per letter run).
  const back = BACK;
  back.fill(-1, 0, n + 1);
  back[0] = 0;
  for (let i = 0; i < n; i += 1) {
    if ((back[i] ?? -1) < 0) continue;
    let node: Node | undefined = root;
    let k = i;
    let letters = 0;
    while (node !== undefined && k < n && letters <= MAX_WORD) {
      const c = foldUnit(text.charCodeAt(start + k));
      k += 1;
      if (c === -1) continue;
      if (c === 0) break;
      node = node.next.get(c);
      letters += 1;
      if (node !== undefined && (node.digit !== undefined || node.repeat !== undefined)) {
        // Trailing combining marks belong to the word.
        let e = k;
        while (e < n && foldUnit(text.charCodeAt(start + e)) === -1) e += 1;
        if ((back[e] ?? -1) < 0) back[e] = i;
      }
    }
  }
  if ((back[n] ?? -1) < 0 || NOT_DIGITS.has(wordAt(text, start, end))) return undefined;
  const pieces: WordPiece[] = [];
  let e = n;
  while (e > 0) {
    const s = back[e] ?? 0;
    const word = wordAt(text, start + s, start + e);
    pieces.push({
      start: start + s,
      end: start + e,
      digits: WORDS[word] ?? '',
      repeat: REPEAT[word] ?? 0,
    });
    e = s;
  }
  return pieces.reverse();
}

function wordAt(text: string, start: number, end: number): string {
  let w = '';
  for (let i = start; i < end; i += 1) {
    const c = foldUnit(text.charCodeAt(i));
    if (c > 0) w += String.fromCharCode(c);
  }
  return w;
}
