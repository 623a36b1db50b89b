import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { Clock } from '../ports.js';
import type { Processing } from '../processing/processing.js';
import type { Store } from '../store/store.js';

export interface RoleProcessing extends Processing {
  /**
   * This process leads: start the processing worker, and again after a failed start while still leading; with
   * `strict` (one process on SQLite, at start) a failed start is thrown instead.
   */
  lead(opts?: { strict?: boolean }): Promise<void>;
  /** This process no longer leads: the worker stops at once. */
  follow(): void;
}

/**
 * Processing as the rest of the process sees it, whichever role it has. On the leader it is the worker thread
 * (`src/processing/`); on a follower there is none, and a kick wakes the leader instead (`wakeLeader`: NOTIFY).
 * Notices are stored either way, so whoever leads posts them.
 */
export function createRoleProcessing(deps: {
  start: () => Promise<Processing>;
  wakeLeader: () => void;
  store: Pick<Store, 'enqueue'>;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** Wait before starting the worker again after it could not start (default 2 s). */
  retryMs?: number;
}): RoleProcessing {
  const { log } = deps;
  let current: Processing | undefined;
  /** Bumped by every lead/follow/stop: a worker that finishes starting for an older one is stopped again. */
  let generation = 0;
  let leading = false;
  let stopped = false;
  let starting: Promise<void> = Promise.resolve();
  /** Kicks that came while the worker was starting: passed on once it runs. */
  let kickedWhileStarting = false;

  const startWorker = async (gen: number, strict = false): Promise<void> => {
    let p: Processing;
    try {
      p = await deps.start();
    } catch (err) {
      if (strict) {
        leading = false;
        throw err;
      }
      if (gen !== generation) return;
      log.error({ err: (err as Error).message, retryInMs: deps.retryMs ?? 2000 }, 'processing could not start; trying again');
      setTimeout(() => { if (gen === generation) starting = startWorker(gen); }, deps.retryMs ?? 2000).unref();
      return;
    }
    if (gen !== generation) {
      await p.halt();
      return;
    }
    current = p;
    if (kickedWhileStarting) p.kick();
    kickedWhileStarting = false;
  };

  const processing: RoleProcessing = {
    lead({ strict = false } = {}) {
      if (stopped || leading) return starting;
      leading = true;
      const started = startWorker(++generation, strict);
      starting = started.catch(() => {});
      return started;
    },
    follow() {
      leading = false;
      generation++;
      const p = current;
      current = undefined;
      void p?.halt();
    },
    kick() {
      if (current) current.kick();
      else if (leading) kickedWhileStarting = true;
      else if (!stopped) deps.wakeLeader();
    },
    async drain() {
      await starting;
      await current?.drain();
    },
    async notice(channelId, body, hookId) {
      await deps.store.enqueue([{ channelId, hookId: hookId ?? null, body: { ...body } }], new Date(deps.clock.now()).toISOString());
      processing.kick();
    },
    async metricsText() {
      return current ? current.metricsText() : deps.metrics.registry.metrics();
    },
    async stop() {
      stopped = true;
      leading = false;
      generation++;
      await starting;
      const p = current;
      current = undefined;
      await p?.stop();
    },
    async halt() {
      processing.follow();
    },
  };
  return processing;
}
