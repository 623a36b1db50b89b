/**
 * Tries per key (a client address) in a fixed window: the login form's guard against guessing. In memory, per
 * process: with several replicas each allows `tries` (a 256-bit token is not guessable at any such rate anyway).
 */
export function createTryLimiter(opts: { tries: number; windowMs: number; now: () => number; maxKeys?: number }) {
  const windows = new Map<string, { start: number; used: number }>();
  const maxKeys = opts.maxKeys ?? 10_000;
  return {
    /** Counts a try; returns 0 when allowed, else the seconds until the window ends (for Retry-After). */
    take(key: string): number {
      const t = opts.now();
      let w = windows.get(key);
      if (!w || t - w.start >= opts.windowMs) {
        if (!w && windows.size >= maxKeys) {
          // Forget finished windows first; if every window is live, the oldest goes (it only ever lets someone in sooner).
          for (const [k, v] of windows) if (t - v.start >= opts.windowMs) windows.delete(k);
          if (windows.size >= maxKeys) windows.delete(windows.keys().next().value!);
        }
        w = { start: t, used: 0 };
        windows.set(key, w);
      }
      if (w.used >= opts.tries) return Math.max(1, Math.ceil((w.start + opts.windowMs - t) / 1000));
      w.used += 1;
      return 0;
    },
  };
}
