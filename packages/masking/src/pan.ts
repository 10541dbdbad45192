// Card number (PAN) windows inside a chain of units, and their masked forms.
import type { PanDisplay } from './types';
import type { Unit } from './tokens';

export interface PanWindow {
  /** Index of the first and last unit (inclusive). */
  readonly from: number;
  readonly to: number;
  readonly digits: string;
  /**
   * First unit to hide: short runs just before the window in the same chain
   * (the window may start after a card's true first digits) are hidden too.
   * Equals `from` when there are none.
   */
  readonly lead: number;
  /** Digits of the units `lead..from-1`. */
  readonly leadDigits: string;
  /**
   * The longest window is hidden. When it is longer than 16 digits and a
   * shorter one from the same start passes Luhn too (a 16-digit card and a
   * 3-digit CVV make a valid 19 one time in ten), which four are the last is
   * unsure, and none are shown.
   */
  readonly ambiguous: boolean;
}

const MIN_PAN = 12;
const MAX_PAN = 19;
const NARROW_TIGHT = new Set([0x2d, 0x2f]); // - /

/**
 * A lone ".", ",", ":" or "'" between digits is how decimals, thousands, times,
 * IP and version numbers are written; "-" and "/" write dates and phone
 * numbers. Cards use them between groups of four, so a tight joiner is
 * accepted only between long groups (or between single digits typed one by one).
 */
function tightOk(gap: number, left: string, right: string, allSingles: boolean): boolean {
  if (gap === 0) return true;
  if (allSingles && left.length === 1 && right.length === 1) return true;
  const min = NARROW_TIGHT.has(gap) ? 3 : 4;
  return left.length >= min && right.length >= min;
}

/**
 * Whether unit `i` continues a number written with tight joiners that no card group is part of: the
 * decimals or thousands of an amount, the minutes of a time, the day of a date ("€1,000.42",
 * "10:30", "2025-12-31": a short group joined to the one before), or the year of a real date
 * ("1/1/1990"). A window starting there would cut through that number (issue 9, open class 3).
 */
function insideShape(units: readonly Unit[], i: number): boolean {
  const u = units[i];
  const prev = units[i - 1];
  if (u === undefined || prev === undefined || u.gap === 0) return false;
  if (u.digits.length < 4) return true;
  const first = units[i - 2];
  if (u.digits.length !== 4 || first === undefined || first.gap !== 0 || prev.gap !== u.gap)
    return false;
  const y = Number(u.digits);
  const a = Number(first.digits);
  const b = Number(prev.digits);
  const dayMonth = (d: number, m: number): boolean => d >= 1 && d <= 31 && m >= 1 && m <= 12;
  return (
    y >= 1900 &&
    y <= 2099 &&
    first.digits.length <= 2 &&
    prev.digits.length <= 2 &&
    (dayMonth(a, b) || dayMonth(b, a))
  );
}

/** 13-, 16- or 19-digit runs starting with 1 are Unix timestamps (ms, µs, ns), not cards. */
function looksLikeTimestamp(units: readonly Unit[], from: number, to: number): boolean {
  if (from !== to) return false;
  const d = units[from]?.digits ?? '';
  return d[0] === '1' && (d.length === 13 || d.length === 16 || d.length === 19);
}

/**
 * Luhn-valid windows of 12 to 19 digits made of whole units. Runs longer than
 * 19 digits never reach here (the tokenizer drops them), so no window is
 * hunted for inside a longer number. With `reach`, only windows whose last unit
 * passes it are taken (the longest such from each start); others do not use up
 * their units, so a window starting inside them is still found.
 */
