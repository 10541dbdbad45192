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

// A search state: pieces chosen so far (1..6), digits so far (1..19), and the Luhn sum mod 10 as a
// bit of a 10-bit mask per (count, length) pair.
const LENS = CARD_MAX + 1;
const slot = (count: number, len: number): number => count * LENS + len;
const SLOTS = (MAX_CARD_PIECES + 1) * LENS;
/** Rotates a 10-bit set of sums by `add` (every sum s becomes (s + add) mod 10). */
const rotate = (mask: number, add: number): number =>
  add === 0 ? mask : ((mask << add) | (mask >>> (10 - add))) & 0x3ff;

/**
 * Indexes of `earlier` that, in order and together with `last` as the final
 * piece, can form a Luhn-valid 12–19 digit number: the union over every such
 * choice of at most MAX_CARD_PIECES pieces (pieces in between may be skipped,
 * as other messages may come between the pieces of a card).
 *
 * Dynamic programming over (pieces chosen, digits, sum mod 10), not a search over choices (which
 * grew as the number of pieces to the fifth power: one message of a few thousand one-digit pieces
 * took minutes): `reach[i]`, the states reachable from `last` leftwards with pieces after `i`;
 * `done[i]`, the states from which pieces before `i` can complete a card. Piece `i` is used when a
 * state of `reach[i]` extended by it lies in `done[i]`. Cost: pieces × 7 × 20 mask operations.
 */
export function completingPieces(
  earlier: readonly LuhnSummary[],
  last: LuhnSummary,
): { found: boolean; used: Set<number> } {
  const used = new Set<number>();
  const n = earlier.length;
  if (last.len > CARD_MAX) return { found: false, used };
  // done[i]: for each slot, the sums from which pieces 0..i-1 can complete a card (none chosen too).
  const done: Int16Array[] = [];
  let cur = new Int16Array(SLOTS);
  for (let c = 1; c <= MAX_CARD_PIECES; c += 1)
    for (let l = CARD_MIN; l <= CARD_MAX; l += 1) cur[slot(c, l)] = 1; // sum 0: a card
  done.push(cur);
  for (let i = 0; i < n; i += 1) {
    const p = earlier[i] as LuhnSummary;
    const next = cur.slice();
    for (let c = 1; c < MAX_CARD_PIECES; c += 1)
      for (let l = 1; l + p.len <= CARD_MAX; l += 1) {
        const to = cur[slot(c + 1, l + p.len)] ?? 0;
        if (to === 0) continue;
        // sums s with (s + add) mod 10 in `to`: `to` rotated back by add
        const add = l % 2 === 0 ? p.s0 : p.s1;
        next[slot(c, l)] = (next[slot(c, l)] ?? 0) | rotate(to, (10 - add) % 10);
      }
    done.push(next);
    cur = next;
  }
  const found = ((done[n]?.[slot(1, last.len)] ?? 0) & (1 << last.s0)) !== 0;
  if (!found) return { found, used };
  // reach, from the right: the states a choice of pieces after i (and `last`) can be in.
  let reach = new Int16Array(SLOTS);
  reach[slot(1, last.len)] = 1 << last.s0;
  for (let i = n - 1; i >= 0; i -= 1) {
    const p = earlier[i] as LuhnSummary;
    const before = done[i] as Int16Array;
    const next = reach.slice();
    for (let c = 1; c < MAX_CARD_PIECES; c += 1)
      for (let l = 1; l + p.len <= CARD_MAX; l += 1) {
        const from = reach[slot(c, l)] ?? 0;
        if (from === 0) continue;
        const add = l % 2 === 0 ? p.s0 : p.s1;
        const to = rotate(from, add);
        const k = slot(c + 1, l + p.len);
        if ((to & (before[k] ?? 0)) !== 0) used.add(i);
        next[k] = (next[k] ?? 0) | to;
      }
    reach = next;
  }
  return { found, used };
}

/** The search `completingPieces` replaces, kept for the tests: every choice, one by one. */
export function completingPiecesByChoice(
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
