// Claims (spans to replace) and building the masked text from them.
import type { Finding, FindingType } from './types';

export interface Claim {
  readonly start: number;
  readonly end: number;
  readonly type: FindingType;
  readonly render: string;
  /** An earlier masking met again (see echo.ts): reported, never changed, never a piece of a new card. */
  readonly echo?: boolean;
  /**
   * A CVV or expiry read from its shape alone, because a card came just before (no context word):
   * it may as well be the first piece of another card split across messages, so it stays joinable.
   */
  readonly shape?: boolean;
}

export interface Applied {
  readonly text: string;
  readonly findings: Finding[];
  /** Output offset of an input offset that lies outside every claim. */
  readonly map: (offset: number) => number;
}

/**
 * Claims with a coverage map of the text, so that "does this span overlap a
 * claim?" costs the span's length, not the number of claims (linear scans).
 */
export class ClaimSet {
  private marks: Uint8Array | undefined;
  constructor(
    private readonly size: number,
    readonly list: Claim[],
  ) {
    for (const c of list) this.mark(c.start, c.end);
  }

  push(c: Claim): void {
    this.list.push(c);
    this.mark(c.start, c.end);
  }

  /** Marks a span (a claim whose start moved earlier). */
  mark(start: number, end: number): void {
    const s = Math.max(0, start);
    const e = Math.min(this.size, end);
    if (e <= s) return;
    this.marks ??= new Uint8Array(this.size);
    this.marks.fill(1, s, e);
  }

  overlaps(start: number, end: number): boolean {
    const m = this.marks;
    if (m === undefined) return false;
    const e = Math.min(this.size, end);
    for (let i = Math.max(0, start); i < e; i += 1) if (m[i] === 1) return true;
    return false;
  }
}

const SHOWN = /[^• ]/g;

export function overlapsAny(claims: readonly Claim[], start: number, end: number): boolean {
  for (const c of claims) if (c.start < end && start < c.end) return true;
  return false;
}

/**
 * Replaces claimed spans. Overlapping claims merge into one span with the
 * placeholder of the claim made first (rules run in priority order), so a
 * partial overlap never leaves a piece of a secret behind.
 */
export function applyClaims(text: string, claims: readonly Claim[]): Applied {
  if (claims.length === 0) return { text, findings: [], map: (o) => o };
  const sorted = claims
    .map((c, order) => ({ c, order }))
    .sort((a, b) => a.c.start - b.c.start || a.order - b.order);
  const merged: Array<{ start: number; end: number; order: number; claim: Claim; blind?: true }> =
    [];
  for (const { c, order } of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && c.start < last.end) {
      // Two cards read over different spans that would show different digits (two readings of the
      // text: look-alikes, %-escapes, number words): which are the last four is unsure, so none is.
      if (
        c.type === 'pan' &&
        last.claim.type === 'pan' &&
        c.echo !== true &&
        last.claim.echo !== true &&
        c.render !== last.claim.render
      )
        last.blind = true;
      // An echo renders only its own span: a new claim reaching past it must win, or its text would be lost.
      const wins =
        last.claim.echo === true && c.echo !== true
          ? c.end > last.end
          : c.echo !== true && order < last.order;
      last.end = Math.max(last.end, c.end);
      if (wins) {
        last.order = order;
        last.claim = c;
      }
    } else merged.push({ start: c.start, end: c.end, order, claim: c });
  }
  let out = '';
  let pos = 0;
  const findings: Finding[] = [];
  const shifts: Array<{ at: number; delta: number }> = [];
  for (const m of merged) {
    out += text.slice(pos, m.start);
    const start = out.length;
    out += m.blind === true ? m.claim.render.replace(SHOWN, '•') : m.claim.render;
    findings.push({ type: m.claim.type, start, end: out.length });
    pos = m.end;
    shifts.push({ at: m.end, delta: out.length - pos });
  }
  out += text.slice(pos);
  const map = (offset: number): number => {
    let d = 0;
    for (const s of shifts) {
      if (s.at > offset) break;
      d = s.delta;
    }
    return offset + d;
  };
  return { text: out, findings, map };
}
