// Card number (PAN) windows inside a chain of units, and their masked forms.
import { luhnValid } from './digits';
import type { PanDisplay } from './types';
import type { Unit } from './tokens';

export interface PanWindow {
  /** Index of the first and last unit (inclusive). */
  readonly from: number;
  readonly to: number;
  readonly digits: string;
}

const MIN_PAN = 12;
const MAX_PAN = 19;
// When several windows from one start pass Luhn, take the most common length
// first: a 16-digit card followed by a 3-digit CVV is far likelier than a
// 19-digit card.
const LENGTH_RANK = [16, 15, 19, 14, 13, 18, 17, 12];
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

/** 13-, 16- or 19-digit runs starting with 1 are Unix timestamps (ms, µs, ns), not cards. */
function looksLikeTimestamp(units: readonly Unit[], from: number, to: number): boolean {
  if (from !== to) return false;
  const d = units[from]?.digits ?? '';
  return d[0] === '1' && (d.length === 13 || d.length === 16 || d.length === 19);
}

/**
 * Luhn-valid windows of 12 to 19 digits made of whole units. Runs longer than
 * 19 digits never reach here (the tokenizer drops them), so no window is
 * hunted for inside a longer number.
 */
export function findPanWindows(units: readonly Unit[], plusBefore: boolean, usable?: (i: number) => boolean): PanWindow[] {
  const out: PanWindow[] = [];
  const n = units.length;
  const allSingles = units.every((u) => u.digits.length === 1);
  for (let i = 0; i < n; i += 1) {
    const start = units[i];
    if (start === undefined || start.digits[0] === '0' || (i === 0 && plusBefore)) continue;
    if (usable !== undefined && !usable(i)) continue;
    let acc = '';
    let best: PanWindow | undefined;
    let bestRank = LENGTH_RANK.length;
    for (let j = i; j < n; j += 1) {
      const u = units[j];
      if (u === undefined || (usable !== undefined && !usable(j))) break;
      if (j > i && !tightOk(u.gap, units[j - 1]?.digits ?? '', u.digits, allSingles)) break;
      acc += u.digits;
      if (acc.length > MAX_PAN) break;
      if (acc.length < MIN_PAN) continue;
      const rank = LENGTH_RANK.indexOf(acc.length);
      if (rank < bestRank && luhnValid(acc) && !looksLikeTimestamp(units, i, j)) {
        best = { from: i, to: j, digits: acc };
        bestRank = rank;
      }
    }
    if (best !== undefined) {
      out.push(best);
      i = best.to;
    }
  }
  return out;
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
export function renderPanPiece(digits: string, offset: number, count: number, display: PanDisplay): string {
  let chars = '';
  for (let k = 0; k < count; k += 1) {
    const i = offset + k;
    chars += panDigitVisible(i, digits.length, display) ? (digits[i] ?? '•') : '•';
  }
  const groups: string[] = [];
  for (let k = 0; k < chars.length; k += 4) groups.push(chars.slice(k, k + 4));
  return groups.join(' ');
}
