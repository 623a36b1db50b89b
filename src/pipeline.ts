import type { Logger } from 'pino';
import { parseDelivery, ParseError } from '../parsers/index.js';
import { formatEvent, formatLine } from '../formatters/format-event.js';
import { decide } from './decide.js';
import { TEST_DELIVERY_PREFIX } from './samples/github-push.js';
import type { Metrics } from './metrics.js';
import { createOutbox, type Outbox } from './outbox.js';
import type { Clock, Notifier } from './ports.js';
import type { Hook, NewOutboxRow, Store, StoredEvent } from './store/store.js';

const BATCH = 100;
const KICK_DELAY_MS = 5;
import type { DiscordMessage } from './types.js';

export interface PipelineDeps {
  store: Store;
  notifier: Notifier;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
}

export interface Pipeline {
  /** Processes stored events and drains the outbox, soon. Safe to call often. */
  kick(): void;
  /** Processes everything stored and posts everything due; resolves when nothing is left to do now. */
  drain(): Promise<void>;
  /** Queues a notice (not tied to an event) for a channel. */
  notice(channelId: string, body: DiscordMessage, hookId?: string): Promise<void>;
  outbox: Outbox;
  stop(): Promise<void>;
}

/** From the inbox to the outbox: parse, decide, format, queue — then post. */
export function createPipeline(deps: PipelineDeps): Pipeline {
  const { store, clock, log } = deps;
  const outbox = createOutbox(deps);
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let kickTimer: NodeJS.Timeout | null = null;

  type Result = { eventId: number; outcome: string; messages: NewOutboxRow[] };

  /** Parse, decide, format: pure work, no writes. */
  function processEvent(ev: StoredEvent, hook: Hook | undefined): Result {
    const done = (outcome: string, messages: NewOutboxRow[] = []) => ({ eventId: ev.id, outcome, messages });
    if (!hook || !hook.enabled) return done('dropped: hook removed or disabled');
    try {
      const payload: unknown = JSON.parse(ev.payload);
      const event = parseDelivery(hook.service, ev.eventType, payload, ev.receivedAt);
      const decision = decide(hook, event, { test: ev.deliveryId.startsWith(TEST_DELIVERY_PREFIX) });
      if (!decision.keep) return done(`filtered: ${decision.reason}`);
      const template = hook.templates?.[event.event] ?? hook.templates?.['*'];
      const body = formatEvent(event, template, payload);
      const line = formatLine(event, template, payload);
      return done('posted', [{ channelId: hook.channelId, hookId: hook.id, body: { ...body }, line }]);
    } catch (err) {
      const why = err instanceof ParseError ? err.message : `unexpected: ${(err as Error).message}`;
      log.warn({ eventId: ev.id, hookId: ev.hookId, err: why }, 'event could not be processed');
      return done(`error: ${why}`);
    }
  }

  /** Stored events in batches: one transaction per batch, yielding between batches so ingest stays fast. */
  async function runOnce(): Promise<void> {
    for (;;) {
      const batch = await store.unprocessedEvents(BATCH);
      if (batch.length === 0) break;
      const hooks = new Map<string, Hook | undefined>();
      const results: Result[] = [];
      for (const ev of batch) {
        if (!hooks.has(ev.hookId)) hooks.set(ev.hookId, await store.getHook(ev.hookId));
        results.push(processEvent(ev, hooks.get(ev.hookId)));
      }
      await store.completeEvents(results, new Date(clock.now()).toISOString());
      if (batch.length < BATCH) break;
      await new Promise((r) => setImmediate(r));
    }
    await outbox.drain();
  }

  function drain(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await runOnce();
      } while (again && !stopped);
    })().catch((err) => log.error({ err }, 'pipeline run failed'))
      .finally(() => { running = null; });
    return running;
  }

  return {
    kick() {
      // A few milliseconds of debounce: under load, events are processed in batches (one transaction each)
      // instead of one by one, which keeps the CPU for acknowledging deliveries.
      if (stopped || kickTimer) return;
      kickTimer = setTimeout(() => { kickTimer = null; void drain(); }, KICK_DELAY_MS);
    },
    drain,
    async notice(channelId, body, hookId) {
      await store.enqueue([{ channelId, hookId: hookId ?? null, body: { ...body } }], new Date(clock.now()).toISOString());
      if (!stopped) void drain();
    },
    outbox,
    async stop() {
      stopped = true;
      if (kickTimer) clearTimeout(kickTimer);
      await running;
      await outbox.stop();
    },
  };
}
