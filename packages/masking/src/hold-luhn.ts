// Luhn over pieces of a number that are never kept. A piece is summarised by
// its length and two sums mod 10: the Luhn sum of its digits when its last
// digit is at an even position from the right of the whole number, and when
// it is at an odd one. Two digits of information per piece are enough to tell
// whether any sequence of pieces forms a Luhn-valid number, and they are not
// card data (PCI DSS 3.3/3.4: no digit of the piece can be recovered).

/** What is kept of a piece of digits: its length and its two Luhn sums mod 10. */
export interface LuhnSummary {
  readonly len: number;
  /** Sum with the piece's last digit undoubled (an even number of digits after it). */
  readonly s0: number;
  /** Sum with the piece's last digit doubled (an odd number of digits after it). */
  readonly s1: number;
}

const DOUBLED = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];

/** The summary of an ASCII digit string. */
export function summarise(digits: string): LuhnSummary {
  let s0 = 0;
  let s1 = 0;
  for (let i = digits.length - 1, pos = 0; i >= 0; i -= 1, pos += 1) {
    const d = digits.charCodeAt(i) - 0x30;
    const doubled = DOUBLED[d] ?? 0;
    s0 += pos % 2 === 0 ? d : doubled;
    s1 += pos % 2 === 0 ? doubled : d;
  }
  return { len: digits.length, s0: s0 % 10, s1: s1 % 10 };
}

/** A card is 12 to 19 digits (ISO/IEC 7812) in at most this many pieces. */
export const CARD_MIN = 12;
export const CARD_MAX = 19;
export const MAX_CARD_PIECES = 6;

/**
 * Indexes of `earlier` that, in order and together with `last` as the final
 * piece, can form a Luhn-valid 12–19 digit number: the union over every such
 * choice of at most MAX_CARD_PIECES pieces (pieces in between may be skipped,
 * as other messages may come between the pieces of a card). Bounded: at most
 * 19 digits and six pieces per choice.
 */
export function completingPieces(
  earlier: readonly LuhnSummary[],
  last: LuhnSummary,
): { found: boolean; used: Set<number> } {
  const used = new Set<number>();
  let found = false;
  const chosen: number[] = [];
  const walk = (from: number, len: number, sum: number, count: number): boolean => {
    let any = false;
    if (len >= CARD_MIN && sum % 10 === 0) {
      for (const i of chosen) used.add(i);
      found = true;
      any = true;
    }
    if (count >= MAX_CARD_PIECES) return any;
    for (let i = from; i >= 0; i -= 1) {
      const p = earlier[i];
      if (p === undefined || len + p.len > CARD_MAX) continue;
      chosen.push(i);
      if (walk(i - 1, len + p.len, sum + (len % 2 === 0 ? p.s0 : p.s1), count + 1)) any = true;
      chosen.pop();
    }
    return any;
  };
  if (last.len <= CARD_MAX) walk(earlier.length - 1, last.len, last.s0, 1);
  return { found, used };
}
