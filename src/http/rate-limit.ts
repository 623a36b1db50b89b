/**
 * Per-hook token buckets: `perMinute` deliveries per minute on average, `burst` at once (default: `perMinute`).
 * In memory: a restart forgets them, which only ever lets a sender through.
 */
export function createRateLimiter(now: () => number) {
  const buckets = new Map<string, { tokens: number; at: number; size: number }>();
  return {
    /** Takes one token; returns 0 when allowed, else the seconds to wait (for Retry-After). */
    take(key: string, perMinute: number, burst: number = perMinute): number {
      const t = now();
      const rate = perMinute / 60_000;
      const size = Math.max(1, burst);
      let b = buckets.get(key);
      // A new bucket, or a changed limit, starts full.
      if (!b || b.size !== size) b = { tokens: size, at: t, size };
      b.tokens = Math.min(size, b.tokens + (t - b.at) * rate);
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
