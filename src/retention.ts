import type { Logger } from 'pino';
import type { Clock } from './ports.js';
import type { Store } from './store/store.js';

/** Prunes stored payloads now and every hour: `days` of history, at most `maxEvents` rows. */
export function startRetention(opts: { store: Store; clock: Clock; log: Logger; days: number; maxEvents: number; everyMs?: number }) {
  const run = async () => {
    const before = new Date(opts.clock.now() - opts.days * 86_400_000).toISOString();
    try {
      const r = await opts.store.prune(before, opts.maxEvents);
      if (r.events || r.messages) opts.log.info({ ...r, before }, 'pruned old events and messages');
    } catch (err) {
      opts.log.error({ err: (err as Error).message }, 'pruning failed');
    }
  };
  void run();
  const timer = setInterval(run, opts.everyMs ?? 3_600_000);
  timer.unref();
  return { run, stop: () => clearInterval(timer) };
}
