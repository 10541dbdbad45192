// Card windows over the chains of one text, and the digits around them that
// are hidden with them. Every function here costs the chain's length (times a
// constant), never the number of claims: see ClaimSet.
import type { Claim } from './claims';
import { ClaimSet, overlapsAny } from './claims';
import { findPanWindows, renderPan } from './pan';
import type { PanWindow } from './pan';
import type { Chain, Unit } from './tokens';
import type { PanDisplay } from './types';

/** What blocks a unit from a card window: another secret's claim (not an SSN shape, not an echo). */
export interface WindowBlocks {
  readonly cover: ClaimSet;
  readonly ssn: readonly Claim[];
}

/**
 * Luhn windows of a chain that are free of other claims. Units of an SSN claim may be used when
 * the window covers the whole SSN (a card written 3-2-4 at its start or end); a window that would
 * cut an SSN in two is not taken, and the chain is searched again around the SSN.
 * `current(i)`: unit `i` lies in this text (in the conversation masker, earlier units do not).
 * The masker's own output met again (an echo) never blocks: the digits beside and inside it are
 * read as if it were not there, so `•••• 5555.5555.5555.4444` is still a card.
 * `blocks`: precomputed blocking claims (linear cost); without it, `claims` are scanned per unit.
 */
export function cardWindows(
  units: readonly Unit[],
  plusBefore: boolean,
  claims: readonly Claim[],
  current: (i: number) => boolean,
  reach?: (j: number) => boolean,
  blocks?: WindowBlocks,
): PanWindow[] {
  // Without precomputed blocks, build the coverage once: per-unit scans of every claim are quadratic.
  const cover = blocks?.cover ?? coverOf(claims);
  const blocking = (u: Unit): boolean => cover.overlaps(u.start, u.end);
  const hard = (i: number): boolean => {
    const u = units[i];
    if (u === undefined) return false;
    return !current(i) || !blocking(u);
  };
  let ssn: readonly Claim[];
  if (blocks !== undefined) {
    const first = units[0];
    const last = units[units.length - 1];
    ssn =
      first === undefined || last === undefined || blocks.ssn.length === 0
        ? []
        : blocks.ssn.filter((x) => x.start < last.end && first.start < x.end);
  } else ssn = claims.filter((x) => x.type === 'ssn');
  const windows = findPanWindows(units, plusBefore, hard, reach);
  if (ssn.length === 0) return windows;
  const cuts = windows.some((w) => {
    let start = Infinity;
    let end = -1;
    for (let i = w.lead; i <= w.to; i += 1) {
      const u = units[i];
      if (u === undefined || !current(i)) continue;
      start = Math.min(start, u.start);
      end = Math.max(end, u.end);
    }
    return ssn.some((x) => x.start < end && start < x.end && !(start <= x.start && x.end <= end));
  });
  if (!cuts) return windows;
  return findPanWindows(
    units,
    plusBefore,
    (i) => {
      const u = units[i];
      return u !== undefined && hard(i) && (!current(i) || !overlapsAny(ssn, u.start, u.end));
    },
    reach,
  );
}

function coverOf(claims: readonly Claim[]): ClaimSet {
  let size = 0;
  const early: Claim[] = [];
  for (const x of claims)
    if (x.type !== 'ssn' && x.echo !== true) {
      early.push(x);
      size = Math.max(size, x.end);
    }
  return new ClaimSet(size, early);
}

/** The units of a chain as they are displayed when stored reversed (RLO) or right to left. */
function reordered(units: readonly Unit[], reverseDigits: boolean): Unit[] {
  const n = units.length;
  const out: Unit[] = [];
  for (let k = 0; k < n; k += 1) {
    const u = units[n - 1 - k] as Unit;
    const digits = reverseDigits ? [...u.digits].reverse().join('') : u.digits;
    out.push({ start: u.start, end: u.end, digits, gap: k === 0 ? 0 : (units[n - k]?.gap ?? 0) });
  }
  return out;
}

