import type { Logger } from 'pino';
import { parseDelivery, ParseError } from '../parsers/index.js';
import { formatEvent, formatLine } from '../formatters/format-event.js';
import { decide } from './decide.js';
import { TEST_DELIVERY_PREFIX } from './samples/github-push.js';
import type { Metrics } from './metrics.js';
import { createOutbox, type Outbox } from './outbox.js';
import type { Clock, Notifier } from './ports.js';
import type { Store, StoredEvent } from './store/store.js';
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

  async function processEvent(ev: StoredEvent): Promise<void> {
    const at = new Date(clock.now()).toISOString();
    const hook = await store.getHook(ev.hookId);
    if (!hook || !hook.enabled) {
      await store.completeEvent(ev.id, 'dropped: hook removed or disabled', [], at);
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(ev.payload);
      const event = parseDelivery(hook.service, ev.eventType, payload, ev.receivedAt);
      const decision = decide(hook, event, { test: ev.deliveryId.startsWith(TEST_DELIVERY_PREFIX) });
      if (!decision.keep) {
        await store.completeEvent(ev.id, `filtered: ${decision.reason}`, [], at);
        return;
      }
      const template = hook.templates?.[event.event] ?? hook.templates?.['*'];
      const body = formatEvent(event, template, payload);
      const line = formatLine(event, template, payload);
      await store.completeEvent(ev.id, 'posted', [{ channelId: hook.channelId, hookId: hook.id, body: { ...body }, line }], at);
    } catch (err) {
      const why = err instanceof ParseError ? err.message : `unexpected: ${(err as Error).message}`;
      log.warn({ eventId: ev.id, hookId: ev.hookId, err: why }, 'event could not be processed');
      await store.completeEvent(ev.id, `error: ${why}`, [], at);
    }
  }

  async function runOnce(): Promise<void> {
    for (;;) {
      const batch = await store.unprocessedEvents(100);
      for (const ev of batch) await processEvent(ev);
      if (batch.length < 100) break;
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
    kick: () => { if (!stopped) void drain(); },
    drain,
    async notice(channelId, body, hookId) {
      await store.enqueue([{ channelId, hookId: hookId ?? null, body: { ...body } }], new Date(clock.now()).toISOString());
      if (!stopped) void drain();
    },
    outbox,
    async stop() {
      stopped = true;
      await running;
      await outbox.stop();
    },
  };
}
