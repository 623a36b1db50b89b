/**
 * Per-hook token buckets: `perMinute` deliveries per minute with bursts up to that many.
 * In memory: a restart forgets them, which only ever lets a sender through.
 */
export function createRateLimiter(now: () => number) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    /** Takes one token; returns 0 when allowed, else the seconds to wait (for Retry-After). */
    take(key: string, perMinute: number): number {
      const t = now();
      const rate = perMinute / 60_000;
      const b = buckets.get(key) ?? { tokens: perMinute, at: t };
      b.tokens = Math.min(perMinute, b.tokens + (t - b.at) * rate);
      b.at = t;
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
    },
  };
}
