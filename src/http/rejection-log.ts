import type { Logger } from 'pino';
import type { NewRejection, Store } from '../store/store.js';

/** Refusals written per tick at most; beyond that a flood is counted in the log, not stored row by row. */
const MAX_PER_FLUSH = 500;

export interface RejectionLog {
  /** Records a delivery answered 4xx (never its body); written with the others of the same tick. */
  record(r: NewRejection): void;
}

/**
 * Keeps deliveries refused with 4xx so "why didn't it post?" has an answer. Off the answer's path: refusals of one
 * tick share one transaction, and a flood (a scanner, a sender with a wrong secret retrying) is capped per tick.
 */
export function createRejectionLog(deps: { store: Pick<Store, 'recordRejections'>; log: Logger }): RejectionLog {
  let queue: NewRejection[] = [];
  let dropped = 0;
  let writing: Promise<void> = Promise.resolve();

  const write = async () => {
    const batch = queue;
    queue = [];
    if (dropped) {
      deps.log.warn({ dropped }, 'too many refused deliveries at once: some were not recorded');
      dropped = 0;
    }
    try {
      await deps.store.recordRejections(batch);
    } catch (err) {
      deps.log.error({ err: (err as Error).message, count: batch.length }, 'could not record refused deliveries');
    }
  };

  return {
    record(r) {
      if (queue.length >= MAX_PER_FLUSH) { dropped++; return; }
      queue.push(r);
      if (queue.length === 1) setImmediate(() => { writing = writing.then(write); });
    },
  };
}
