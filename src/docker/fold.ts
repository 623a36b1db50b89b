import type { Logger } from 'pino';
import { eventKey, type DockerCategory, type DockerPayload } from '../../parsers/docker-events.js';
import type { Clock } from '../ports.js';
import { createCoalescer } from './coalesce.js';

/**
 * Storm folding (restart loops, health flapping): the first event of a container, category and window is posted
 * at once; the ones after it in the window are folded, and the latest of them is posted when the window closes,
 * saying how many it stands for. Starts also carry how often the container started in the recent window.
 */
export function createFolder(opts: {
  clock: Clock; log: Logger; windowMs?: number;
  post: (payload: DockerPayload, deliveryId: string) => Promise<void>;
}) {
  const coalescer = createCoalescer({ now: () => opts.clock.now(), windowMs: opts.windowMs });
  const pending = new Map<string, DockerPayload>();
  const timers = new Set<NodeJS.Timeout>();
  const closing = new Set<Promise<void>>();
  let stopped = false;

  /** The window of `foldKey` closed: post the latest folded event, if any, with the count of the others. */
  function closeWindow(foldKey: string): void {
    const latest = pending.get(foldKey);
    pending.delete(foldKey);
    const n = coalescer.flush(foldKey);
    if (!latest || n === 0 || stopped) return;
    latest.suppressed = n - 1;
    const posting = opts.post(latest, `${eventKey(latest.event)}:folded`)
      .catch((err) => opts.log.error({ err: (err as Error).message }, 'Docker folded event could not be stored'))
      .finally(() => closing.delete(posting));
    closing.add(posting);
  }

  return {
    /** Posts the event now, or folds it into the one posted when its window closes. */
    async offer(payload: DockerPayload, category: DockerCategory): Promise<void> {
      const e = payload.event;
      const id = e.Actor?.ID ?? e.id ?? '';
      if (category === 'start') payload.restarts = coalescer.countStart(id);
      const foldKey = `${id}:${category}:${category === 'health' ? e.Action : ''}`;
      const decision = e.Type === 'container' ? coalescer.offer(foldKey) : { post: true as const, suppressed: 0 };
      if (decision.post) {
        if (decision.suppressed) payload.suppressed = decision.suppressed;
        await opts.post(payload, eventKey(e));
        return;
      }
      const first = !pending.has(foldKey);
      pending.set(foldKey, payload);
      if (!first) return;
      const t = setTimeout(() => {
        timers.delete(t);
        closeWindow(foldKey);
      }, coalescer.windowMs);
      t.unref();
      timers.add(t);
    },
    /** Resolves when the folded events of windows that closed are stored (open windows post when they close). */
    async settled(): Promise<void> {
      while (closing.size) await Promise.all(closing);
    },
    stop(): void {
      stopped = true;
      for (const t of timers) clearTimeout(t);
    },
  };
}
