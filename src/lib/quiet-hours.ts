import type { QuietHours } from '../types.js';

/**
 * Quiet hours: a daily window of local time (`22:00` → `07:00`, in an IANA time zone) during which a hook's events
 * wait, to be posted as one digest when the window ends. Pure time arithmetic; the zone's rules come from Intl (ICU).
 */

/** `HH:MM`, 00:00 to 23:59. */
export const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

const DAY_MS = 86_400_000;
const formats = new Map<string, Intl.DateTimeFormat>();

function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formats.set(tz, f);
  }
  return f;
}

/** Why `tz` is not a time zone, or null. */
export function timeZoneProblem(tz: string): string | null {
  try {
    format(tz);
    return null;
  } catch {
    return `"${tz}" is not a time zone: use an IANA name like Europe/Berlin, America/New_York or UTC`;
  }
}

/** How far the zone's clock is ahead of UTC at instant `t` (ms). */
function offsetMs(tz: string, t: number): number {
  const parts = Object.fromEntries(format(tz).formatToParts(new Date(t)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - (t - (((t % 1000) + 1000) % 1000));
}

const minutes = (hhmm: string) => {
  const m = HHMM.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
};

/** The window's length in seconds (22:00 → 07:00 is 9 hours). */
export function quietSeconds(q: QuietHours): number {
  return ((((minutes(q.to) - minutes(q.from)) % 1440) + 1440) % 1440) * 60;
}

/** When the quiet hours that `now` falls in end (epoch ms), or undefined when `now` is outside them. */
export function quietUntil(q: QuietHours | null | undefined, now: number): number | undefined {
  if (!q) return undefined;
  const from = minutes(q.from);
  const to = minutes(q.to);
  if (from === to) return undefined;
  const off = offsetMs(q.tz, now);
  const wall = now + off; // the local clock, written as if it were UTC
  const dayStart = wall - (((wall % DAY_MS) + DAY_MS) % DAY_MS);
  const cur = (wall - dayStart) / 60_000;
  const quiet = from < to ? cur >= from && cur < to : cur >= from || cur < to;
  if (!quiet) return undefined;
  let endWall = dayStart + to * 60_000;
  if (endWall <= wall) endWall += DAY_MS;
  // Local time → instant: the offset at the end may differ from now's (a daylight saving change in between).
  let end = endWall - off;
  end = endWall - offsetMs(q.tz, end);
  return Math.max(end, now + 1000);
}
