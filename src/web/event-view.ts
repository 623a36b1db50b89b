import { eventLine, packableLine } from '../../formatters/line.js';
import type { Hook, Store, StoredEvent } from '../store/store.js';
import type { NormalizedEvent } from '../types.js';
import { parseStoredDelivery } from '../hooks/explain.js';

export { explainDelivery, parseStoredDelivery, type Explanation, type ParsedDelivery } from '../hooks/explain.js';

/**
 * One line saying what a delivery was (the commit message, the PR title…): the packed form of formatters/line.ts,
 * which keeps each event's essential text, without its link and with Discord's markdown escapes taken off (the
 * page shows it as text).
 */
export function summaryLine(event: NormalizedEvent): string {
  return packableLine(eventLine(event), true).replace(/\\(.)/g, '$1');
}

/** Summaries of stored deliveries by event id; a payload never changes, so they are kept (up to `max`). */
export function createSummaries(store: Store, max = 5000) {
  const cache = new Map<number, string>();
  return async (eventIds: number[], hooks: Map<string, Hook>): Promise<Map<number, string>> => {
    const out = new Map<number, string>();
    await Promise.all(eventIds.map(async (id) => {
      const known = cache.get(id);
      if (known !== undefined) return void out.set(id, known);
      const ev = await store.getEvent(id);
      const hook = ev ? hooks.get(ev.hookId) : undefined;
      if (!ev || !hook) return;
      const parsed = parseStoredDelivery(hook, ev);
      const line = parsed.ok ? summaryLine(parsed.event) : `(cannot be read: ${parsed.error})`;
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(id, line);
      out.set(id, line);
    }));
    return out;
  };
}
