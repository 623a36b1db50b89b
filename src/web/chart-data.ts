import { listDeliveries } from '../hooks/deliveries.js';
import type { Store } from '../store/store.js';
import { countInto, emptyBuckets, type HourBucket } from './views/chart.js';

/** Deliveries read per hook for its chart, at most (a page per 200). */
const MAX_COUNTED = 2000;

export type HourlyCounts = { buckets: HourBucket[]; capped: boolean };

/**
 * A hook's deliveries per hour over the last day by outcome, read through the delivery log (the same outcomes the
 * log and the API show). `capped` when the hook had more than MAX_COUNTED: the oldest hours then count short.
 */
export async function hourlyCounts(store: Store, hookId: string, now: number): Promise<HourlyCounts> {
  const buckets = emptyBuckets(now);
  const since = new Date(buckets[0].start).toISOString();
  let cursor: string | undefined;
  let counted = 0;
  for (;;) {
    const page = await listDeliveries(store, { hook: hookId, since, limit: 200, cursor });
    for (const d of page.data) countInto(buckets, d.received_at, d.outcome);
    counted += page.data.length;
    if (!page.next_cursor) return { buckets, capped: false };
    if (counted >= MAX_COUNTED) return { buckets, capped: true };
    cursor = page.next_cursor;
  }
}

/**
 * hourlyCounts, each hook's kept for `ttlMs` (the charts count per hour: reloading the log need not read a busy
 * hook's day again every time).
 */
export function createHourlyCounts(store: Store, now: () => number, ttlMs = 30_000) {
  const kept = new Map<string, { at: number; value: Promise<HourlyCounts> }>();
  return (hookId: string): Promise<HourlyCounts> => {
    const t = now();
    const hit = kept.get(hookId);
    if (hit && t - hit.at < ttlMs) return hit.value;
    for (const [id, v] of kept) if (t - v.at >= ttlMs) kept.delete(id);
    const value = hourlyCounts(store, hookId, t);
    kept.set(hookId, { at: t, value });
    value.catch(() => kept.delete(hookId));
    return value;
  };
}
