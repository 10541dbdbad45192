// A held message's text as shown: the message with its secrets masked (`unheld`) and its undecided
// pieces of a split card masked over it.
import type { Finding } from './types';

/** Where a held piece of this message sits in `unheld`, and its masked form. */
export interface HeldRange {
  readonly id: string;
  readonly start: number;
  readonly end: number;
  readonly render: string;
}

/**
 * Renders `unheld` with the pieces in `hidden` masked, and moves `findings` to match; a hidden
 * piece is reported as `pan` when it is in `cards` (part of a card), else as `held`.
 */
export function renderHeld(
  unheld: string,
  ranges: readonly HeldRange[],
  hidden: ReadonlySet<string>,
  findings: readonly Finding[] = [],
  cards: ReadonlySet<string> = new Set(),
): { text: string; findings: Finding[] } {
  const sorted = ranges.filter((r) => hidden.has(r.id)).sort((a, b) => a.start - b.start);
  let text = '';
  let pos = 0;
  let delta = 0;
  const shifts: Array<{ at: number; delta: number }> = [];
  const held: Finding[] = [];
  for (const r of sorted) {
    text += unheld.slice(pos, r.start);
    const type = cards.has(r.id) ? 'pan' : 'held';
    held.push({ type, start: text.length, end: text.length + r.render.length });
    text += r.render;
    delta += r.render.length - (r.end - r.start);
    shifts.push({ at: r.end, delta });
    pos = r.end;
  }
  text += unheld.slice(pos);
  const move = (o: number): number => {
    // the last shift at or before o (shifts are in order): a binary search, not a scan per finding
    let lo = 0;
    let hi = shifts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((shifts[mid]?.at ?? 0) <= o) lo = mid + 1;
      else hi = mid;
    }
    return o + (lo > 0 ? (shifts[lo - 1]?.delta ?? 0) : 0);
  };
  // A finding inside a hidden range (the card whose shown last four are held) is the range's now.
  const inside = (f: Finding): boolean => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid]?.start ?? 0) <= f.start) lo = mid + 1;
      else hi = mid;
    }
    const r = sorted[lo - 1];
    return r !== undefined && f.end <= r.end;
  };
  const moved = findings
    .filter((f) => !inside(f))
    .map((f) => ({ type: f.type, start: move(f.start), end: move(f.end) }));
  return { text, findings: [...moved, ...held].sort((a, b) => a.start - b.start) };
}
