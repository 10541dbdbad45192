import type { BusinessHours } from '@parley/protocol';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** The default: open around the clock, so a new installation behaves as before. */
export const DEFAULT_HOURS: BusinessHours = {
  enabled: false,
  timeZone: 'UTC',
  week: [[], [], [], [], [], [], []],
  offlineText: '',
};

/** The local weekday (0 = Monday) and HH:MM at `now` in a time zone. */
export function localTime(now: number, timeZone: string): { day: number; time: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(now));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: WEEKDAYS.indexOf(get('weekday')), time: `${get('hour')}:${get('minute')}` };
}

/** Whether the organisation is open at `now` (always, when business hours are off). */
export function isWithinHours(hours: BusinessHours, now: number): boolean {
  if (!hours.enabled) return true;
  const { day, time } = localTime(now, hours.timeZone);
  return (hours.week[day] ?? []).some((s) => s.from <= time && time < s.to);
}