/**
 * Cards that read forwards only once the chain is displayed in another order: bidirectional
 * overrides store digits reversed (RLO), right-to-left text shows groups in reverse order, and
 * LRO inside right-to-left text reverses the digits of each group. Claimed with no digit shown.
 */
export function claimReordered(chain: Chain, blocks: WindowBlocks, claims: ClaimSet): void {
  const units = chain.units;
  if (units.length === 0) return;
  // Stored reversed under an override (RLO), and groups shown right to left (RTL paragraph).
  const variants: Unit[][] = [reordered(units, true), reordered(units, false)];
  for (const variant of variants) {
    const usable = (i: number): boolean => {
      const u = variant[i];
      return u !== undefined && !blocks.cover.overlaps(u.start, u.end);
    };
    for (const w of findPanWindows(variant, false, usable)) {
      let start = Infinity;
      let end = -1;
      for (let i = w.lead; i <= w.to; i += 1) {
        const u = variant[i];
        if (u === undefined) continue;
        start = Math.min(start, u.start);
        end = Math.max(end, u.end);
      }
      if (end > start)
        claims.push({ start, end, type: 'pan', render: renderPan(w.digits, 'none') });
    }
  }
}

/** Claims the windows of one chain; returns the end offset of each card and its digit count. */
export function claimWindows(
  chain: Chain,
  display: PanDisplay,
  blocks: WindowBlocks,
  claims: ClaimSet,
  panEnds: Map<number, number>,
): void {
  const units = chain.units;
  for (const w of cardWindows(
    units,
    chain.plusBefore,
    claims.list,
    () => true,
    undefined,
    blocks,
  )) {
    const first = units[w.lead];
    const last = units[w.to];
    if (first === undefined || last === undefined) continue;
    // Digits just before the window may be the card's true start: then its true last four are unsure.
    const shown = w.leadDigits === '' && !w.ambiguous ? display : 'none';
    claims.push({
      start: first.start,
      end: last.end,
      type: 'pan',
      render: renderPan(w.digits, shown),
    });
    panEnds.set(last.end, w.digits.length);
  }
}

/**
 * Digits that trail a card in the same chain (a 19-digit card whose first 16
 * happened to pass Luhn), and a short leading run right after a message that
 * ended with a card, are hidden too rather than left beside the last four.
 */
export function claimLeftovers(
  text: string,
  chains: readonly Chain[],
  panEnds: ReadonlyMap<number, number>,
  afterPanEnd: boolean,
  claims: ClaimSet,
): Set<number> {
  const trailed = new Set<number>();
  for (const chain of chains) {
    const units = chain.units;
    let budget = 0; // digits a card that ended earlier in this chain may still have
    let panEnd = -1;
    for (let i = 0; i < units.length; i += 1) {
      const u = units[i];
      const prev = units[i - 1];
      const len = prev === undefined ? undefined : panEnds.get(prev.end);
      if (prev !== undefined && len !== undefined) {
        budget = Math.max(3, 19 - len);
        panEnd = prev.end;
      }
      // "+44 20 7946 0958" or "€1,234.56" after a card: a reader sees a phone number or an amount
      // start there, not more of the card (a longer card is still found by its window).
      const fresh =
        prev !== undefined &&
        u !== undefined &&
        (NEW_NUMBER.test(text.slice(prev.end, u.start)) || (u.gap === 0 && shapeAt(units, i)));
      if (u === undefined || u.digits.length > budget || fresh) {
        budget = 0;
        continue;
      }
      budget -= u.digits.length;
      if (claims.overlaps(u.start, u.end)) continue; // an expiry or CVV: already hidden
      claims.push({ start: u.start, end: u.end, type: 'pan', render: '•'.repeat(u.digits.length) });
      trailed.add(panEnd);
    }
  }
  const lead = chains[0];
  if (!afterPanEnd || lead?.leading !== true) return trailed;
  let count = 0;
  const take: Claim[] = [];
  for (const u of lead.units) {
    count += u.digits.length;
    if (claims.overlaps(u.start, u.end)) continue; // an expiry or CVV: already hidden
    take.push({ start: u.start, end: u.end, type: 'pan', render: '•'.repeat(u.digits.length) });
  }
  if (count > 0 && count <= MAX_CONTINUATION) for (const x of take) claims.push(x);
  return trailed;
}

