import type { Logger } from 'pino';
import { DEFAULT_PREFIX } from '../formatters/notices.js';
import { newCiBatchState } from './ci/story.js';
import { createForwarder, type Forwarder } from './forward/forwarder.js';
import { DEFAULT_URL_POLICY, type UrlPolicy } from './forward/url-policy.js';
import type { Metrics } from './metrics.js';
import { createOutbox, type Outbox } from './outbox.js';
import { debounce } from './pipeline/debounce.js';
import { createDigests, digestWindow, routeWindows, type DigestWindow } from './pipeline/digests.js';
import { processEvent } from './pipeline/process-event.js';
import type { Clock, Notifier } from './ports.js';
import { singleFlight } from './lib/single-flight.js';
import { newThreadBatch } from './threads/route.js';
import type { EventResult, Hook, StoredEvent, Store } from './store/store.js';
import type { DiscordMessage } from './types.js';

/** Stored events processed per transaction. */
const BATCH = 100;
/** Kicks are debounced: processing starts this long after the last one… */
const KICK_DELAY_MS = 5;
/** …but no later than this after the first. */
const MAX_DEFER_MS = 200;

export interface PipelineDeps {
  store: Store;
  notifier: Notifier;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** Which forward targets are allowed (SSRF guard); DEFAULT_URL_POLICY when not given. */
  forwardPolicy?: UrlPolicy;
  forwardTimeoutMs?: number;
  /** The command prefix operator notices name (`COMMAND_PREFIX`); `!hook` when not given. */
  prefix?: string;
  /**
   * Called between two batches with the time the last one took: the place to give way while deliveries pour in
   * (the processing worker rests a multiple of it then). Default: yield once to the event loop.
   */
  betweenBatches?: (batchMs: number) => Promise<void>;
}

export interface Pipeline {
  /** Processes stored events and drains the outbox, soon. Safe to call often. */
  kick(): void;
  /** Processes everything stored and posts everything due; resolves when nothing is left to do now. */
  drain(): Promise<void>;
  /** Queues a notice (not tied to an event) for a channel. */
  notice(channelId: string, body: DiscordMessage, hookId?: string): Promise<void>;
  outbox: Outbox;
  forwarder: Forwarder;
  stop(): Promise<void>;
}

/** From the inbox to the outbox: stored events in batches (see pipeline/process-event.ts for one event), then post. */
export function createPipeline(deps: PipelineDeps): Pipeline {
  const { store, clock, log } = deps;
  const prefix = deps.prefix ?? DEFAULT_PREFIX;
  const outbox = createOutbox({ ...deps, prefix });
  const forwarder = createForwarder({
    store, clock, log, policy: deps.forwardPolicy ?? DEFAULT_URL_POLICY, timeoutMs: deps.forwardTimeoutMs, prefix, notice,
  });
  const digests = createDigests({ store, clock, onDue: () => void drain() });
  let stopped = false;

  /** One batch: its hooks, forward targets and digest windows read once, its results written in one transaction. */
  async function processBatch(batch: StoredEvent[]): Promise<void> {
    const hooks = new Map<string, Hook | undefined>();
    const targets = new Map<string, Hook[]>();
    const windows = new Map<string, DigestWindow | undefined>();
    const routeWindowEnds = new Map<string, number>();
    const ciBatch = newCiBatchState();
    const threads = newThreadBatch();
    const results: EventResult[] = [];
    for (const ev of batch) {
      if (!hooks.has(ev.hookId)) hooks.set(ev.hookId, await store.getHook(ev.hookId));
      const hook = hooks.get(ev.hookId);
      if (hook && !targets.has(hook.channelId)) {
        targets.set(hook.channelId, (await store.hooksInChannel(hook.channelId)).filter((h) => h.url));
      }
      if (hook && !windows.has(hook.id)) windows.set(hook.id, await digestWindow(store, hook, clock.now()));
      const window = hook && windows.get(hook.id);
      results.push(await processEvent({ store, log }, ev, {
        hook, targets: (hook && targets.get(hook.channelId)) ?? [], windowEnd: window?.end, quietSeconds: window?.quietSeconds, ciBatch, threads,
        routeWindow: hook && routeWindows(store, clock.now(), routeWindowEnds, hook),
      }));
    }
    await store.completeEvents(results, new Date(clock.now()).toISOString());
  }

  /** Stored events in batches, yielding between batches so ingest stays fast; then digests, forwards, posts. */
  async function runOnce(): Promise<void> {
    for (;;) {
      const started = clock.monotonic?.() ?? clock.now();
      const batch = await store.unprocessedEvents(BATCH);
      if (batch.length === 0) break;
      await processBatch(batch);
      if (batch.length < BATCH) break;
      const took = (clock.monotonic?.() ?? clock.now()) - started;
      await (deps.betweenBatches ? deps.betweenBatches(took) : new Promise((r) => setImmediate(r)));
    }
    await digests.flush();
    void forwarder.drain();
    await outbox.drain();
  }

  async function notice(channelId: string, body: DiscordMessage, hookId?: string): Promise<void> {
    await store.enqueue([{ channelId, hookId: hookId ?? null, body: { ...body } }], new Date(clock.now()).toISOString());
    if (!stopped) void drain();
  }

  const flight = singleFlight(runOnce, { log, what: 'pipeline run', stopped: () => stopped });
  const drain = flight.run;
  // While deliveries keep arriving, processing waits (up to MAX_DEFER_MS) and then takes them in large batches
  // (one transaction each). Acknowledging deliveries comes first; Discord cannot take messages faster than a
  // few per second per channel anyway.
  const kicks = debounce(clock, () => void drain(), { delayMs: KICK_DELAY_MS, maxDeferMs: MAX_DEFER_MS });

  return {
    kick: () => kicks.call(),
    drain,
    notice,
    outbox,
    forwarder,
    async stop() {
      stopped = true;
      kicks.stop();
      digests.stop();
      await flight.current();
      await outbox.stop();
      await forwarder.stop();
    },
  };
}
