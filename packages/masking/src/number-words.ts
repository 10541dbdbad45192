// Digit words in English, French, Spanish, German, Italian, Portuguese and
// Dutch, found in a run of letters that consists of nothing else ("four",
// "fourtwo", "VierZwei", "cinqsix"). Accents fold ("fünf", "três", "één").

/** What a number word stands for (see `compose` in tokens.ts for how they combine). */
export const UNIT = 0; // a digit, 0-9
export const TEEN = 1; // 11-19 (and "ten" in languages where it never takes a unit)
export const TENS = 2; // 10, 20 ... 90: may take a unit after it ("forty two", "dix-sept")
export const CONN = 3; // "und", "en", "y", "e", "et", "and": joins a unit and a tens word
export const REPEAT = 4; // "double", "triple"
export const HUNDRED = 5; // 100 ("hundred", "cent", "cientos" take a multiplier before them), or a fixed 200-900 ("quinientos")
export const THOUSAND = 6; // 1000 ("thousand", "mille", "mil", "tausend", "duizend")
export const MILLION = 7; // 1,000,000 ("million", "millón", "milione", "milhão", "miljoen", "Million")
export type WordKind =
  | typeof UNIT
  | typeof TEEN
  | typeof TENS
  | typeof CONN
  | typeof REPEAT
  | typeof HUNDRED
  | typeof THOUSAND
  | typeof MILLION;

/** A number word inside a letter run: offsets in the text, what it stands for. */
export interface WordPiece {
  readonly start: number;
  readonly end: number;
  /** ASCII digits of the word alone ("4", "18", "40"; "" for a connector or a repeat). */
  readonly digits: string;
  /** "double" / "triple": the next single digit counts this many times. */
  readonly repeat: number;
  readonly kind: WordKind;
  /** Numeric value (UNIT 0-9, TEEN 11-19, TENS 10-90, HUNDRED 100 or 200-900, THOUSAND 1000, MILLION 10⁶). */
  readonly value: number;
  /** FR_VINGT: French "quatre" and "vingt" (quatre-vingt = 80); FR_TEEN: a tens word that takes a teen (soixante-douze). */
  readonly flags: number;
}
export const BOUND = 1; // an elided or prefix form ("vent" of ventuno, "veinti"): a unit must follow in the run
export const FR_VINGT = 2;
export const FR_TEEN = 4;
/** A hundreds word that takes a teen or tens before it ("fifteen hundred", "neunzehnhundert"). */
export const BY_TENS = 8;
/** A hundreds word with its multiplier in it ("quinientos", "duzentos"): none may precede it. */
export const FIXED = 16;
/** A plural scale word that is a number only after its multiplier ("deux cents", "doscientos", "duemila"). */
export const NEEDS_MULT = 32;
/** A unit then a connector and a tens word in the same run ("einundzwanzig"): it joins what follows. */
export const UNIT_FIRST = 64;

