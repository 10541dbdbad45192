// Digit helpers: any Unicode decimal digit (\p{Nd}) to ASCII, and Luhn.

const ND = /\p{Nd}/u;
const ndValueCache = new Map<number, number>();

/**
 * Value of a \p{Nd} code point. Unicode assigns decimal digits only in
 * contiguous runs of ten, ascending from 0, so the value is the distance from
 * the start of the run modulo 10 (adjacent runs, e.g. the mathematical digits,
 * are whole tens).
 */
function ndValue(cp: number): number {
  if (cp >= 0x30 && cp <= 0x39) return cp - 0x30;
  const cached = ndValueCache.get(cp);
  if (cached !== undefined) return cached;
  let first = cp;
  while (first - cp < 60 && ND.test(String.fromCodePoint(first - 1))) first -= 1;
  const value = (cp - first) % 10;
  if (ndValueCache.size < 4096) ndValueCache.set(cp, value);
  return value;
}

const ASCII_DIGITS = /^[0-9]*$/;

/** ASCII form of a run of \p{Nd} characters (any script). */
export function toAsciiDigits(run: string): string {
  if (ASCII_DIGITS.test(run)) return run;
  let out = '';
  for (const ch of run) out += String.fromCharCode(0x30 + ndValue(ch.codePointAt(0) ?? 0x30));
  return out;
}

/** Luhn (mod 10) check over an ASCII digit string. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let d = digits.charCodeAt(i) - 0x30;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** English words read as single digits ("oh" is the spoken zero). */
export const DIGIT_WORDS: Readonly<Record<string, string>> = {
  zero: '0',
  oh: '0',
  nought: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
};

export const REPEAT_WORDS: Readonly<Record<string, number>> = { double: 2, triple: 3 };
