import type { NewEvent, Store, Stored } from './store/store.js';

/** Group commit under load: wait at most this long, for at most this many deliveries. */
const GROUP_WAIT_MS = 2;
const GROUP_MAX = 200;
/** How often a waiting commit looks again whether the deliveries on their way have joined. */
const RECHECK_MS = 1;

export interface Ingest {
  /**
   * A request for a known hook has started: a delivery may be on its way (being read or verified), so a commit
   * waits briefly for it. Call the returned function when it is handed to `store()` or the request ends or fails
   * (calling it again does nothing).
   */
  expect(): () => void;
  /** Stores a delivery; resolves once the transaction that holds it has committed (so "stored before 2xx" holds). */
  store(delivery: NewEvent): Promise<Stored>;
}

/**
 * The group committer between HTTP and the store: deliveries arriving in the same tick share one transaction;
 * while more deliveries for known hooks are on their way, the commit waits up to GROUP_WAIT_MS for them (or
 * until GROUP_MAX are queued), so that under load one transaction carries many deliveries.
 */
export function createIngest(deps: { store: Pick<Store, 'storeDeliveries'>; monotonic?: () => number }): Ingest {
  const now = deps.monotonic ?? (() => performance.now());
  type Pending = { delivery: NewEvent; resolve: (r: Stored) => void; reject: (err: unknown) => void };
  let queue: Pending[] = [];
  let firstQueuedAt = 0;
  let rechecks = 0;
  /** Deliveries accepted for a known hook and not yet handed to `store()`. */
  let arriving = 0;

  /** Commits now, unless more deliveries are about to join. A clock that does not move still commits (rechecks are capped). */
  const commitSoon = () => {
    if (queue.length === 0) return;
    const waited = now() - firstQueuedAt;
    if (arriving > 0 && queue.length < GROUP_MAX && waited < GROUP_WAIT_MS && rechecks < GROUP_WAIT_MS / RECHECK_MS) {
      rechecks++;
      setTimeout(commitSoon, RECHECK_MS);
      return;
    }
    void commit();
  };

  const commit = async () => {
    const batch = queue;
    queue = [];
    try {
      const results = await deps.store.storeDeliveries(batch.map((p) => p.delivery));
      batch.forEach((p, i) => p.resolve(results[i]));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  };

  return {
    expect() {
      arriving++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        arriving--;
      };
    },
    store(delivery) {
      return new Promise((resolve, reject) => {
        queue.push({ delivery, resolve, reject });
        if (queue.length === 1) {
          firstQueuedAt = now();
          rechecks = 0;
          setImmediate(commitSoon);
        }
      });
    },
  };
}