interface Entry {
  readonly kind: WordKind;
  readonly value: number;
  readonly flags: number;
}
const WORDS = new Map<string, Entry>();
function add(kind: WordKind, value: number, list: string, flags = 0): void {
  for (const w of list.split(' ')) WORDS.set(w, { kind, value, flags });
}
// en fr es de it pt nl, accents folded (ß as s, ë as e); "oh" is the spoken zero.
add(UNIT, 0, 'zero oh nought cero null nul');
add(UNIT, 1, 'one un une uno una eins ein um uma een');
add(UNIT, 2, 'two deux dos zwei zwo due dois duas twee');
add(UNIT, 3, 'three trois tres drei tre drie');
add(UNIT, 4, 'four cuatro vier quattro quatro');
add(UNIT, 4, 'quatre', FR_VINGT); // quatre-vingt(s): 80
add(UNIT, 5, 'five cinq cinco funf fuenf cinque vijf');
add(UNIT, 6, 'six seis sechs sei zes');
add(UNIT, 7, 'seven sept siete sieben sette sete zeven');
add(UNIT, 8, 'eight huit ocho acht otto oito');
add(UNIT, 9, 'nine neuf nueve neun nove negen');
add(TEEN, 10, 'ten diez zehn dez tien');
// Ten that takes a unit of 6-9 after it: dix-sept, dieciséis (alone: Italian and Spanish 10).
add(TENS, 10, 'dix dieci');
add(TEEN, 11, 'eleven onze once elf undici');
add(TEEN, 12, 'twelve douze doce zwolf zwoelf dodici doze twaalf');
add(TEEN, 13, 'thirteen treize trece dreizehn tredici treze dertien');
add(TEEN, 14, 'fourteen quatorze catorce vierzehn quattordici catorze veertien');
add(TEEN, 15, 'fifteen quinze quince funfzehn fuenfzehn quindici vijftien');
add(TEEN, 16, 'sixteen seize sechzehn sedici dezesseis dezasseis zestien');
add(TEEN, 17, 'seventeen siebzehn diciassette dezessete dezassete zeventien');
add(TEEN, 18, 'eighteen achtzehn diciotto dezoito achttien');
add(TEEN, 19, 'nineteen neunzehn diciannove dezenove dezanove negentien');
add(TENS, 20, 'twenty veinte zwanzig venti vinte twintig');
add(TENS, 20, 'vingt vingts', FR_VINGT);
add(TENS, 20, 'veinti vent', BOUND); // veintidos, ventuno, ventotto
add(TENS, 30, 'thirty trente treinta dreissig dreisig trenta trinta dertig');
add(TENS, 40, 'forty fourty quarante cuarenta vierzig quaranta quarenta veertig');
add(TENS, 50, 'fifty cinquante cincuenta funfzig fuenfzig cinquanta cinquenta vijftig');
add(TENS, 60, 'sixty sesenta sechzig sessanta sessenta zestig');
add(TENS, 60, 'soixante', FR_TEEN);
add(TENS, 70, 'seventy septante setenta siebzig settanta zeventig');
add(TENS, 80, 'eighty octante huitante ochenta achtzig ottanta oitenta tachtig');
add(TENS, 90, 'ninety nonante noventa neunzig novanta negentig');
add(TENS, 30, 'trent', BOUND);
add(TENS, 40, 'quarant', BOUND);
add(TENS, 50, 'cinquant', BOUND);
add(TENS, 60, 'sessant', BOUND);
add(TENS, 70, 'settant', BOUND);
add(TENS, 80, 'ottant', BOUND);
add(TENS, 90, 'novant', BOUND);
// Hundreds and thousands (issue 9): the multiplier before them is a unit ("quatre cent", "zweihundert",
// "doscientos": dos + cientos), in English, German and Dutch also a teen or tens ("fifteen hundred").
add(HUNDRED, 100, 'hundred hundert honderd', BY_TENS);
add(HUNDRED, 100, 'cent cento ciento cien cem');
add(HUNDRED, 100, 'cents cientos cientas centos centas', NEEDS_MULT);
add(HUNDRED, 200, 'duzentos duzentas', FIXED);
add(HUNDRED, 300, 'trezentos trezentas', FIXED);
add(HUNDRED, 500, 'quinientos quinientas quinhentos quinhentas', FIXED);
add(THOUSAND, 1000, 'thousand mille mil tausend duizend');
add(THOUSAND, 1000, 'mila', NEEDS_MULT);
// Millions (issue 9, open class 1): a 7-digit stretch of a card read as one number.
add(MILLION, 1e6, 'million millon milione milhao miljoen');
add(MILLION, 1e6, 'millions millones milioni milhoes miljoenen millionen', NEEDS_MULT);
add(CONN, 0, 'und en et and y e');
add(REPEAT, 2, 'double');
add(REPEAT, 3, 'triple');

interface Node {
  next: Map<number, Node>;
  entry?: Entry;
}
const root: Node = { next: new Map() };
for (const [word, entry] of WORDS) {
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
  node.entry = entry;
}
/** Longest number word (letters). */
const MAX_WORD = Math.max(...[...WORDS.keys()].map((w) => w.length));

// First three letters of every word that can start a run (a = 1 … z = 26, base 27), and the
// two-letter ones ("oh", "un"). A connector never starts a run of number words.
const PREFIX3 = new Uint8Array(27 * 27 * 27);
const SHORT = new Set<number>();
for (const [w, e] of WORDS) {
  if (e.kind === CONN) continue;
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
  0xdf: 0x73, // ß (dreißig as dreisig)
  0xf6: 0x6f, // ö (zwölf)
  0xd6: 0x6f,
  0xeb: 0x65, // ë (tweeënveertig)
  0xcb: 0x65,
  0xe7: 0x63, // ç
  0xe2: 0x61, // â
  0xe3: 0x61, // ã (milhão)
  0xc3: 0x61,
  0xf5: 0x6f, // õ (milhões)
  0xd5: 0x6f,
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
    if (node?.entry !== undefined && node.entry.kind !== CONN) return true;
  }
  return false;
}

const BACK = new Int16Array(402);
const COUNT = new Int16Array(402);

/**
 * Splits `text[start, end)` (a run of letters) into number words, or returns
 * undefined when any part of it is not one. The split with the fewest words
 * wins ("eighteen" is 18, not eight + een), and it must read as numbers: a
 * connector only between two number words, an elided form ("vent" of
 * "ventuno") only before a digit word. Linear: each position is reached once
 * and tries at most MAX_WORD letters.
 */
