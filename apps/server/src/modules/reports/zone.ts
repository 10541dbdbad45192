import type { OffsetSegment } from '../../store';

const DAY = 86_400_000;
const MINUTE = 60_000;

const formats = new Map<string, Intl.DateTimeFormat>();
function formatOf(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** The zone's offset from UTC at `at` in ms (local wall clock minus UTC), to the second. */
export function offsetAt(timeZone: string, at: number): number {
  const parts = formatOf(timeZone).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return wall - (at - (((at % 1000) + 1000) % 1000));
}

/**
 * The zone's offsets over [from, to): constant pieces, each until the instant
 * its offset ends (the last until `to`). The store adds a row's offset before
 * dividing into days, so "per day" is the organisation's local day, across
 * DST changes (a 23- or 25-hour day). Offsets are sampled every 6 hours, and a
 * change is found to the minute between two samples (every zone changes on a
 * minute; none twice in 6 hours).
 */
export function offsetSegments(timeZone: string, from: number, to: number): OffsetSegment[] {
  const out: OffsetSegment[] = [];
  let offset = offsetAt(timeZone, from);
  let t = from;
  const STEP = DAY / 4;
  while (t < to) {
    const next = Math.min(t + STEP, to);
    const o = offsetAt(timeZone, next === to ? to - 1 : next);
    if (o !== offset) {
      // The first minute at which the new offset holds, in (t, next].
      let lo = Math.floor(t / MINUTE);
      let hi = Math.ceil(next / MINUTE);
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(timeZone, mid * MINUTE) === offset) lo = mid;
        else hi = mid;
      }
      const change = Math.max(hi * MINUTE, from + 1);
      if (change >= to) break;
      out.push({ until: change, offsetMs: offset });
      offset = offsetAt(timeZone, Math.min(change, to - 1));
      t = change;
      continue;
    }
    t = next;
  }
  out.push({ until: to, offsetMs: offset });
  return out;
}

/** A day key (days since the epoch of the local date) as YYYY-MM-DD. */
export const dayLabel = (key: string | null): string =>
  new Date(Number(key) * DAY).toISOString().slice(0, 10);

/**
 * The instant a local day (YYYY-MM-DD) starts in the zone: its midnight, from the
 * offsets there. Of the candidates, the earliest that falls on that day wins (a
 * midnight a DST change repeats counts once); a midnight a DST change skips
 * maps to the day's first instant (01:00 on that day).
 */
export function localMidnight(timeZone: string, day: string): number {
  const wall = Date.parse(`${day}T00:00:00Z`);
  const localDay = (at: number) => new Date(at + offsetAt(timeZone, at)).toISOString().slice(0, 10);
  const a = wall - offsetAt(timeZone, wall);
  const b = wall - offsetAt(timeZone, a);
  const onDay = [a, b].filter((c) => localDay(c) === day);
  return onDay.length > 0 ? Math.min(...onDay) : Math.max(a, b);
}

/** The day after a YYYY-MM-DD day. */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
