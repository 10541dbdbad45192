// A card whose groups are joined by a few words within one message ("4242 then 4242 then 4242 then
// 4242"): issue 9, open class 2. Before, only the server's held path (which holds every piece)
// caught it; `maskText` (the widget's preview, the CLI's scan) read four separate numbers.
import type { ClaimSet } from './claims';
import { classOf, DIGIT, LETTER, MARK, SOFT } from './chars';
import { findPanWindows, renderPanPiece } from './pan';
import type { Chain, Unit } from './tokens';
import type { PanDisplay } from './types';

/** Text between two chains that may join them: at most this long, with at most MAX_WORDS words. */
const MAX_GAP = 24;
const MAX_WORDS = 3;
/** Each joining word at most this many letters ("then", "next", "and", "dash", "space"). */
const MAX_WORD = 6;
/**
 * Each group of a chain joined so has 3-6 digits, as card groups do (shorter ones are quantities,
 * times and dates; longer ones are order, tracking and timestamp numbers that stand alone).
 */
const MIN_GROUP = 3;
const MAX_GROUP = 6;

/** Whether a chain reads as groups of a card: 3-6 digits each (or digits one by one), spaced. */
function groupLike(chain: Chain): boolean {
  // Digits typed or spoken one by one ("four two four two") are groups too.
  const units = chain.units;
  if (units.length >= MIN_GROUP && units.every((u) => u.digits.length === 1 && u.gap === 0))
    return true;
  for (const u of units) {
    const n = u.digits.length;
    if (n < MIN_GROUP || n > MAX_GROUP || u.glue !== undefined) return false;
    // "1,234.56", "12/05/2024", "555-1234": a tight joiner between short groups is no card's.
    if (u.gap !== 0 && n < 4) return false;
  }
  return chain.units.every(
    (u, i) => i === 0 || u.gap === 0 || (chain.units[i - 1]?.digits.length ?? 0) >= 4,
  );
}

/** Whether `gap` is a few short words and separators, with at least one letter and no digit. */
function wordGap(gap: string): boolean {
  if (gap.length > MAX_GAP || gap.length < 3) return false;
  // Words stand apart from the digits ("1Z999AA1…", "fe23:4567" are one word each).
  const edge = (cp: number | undefined): boolean => {
    const k = classOf(cp ?? 0);
    return k === LETTER || k === MARK;
  };
  if (edge(gap.codePointAt(0)) || edge(gap.codePointAt(gap.length - 1))) return false;
  let words = 0;
  let run = 0;
  for (let i = 0; i <= gap.length; i += 1) {
    const cp = i < gap.length ? (gap.codePointAt(i) ?? 0) : 0x20;
    if (cp > 0xffff) i += 1;
    const k = classOf(cp);
    if (k === DIGIT || k === SOFT) return false;
    if (k === LETTER || (k === MARK && run > 0)) {
      run += 1;
      continue;
    }
    if (run > 0) {
      if (run > MAX_WORD) return false;
      words += 1;
      run = 0;
    }
    // A sentence ends: what follows is another statement, not the rest of a number.
    if (cp === 0x0a || cp === 0x3f || cp === 0x21 || cp === 0x2e) return false;
  }
  return words >= 1 && words <= MAX_WORDS;
}

/**
 * Claims, as cards, runs of whole chains joined only by a few short words whose digits together
 * make a Luhn-valid 12-19 digit number (windows of whole chains: a chain is one group). A chain that
 * another claim touches (a card already found, an expiry, a secret) or that follows a "+" is no part.
 */
export function claimWordJoined(
  text: string,
  chains: readonly Chain[],
  display: PanDisplay,
  claims: ClaimSet,
  panEnds: Map<number, number>,
): void {
  if (chains.length < 2) return;
  let total = 0;
  for (const chain of chains) for (const u of chain.units) total += u.digits.length;
  if (total < 12) return;
  let run: Array<{ chain: Chain; unit: Unit }> = [];
  const flush = (): void => {
    if (run.length >= 2) claimRun(run, display, claims, panEnds);
    run = [];
  };
  for (const chain of chains) {
    const first = chain.units[0];
    const last = chain.units[chain.units.length - 1];
    if (first === undefined || last === undefined) continue;
    let digits = '';
    for (const u of chain.units) digits += u.digits;
    const usable =
      digits.length <= 19 &&
      groupLike(chain) &&
      !chain.plusBefore &&
      !claims.overlaps(first.start, last.end);
    if (!usable) {
      flush();
      continue;
    }
    const prev = run[run.length - 1];
    if (prev !== undefined && !wordGap(text.slice(prev.unit.end, first.start))) flush();
    run.push({ chain, unit: { start: first.start, end: last.end, digits, gap: 0 } });
  }
  flush();
}

/**
 * Whether the groups of chains `from..to` are written as cards are: fours (the last may be shorter),
 * or 4-6-5 and 4-6-4 (American Express, Diners). Digits one by one count as one group. Random
 * numbers of other lengths joined by words pass Luhn one time in ten: they stay readable.
 */
function cardGrouping(
  run: ReadonlyArray<{ chain: Chain; unit: Unit }>,
  from: number,
  to: number,
): boolean {
  const sizes: number[] = [];
  for (let i = from; i <= to; i += 1) {
    const units = run[i]?.chain.units ?? [];
    if (units.every((u) => u.digits.length === 1)) sizes.push(units.length);
    else for (const u of units) sizes.push(u.digits.length);
  }
  const shape = sizes.join('-');
  if (shape === '4-6-5' || shape === '4-6-4') return true;
  return sizes.every((n, i) => n === 4 || (i === sizes.length - 1 && n >= 1 && n < 4));
}

function claimRun(
  run: ReadonlyArray<{ chain: Chain; unit: Unit }>,
  display: PanDisplay,
  claims: ClaimSet,
  panEnds: Map<number, number>,
): void {
  const units = run.map((r) => r.unit);
  for (const w of findPanWindows(units, false)) {
    if (w.to === w.from) continue; // one chain alone was searched already
    if (!cardGrouping(run, w.from, w.to)) continue;
    // Digits just before the window may be the card's true start: then its last four are unsure.
    const shown = w.leadDigits === '' && !w.ambiguous ? display : 'none';
    let offset = 0;
    for (let i = w.from; i <= w.to; i += 1) {
      const chain = run[i]?.chain;
      if (chain === undefined) continue;
      // Each group of the chain keeps its place; only what the display form allows is shown.
      for (const u of chain.units) {
        const render = renderPanPiece(w.digits, offset, u.digits.length, shown).replace(/ /g, '');
        claims.push({ start: u.start, end: u.end, type: 'pan', render });
        offset += u.digits.length;
      }
    }
    const end = run[w.to]?.unit.end;
    if (end !== undefined) panEnds.set(end, w.digits.length);
  }
}