export function segmentWords(text: string, start: number, end: number): WordPiece[] | undefined {
  const n = end - start;
  if (n < 2 || n > 400) return undefined;
  // Quick reject: the first letter must start a word.
  const f = foldUnit(text.charCodeAt(start));
  if (f <= 0 || !root.next.has(f) || !mayStartWithWord(text, start, end)) return undefined;
  // back[i]: start offset (relative) of the last word of the best split of [0, i), -1 unreached;
  // count[i]: the words of that split. One buffer for every call (no allocation per letter run).
  const back = BACK;
  const count = COUNT;
  back.fill(-1, 0, n + 1);
  back[0] = 0;
  count[0] = 0;
  for (let i = 0; i < n; i += 1) {
    if ((back[i] ?? -1) < 0) continue;
    const c0 = (count[i] ?? 0) + 1;
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
      if (node?.entry !== undefined) {
        // Trailing combining marks belong to the word.
        let e = k;
        while (e < n && foldUnit(text.charCodeAt(start + e)) === -1) e += 1;
        if ((back[e] ?? -1) < 0 || c0 < (count[e] ?? 0)) {
          back[e] = i;
          count[e] = c0;
        }
      }
    }
  }
  if ((back[n] ?? -1) < 0) return undefined;
  const pieces: WordPiece[] = [];
  let e = n;
  while (e > 0) {
    const s = back[e] ?? 0;
    const entry = WORDS.get(wordAt(text, start + s, start + e)) as Entry;
    pieces.push({
      start: start + s,
      end: start + e,
      digits: entry.kind === CONN || entry.kind === REPEAT ? '' : String(entry.value),
      repeat: entry.kind === REPEAT ? entry.value : 0,
      kind: entry.kind,
      value: entry.value,
      flags: entry.flags,
    });
    e = s;
  }
  pieces.reverse();
  if (!readsAsNumbers(pieces)) return undefined;
  for (let i = 0; i + 2 < pieces.length; i += 1) {
    const p = pieces[i] as WordPiece;
    if (p.kind === UNIT && pieces[i + 1]?.kind === CONN && pieces[i + 2]?.kind === TENS)
      pieces[i] = { ...p, flags: p.flags | UNIT_FIRST };
  }
  return pieces;
}

/** A connector only between number words, an elided form only right before a digit word. */
function readsAsNumbers(pieces: readonly WordPiece[]): boolean {
  for (let i = 0; i < pieces.length; i += 1) {
    const p = pieces[i] as WordPiece;
    const next = pieces[i + 1];
    if (p.kind === CONN) {
      const prev = pieces[i - 1];
      if (prev === undefined || next === undefined) return false;
      if (prev.kind === CONN || prev.kind === REPEAT || next.kind === CONN) return false;
    } else if (
      (p.flags & BOUND) !== 0 &&
      (next === undefined || next.kind !== UNIT || next.value === 0)
    )
      return false;
  }
  return true;
}

// Everyday words of one language that read as numbers in another ("once" is Spanish 11, "undue"
// French 1 + Italian 2). Read as numbers only beside other number units (a chain of them alone is
// dropped, see `buildChains`), so "once more" stays a word and "4242 undue 4242…" is still a card.
// Only words of two digits or more: a lone single digit word is shown anyway (but still a piece).
// A scale word alone ("a thousand thanks", "50 cent", "mil gracias") carries no digit of its own.
const WEAK = new Set([
  ...['once', 'elf', 'doze', 'undue', 'quince', 'onze', 'venti'],
  ...['hundred', 'hundert', 'honderd', 'cent', 'cento', 'ciento', 'cien', 'cem'],
  ...['thousand', 'mille', 'mil', 'tausend', 'duizend'],
  ...['million', 'millon', 'milione', 'milhao', 'miljoen'],
]);

/** Whether the letter run `text[start, end)` is an everyday word that only reads as a number beside numbers. */
export function isWeakWord(text: string, start: number, end: number): boolean {
  return end - start <= 8 && WEAK.has(wordAt(text, start, end));
}

/** Whether `text[start, end)` is one connector word ("y", "et", "und", "en"). */
export function isConnector(text: string, start: number, end: number): boolean {
  if (end - start > 3) return false;
  return WORDS.get(wordAt(text, start, end))?.kind === CONN;
}

function wordAt(text: string, start: number, end: number): string {
  let w = '';
  for (let i = start; i < end; i += 1) {
    const c = foldUnit(text.charCodeAt(i));
    if (c > 0) w += String.fromCharCode(c);
  }
  return w;
}