const ASCII_DIGIT = /[0-9]/;
/**
 * Whether units `i`, `i+1`, `i+2` are a date with a real day and month, one joiner between them
 * ("31.12.2025", "12/31/2025", "2025-12-31"): after a card, a date, not the card's rest.
 */
function dateAt(units: readonly Unit[], i: number): boolean {
  const a = units[i];
  const b = units[i + 1];
  const c = units[i + 2];
  if (a === undefined || b === undefined || c === undefined) return false;
  if (b.gap === 0 || b.gap !== c.gap || !DATE_JOINERS.has(b.gap)) return false;
  const [x, y, z] = [a.digits, b.digits, c.digits];
  const day = (d: string): boolean => d.length <= 2 && Number(d) >= 1 && Number(d) <= 31;
  const month = (d: string): boolean => d.length <= 2 && Number(d) >= 1 && Number(d) <= 12;
  if (x.length === 4) return month(y) && day(z); // 2025-12-31
  const year = z.length === 4 || z.length === 2;
  return year && ((day(x) && month(y)) || (month(x) && day(y)));
}
const DATE_JOINERS = new Set([0x2e, 0x2f, 0x2d]);

/** A date, a time ("10:30", "22:15:07") or an amount ("1.234,56", "1,234.56") starts at unit `i`. */
function shapeAt(units: readonly Unit[], i: number): boolean {
  if (dateAt(units, i)) return true;
  const a = units[i];
  const b = units[i + 1];
  if (a === undefined || b === undefined || b.gap === 0) return false;
  if (b.gap === 0x3a)
    return a.digits.length <= 2 && Number(a.digits) <= 23 && b.digits.length === 2;
  if (b.gap !== 0x2e && b.gap !== 0x2c) return false;
  // Thousands groups of three, then at most one group of two decimals.
  if (a.digits.length > 3) return false;
  let k = i + 1;
  while (units[k]?.digits.length === 3 && units[k]?.gap === b.gap) k += 1;
  const last = units[k];
  return k > i + 1 || (last !== undefined && last.gap !== 0 && last.digits.length === 2);
}

/** A mark that starts a phone number or an amount. */
export const NEW_NUMBER = /[+$€£¥₹₽₩]/;
const CARD_DATA = new Set(['pan', 'cvv', 'expiry']);
const MAX_CONTINUATION = 7;

/**
 * Between two hidden units of a chain, a separator written with digits (a `%20` escape, an
 * `&#8203;` entity) would leave those digits beside the mask: the later claim takes it over,
 * rendered as a space.
 */
export function closeEscapeGaps(text: string, chains: readonly Chain[], claims: ClaimSet): void {
  const list = claims.list;
  let hidden: ClaimSet | undefined;
  let byStart: Map<number, number> | undefined;
  for (const chain of chains) {
    const units = chain.units;
    for (let i = 1; i < units.length; i += 1) {
      const a = units[i - 1] as Unit;
      const b = units[i] as Unit;
      if (a.end >= b.start || !ASCII_DIGIT.test(text.slice(a.end, b.start))) continue;
      if (claims.overlaps(a.end, b.start)) continue;
      if (hidden === undefined || byStart === undefined) {
        hidden = new ClaimSet(text.length, []);
        byStart = new Map();
        for (let k = 0; k < list.length; k += 1) {
          const x = list[k] as Claim;
          if (x.echo === true || !CARD_DATA.has(x.type)) continue;
          hidden.mark(x.start, x.end);
          if (!byStart.has(x.start)) byStart.set(x.start, k);
        }
      }
      if (!hidden.overlaps(a.start, a.end)) continue;
      const k = byStart.get(b.start);
      const x = k === undefined ? undefined : list[k];
      if (k === undefined || x === undefined) continue;
      list[k] = { ...x, start: a.end, render: ` ${x.render}` };
      claims.mark(a.end, b.start);
    }
  }
}
