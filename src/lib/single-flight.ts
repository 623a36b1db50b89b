import type { Logger } from 'pino';

/**
 * Runs `work` one at a time: a call while it runs makes the current run go round once more (so nothing
 * stored in the meantime waits for the next trigger), and returns the running promise.
 */
export function singleFlight(work: () => Promise<void>, opts: { log: Logger; what: string; stopped: () => boolean }) {
  let running: Promise<void> | null = null;
  let again = false;
  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await work();
      } while (again && !opts.stopped());
    })().catch((err) => opts.log.error({ err: (err as Error).message }, `${opts.what} failed`))
      .finally(() => { running = null; });
    return running;
  };
  return { run, current: () => running ?? Promise.resolve() };
}
