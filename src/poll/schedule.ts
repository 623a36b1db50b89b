/**
 * When a source is polled next: its interval after a success (later while the answer is still fresh by its
 * Cache-Control), exponential backoff after failures (capped), and a pause after a day of failures.
 */

/** A source failing this long is paused (and its channel told once). */
export const PAUSE_AFTER_MS = 24 * 3600_000;
/** Backoff grows to this at most (or to the interval, when that is longer). */
export const BACKOFF_CAP_MS = 6 * 3600_000;
/** A fresh answer defers the next request by this much at most. */
const FRESH_CAP_MS = 24 * 3600_000;

/** Until when an answer is fresh (epoch ms) by its `Cache-Control: max-age` less its `Age`; `now` when not cacheable. */
export function freshUntil(headers: { get(name: string): string | null }, now: number): number {
  const cc = (headers.get('cache-control') ?? '').toLowerCase();
  if (/\b(no-store|no-cache)\b/.test(cc)) return now;
  const maxAge = /\bmax-age\s*=\s*"?(\d+)/.exec(cc);
  if (!maxAge) return now;
  const age = Number(headers.get('age') ?? 0);
  const fresh = (Number(maxAge[1]) - (Number.isFinite(age) ? age : 0)) * 1000;
  return now + Math.min(Math.max(0, fresh), FRESH_CAP_MS);
}

/** `Retry-After` (seconds, or an HTTP date) as milliseconds from `now`, capped at a day; undefined when absent or bad. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  const ms = /^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), 24 * 3600_000) : undefined;
}

/** The wait after the `failures`-th failure in a row: the interval, doubling each time, capped. */
export function backoffMs(failures: number, everySeconds: number): number {
  const every = everySeconds * 1000;
  const cap = Math.max(every, BACKOFF_CAP_MS);
  return Math.min(cap, every * 2 ** Math.min(Math.max(0, failures - 1), 20));
}

/** The next poll after a success: one interval on, or when the answer stops being fresh if that is later. */
export function nextAfterSuccess(now: number, everySeconds: number, fresh: number): number {
  return Math.max(now + everySeconds * 1000, fresh);
}
