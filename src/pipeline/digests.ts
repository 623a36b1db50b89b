import { formatDigest } from '../../formatters/digest.js';
import { quietSeconds, quietUntil } from '../lib/quiet-hours.js';
import type { Clock } from '../ports.js';
import { withMentions } from '../rules/routes.js';
import type { Hook, Store } from '../store/store.js';

/** A digest this late (after its window closed) says so. */
const LATE_MS = 60_000;

/** Where an event waits: the digest window it joins (its end, epoch ms). */
export interface DigestWindow {
  end: number;
  /** Set when the window is the hook's quiet hours (their length in seconds): then every event waits, failures too. */
  quietSeconds?: number;
}

/**
 * The window an event of `hook` arriving `now` joins: its quiet hours until they end (one digest when they do), else
 * its open digest window or a new one (`aggregate`), else none. Read from the hook row: processing may run elsewhere.
 */
export async function digestWindow(store: Pick<Store, 'openDigestWindow'>, hook: Hook, now: number): Promise<DigestWindow | undefined> {
  const quietEnd = quietUntil(hook.quietHours, now);
  if (quietEnd !== undefined) return { end: quietEnd, quietSeconds: quietSeconds(hook.quietHours!) };
  if (hook.aggregateSeconds <= 0) return undefined;
  return { end: (await store.openDigestWindow(hook.id, now)) ?? now + hook.aggregateSeconds * 1000 };
}

/** The end of a route's open digest window in `channelId` (or of a new one), read once per batch per hook and channel. */
export type RouteWindow = (channelId: string, seconds: number) => Promise<number>;

/** A batch's `RouteWindow` for `hook`: windows opened earlier in the batch are not stored yet, hence the cache. */
export function routeWindows(store: Pick<Store, 'openDigestWindow'>, now: number, cache: Map<string, number>, hook: Hook): RouteWindow {
  return async (channelId, seconds) => {
    const key = `${hook.id}:${channelId}`;
    let end = cache.get(key);
    if (end === undefined) {
      end = (await store.openDigestWindow(hook.id, now, channelId)) ?? now + seconds * 1000;
      cache.set(key, end);
    }
    return end;
  };
}

export interface Digests {
  /** Posts the digests of closed windows, then sets the timer for the next window end. */
  flush(): Promise<void>;
  stop(): void;
}

/** Digest windows: closed ones become one message each; `onDue` runs when the next window closes. */
export function createDigests(deps: { store: Store; clock: Clock; onDue: () => void }): Digests {
  const { store, clock } = deps;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function flush(): Promise<void> {
    const now = clock.now();
    for (const d of await store.dueDigests(now)) {
      const hook = await store.getHook(d.hookId);
      if (!hook) continue;
      let body = formatDigest(d.items, { windowSeconds: d.windowSeconds, late: now - d.windowEnd > LATE_MS });
      // A route's own digest goes to its channel, with the route's mentions (if it still has them).
      const route = d.channelId ? hook.routes.find((r) => r.channelId === d.channelId && r.aggregateSeconds) : undefined;
      if (route?.mentions?.length) body = withMentions(body, route.mentions);
      const message = { channelId: d.channelId ?? hook.channelId, hookId: hook.id, body: { ...body } };
      await store.completeDigest(d.hookId, d.windowEnd, message, new Date(now).toISOString(), d.channelId);
    }
    const next = await store.nextDigestAt();
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (next !== undefined && !stopped) {
      timer = setTimeout(() => { timer = undefined; deps.onDue(); }, Math.max(10, next - clock.now()));
      timer.unref();
    }
  }

  return {
    flush,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