export function findPanWindows(
  units: readonly Unit[],
  plusBefore: boolean,
  usable?: (i: number) => boolean,
  reach?: (j: number) => boolean,
): PanWindow[] {
  const out: PanWindow[] = [];
  const n = units.length;
  let allSingles = true;
  for (const u of units)
    if (u.digits.length !== 1) {
      allSingles = false;
      break;
    }
  for (let i = 0; i < n; i += 1) {
    const start = units[i];
    if (start === undefined || start.digits.charCodeAt(0) === 0x30 || (i === 0 && plusBefore))
      continue;
    if (usable !== undefined && !usable(i)) continue;
    if (!allSingles && insideShape(units, i)) continue;
    // Luhn kept incrementally: `even` sums the digits as if the window ended after an even count,
    // `odd` as if after an odd count; each new digit adds to both, doubled in one of them.
    let even = 0;
    let odd = 0;
    let len = 0;
    let best: { to: number; len: number; ambiguous: boolean } | undefined;
    let valid = 0;
    let fours = 0; // groups of four so far, all joined by the same tight joiner
    for (let j = i; j < n; j += 1) {
      const u = units[j];
      if (u === undefined || (usable !== undefined && !usable(j))) break;
      if (j > i && !tightOk(u.gap, units[j - 1]?.digits ?? '', u.digits, allSingles)) {
        // "8017.8286.3019.62": three groups of four and a short last group, one joiner throughout.
        const tail = fours >= 3 && u.digits.length >= 2 && u.gap === units[j - 1]?.gap;
        if (!tail) break;
      }
      // The first group of an amount, time or date after the card ("… 4242 907,000.00", "… 00:00:00"):
      // a short group tightly joined to the next is one number with it, no card group.
      if (
        j > i &&
        !allSingles &&
        u.gap === 0 &&
        u.digits.length < 4 &&
        (units[j + 1]?.gap ?? 0) !== 0
      )
        break;
      fours =
        u.digits.length === 4 &&
        (j === i || (u.gap !== 0 && (fours < 2 || u.gap === units[j - 1]?.gap)))
          ? fours + 1
          : 0;
      const d = u.digits;
      if (len + d.length > MAX_PAN) break;
      for (let k = 0; k < d.length; k += 1) {
        const v = d.charCodeAt(k) - 0x30;
        const dbl = v * 2 > 9 ? v * 2 - 9 : v * 2;
        // Position from the right decides doubling; relative to the parity of the final length.
        const e2 = odd + v;
        odd = even + dbl;
        even = e2;
        len += 1;
      }
      if (len < MIN_PAN) continue;
      // The rightmost digit is never doubled: with the pattern above, `even` holds that sum.
      if (even % 10 === 0 && !looksLikeTimestamp(units, i, j) && !looksLikeIsbn(units, i, j, len)) {
        if (reach === undefined || reach(j))
          best = { to: j, len, ambiguous: valid > 0 && len > 16 };
        valid += 1;
      }
    }
    if (best !== undefined) {
      let digits = '';
      for (let k = i; k <= best.to; k += 1) digits += units[k]?.digits ?? '';
      let lead = i;
      let leadDigits = '';
      const floor = out.length > 0 ? (out[out.length - 1]?.to ?? -1) + 1 : 0;
      while (lead > floor) {
        const prev = units[lead - 1];
        if (prev === undefined || leadDigits.length + prev.digits.length + best.len > MAX_PAN)
          break;
        if (usable !== undefined && !usable(lead - 1)) break;
        // The end of a date, time or amount ("2025-12-31 4242…", "€1,234.56 4242…"): a short
        // group joined tightly to the one before it is no start of a card (issue 9, open class 3).
        const boundary = (units[lead]?.gap ?? 0) === 0;
        if (!allSingles && boundary && prev.gap !== 0 && prev.digits.length < 4) break;
        leadDigits = prev.digits + leadDigits;
        lead -= 1;
      }
      out.push({ from: i, to: best.to, digits, lead, leadDigits, ambiguous: best.ambiguous });
      i = best.to;
    }
  }
  return out;
}

/**
 * A 13-digit ISBN (978/979, ISBN-13 check digit) is a book, not a card: no card of 13 digits
 * starts with 978 or 979.
 */
function looksLikeIsbn(units: readonly Unit[], from: number, to: number, len: number): boolean {
  if (len !== 13) return false;
  let d = '';
  for (let k = from; k <= to; k += 1) d += units[k]?.digits ?? '';
  if (!d.startsWith('978') && !d.startsWith('979')) return false;
  let sum = 0;
  for (let k = 0; k < 13; k += 1) sum += (d.charCodeAt(k) - 0x30) * (k % 2 === 0 ? 1 : 3);
  return sum % 10 === 0;
}

/** Whether digit `i` of an `n`-digit card stays visible (PCI DSS 3.4.1: at most BIN and last four). */
export function panDigitVisible(i: number, n: number, display: PanDisplay): boolean {
  if (display === 'none') return false;
  if (i >= n - 4) return true;
  return display === 'bin_last4' && i < 6 && n >= 13;
}

/** The masked form of a whole card: `•••• •••• •••• 4242` (length-independent). */
export function renderPan(digits: string, display: PanDisplay): string {
  const last4 = display === 'none' ? '••••' : digits.slice(-4);
  if (display === 'bin_last4') return `${digits.slice(0, 4)} ${digits.slice(4, 6)}•• •••• ${last4}`;
  return `•••• •••• •••• ${last4}`;
}

/**
 * The masked form of one piece of a card split across messages: its digits
 * `offset..offset+count-1` of the whole, hidden or shown, in groups of four.
 */
export function renderPanPiece(
  digits: string,
  offset: number,
  count: number,
  display: PanDisplay,
): string {
  let chars = '';
  for (let k = 0; k < count; k += 1) {
    const i = offset + k;
    chars += panDigitVisible(i, digits.length, display) ? (digits[i] ?? '•') : '•';
  }
  const groups: string[] = [];
  for (let k = 0; k < chars.length; k += 4) groups.push(chars.slice(k, k + 4));
  return groups.join(' ');
}
