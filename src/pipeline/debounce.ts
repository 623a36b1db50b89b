import type { Clock } from '../ports.js';

/**
 * Runs `run` once calls stop coming: `delayMs` after the last call, but no later than `maxDeferMs` after the
 * first. Time is the clock's monotonic time; a clock that does not move (a test's) still runs after at most
 * `maxDeferMs / delayMs` deferrals, and only defers while calls keep coming.
 */
export function debounce(clock: Clock, run: () => void, opts: { delayMs: number; maxDeferMs: number }) {
  const maxDeferrals = Math.ceil(opts.maxDeferMs / opts.delayMs);
  const time = () => clock.monotonic?.() ?? clock.now();
  let timer: NodeJS.Timeout | null = null;
  let first = 0;
  let last = 0;
  let calledSinceTimer = false;
  let deferrals = 0;
  let stopped = false;

  const fire = () => {
    const now = time();
    const keepWaiting = calledSinceTimer && now - last < opts.delayMs && now - first < opts.maxDeferMs && deferrals < maxDeferrals;
    if (keepWaiting && !stopped) {
      calledSinceTimer = false;
      deferrals++;
      timer = setTimeout(fire, opts.delayMs);
      return;
    }
    timer = null;
    run();
  };

  return {
    call() {
      if (stopped) return;
      last = time();
      if (timer) {
        calledSinceTimer = true;
        return;
      }
      first = last;
      calledSinceTimer = false;
      deferrals = 0;
      timer = setTimeout(fire, opts.delayMs);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
