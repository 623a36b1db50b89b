/**
 * Folds storms of one container's events (restart loops, health flapping) into one message per container,
 * category and window, with counts. Pure apart from the clock it is given.
 */
export function createCoalescer(opts: { now: () => number; windowMs?: number; loopWindowMs?: number }) {
  const windowMs = opts.windowMs ?? 60_000;
  const loopWindowMs = opts.loopWindowMs ?? 5 * 60_000;
  const lastEmit = new Map<string, number>();
  const folded = new Map<string, number>();
  const starts = new Map<string, number[]>();

  return {
    windowMs,
    /** Counts a start of `container`; returns the starts within the loop window, this one included (a first start is 1). */
    countStart(container: string): { count: number; windowMin: number } {
      const t = opts.now();
      const list = (starts.get(container) ?? []).filter((s) => t - s < loopWindowMs);
      list.push(t);
      starts.set(container, list);
      return { count: list.length, windowMin: Math.round(loopWindowMs / 60_000) };
    },
    /**
     * Whether to post this event now. When not, it is counted and the caller posts it (or a later one) when the
     * window closes, with `suppressed` saying how many were folded.
     */
    offer(key: string): { post: true; suppressed: number } | { post: false } {
      const t = opts.now();
      const last = lastEmit.get(key);
      if (last !== undefined && t - last < windowMs) {
        folded.set(key, (folded.get(key) ?? 0) + 1);
        return { post: false };
      }
      lastEmit.set(key, t);
      const suppressed = folded.get(key) ?? 0;
      folded.delete(key);
      return { post: true, suppressed };
    },
    /** At the end of a window: how many were folded since the last post (and resets the window). */
    flush(key: string): number {
      const n = folded.get(key) ?? 0;
      folded.delete(key);
      if (n > 0) lastEmit.set(key, opts.now());
      return n;
    },
  };
}
