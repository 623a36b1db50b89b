import type { Logger } from 'pino';
import { parseDelivery, ParseError } from '../parsers/index.js';
import { formatEvent, formatLine } from '../formatters/format-event.js';
import { digestItem, formatDigest, type DigestItem } from '../formatters/digest.js';
import { decide } from './decide.js';
import { singleFlight } from './single-flight.js';
import { runAlerts } from './alerts/alerts.js';
import { TEST_DELIVERY_PREFIX } from './samples/github-push.js';
import type { Metrics } from './metrics.js';
import { createOutbox, type Outbox } from './outbox.js';
import type { Clock, Notifier } from './ports.js';
import type { EventResult, Hook, NewOutboxRow, Store, StoredEvent } from './store/store.js';
import { createForwarder, type Forwarder } from './forward/forwarder.js';
import type { UrlPolicy } from './forward/url-policy.js';
import type { DiscordMessage, NormalizedEvent } from './types.js';
import { newCiBatchState, tellCiStory, type CiBatchState } from './ci/story.js';

const BATCH = 100;
const KICK_DELAY_MS = 5;
const MAX_DEFER_MS = 200;

export interface PipelineDeps {
  store: Store;
  notifier: Notifier;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** Which forward targets are allowed (SSRF guard); defaults allow private, refuse link-local. */
  forwardPolicy?: UrlPolicy;
  forwardTimeoutMs?: number;
}

/** Whether a forward hook wants this event: `*`, its kind (`github.push`) or its name (`push`). */
export function wantsForward(hook: Hook, event: NormalizedEvent): boolean {
  const list = hook.forwardEvents ?? ['*'];
  return list.includes('*') || list.includes(event.kind) || list.includes(event.event) || list.includes(`${event.source}-${event.event}`);
}

/** The Standard Webhooks body of a forward: `{type, timestamp, data}`. */
export function forwardBody(eventId: number, hook: Hook, event: NormalizedEvent, payload: unknown): string {
  return JSON.stringify({
    type: event.kind,
    timestamp: event.occurredAt,
    data: {
      id: eventId, hook: hook.id, source: event.source, event: event.event, action: event.action ?? null,
      title: event.title, summary: event.summary ?? null, url: event.url ?? null, repo: event.repo ?? null,
      branch: event.branch ?? null, status: event.status, actor: event.actor?.name ?? null, fields: event.fields, payload,
    },
  });
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

/** From the inbox to the outbox: parse, decide, format, queue — then post. */
export function createPipeline(deps: PipelineDeps): Pipeline {
  const { store, clock, log } = deps;
  const outbox = createOutbox(deps);
  const forwarder = createForwarder({
    store, clock, log, policy: deps.forwardPolicy ?? { privateAddresses: 'allow', allowLinkLocal: false },
    timeoutMs: deps.forwardTimeoutMs,
    notice: (channelId, body, hookId) => notice(channelId, body, hookId),
  });
  let stopped = false;
  let kickTimer: NodeJS.Timeout | null = null;
  let lastKick = 0;
  let digestTimer: NodeJS.Timeout | undefined;

  type Result = EventResult;

  /** Parse, decide, format: no writes (CI runs read their state, changed state is saved with the batch). */
  async function processEvent(ev: StoredEvent, hook: Hook | undefined, targets: Hook[], windowEnd: number | undefined, ciBatch: CiBatchState): Promise<Result> {
    const done = (outcome: string, messages: NewOutboxRow[] = []) => ({ eventId: ev.id, outcome, messages });
    if (!hook || !hook.enabled) return done('dropped: hook removed or disabled');
    try {
      const payload: unknown = JSON.parse(ev.payload);
      const test = ev.deliveryId.startsWith(TEST_DELIVERY_PREFIX);
      let event = parseDelivery(hook.service, ev.eventType, payload, ev.receivedAt, hook.verify);
      let ciBody: DiscordMessage | undefined;
      let pre: Pick<Result, 'messages' | 'ci'> & { notes: string[] } = { messages: [], notes: [] };
      const digesting = hook.aggregateSeconds > 0 && windowEnd !== undefined && !test;
      if (hook.service === 'ci' && 'ci' in event && event.ci) {
        // Pipelines and jobs are told as one story per run; only its outcome goes on like an ordinary event.
        const story = await tellCiStory(store, hook, event, ciBatch, { test, digesting });
        pre = { messages: story.messages, ci: story.ci, notes: story.notes };
        if (!story.final) {
          return { ...done(pre.notes.join('; ') || 'run updated, nothing to post', pre.messages), ci: pre.ci };
        }
        event = story.final.view;
        ciBody = story.final.body;
      }
      const withPre = (r: Result): Result => ({
        ...r, messages: [...pre.messages, ...r.messages], ci: pre.ci,
        outcome: pre.notes.length ? `${r.outcome} (${pre.notes.join('; ')})` : r.outcome,
      });
      const decision = decide(hook, event, { test });
      if (!decision.keep) return withPre(done(`filtered: ${decision.reason}`));
      const template = hook.templates?.[event.event] ?? hook.templates?.['*'];
      const body = ciBody && !template ? ciBody : formatEvent(event, template, payload);
      const line = formatLine(event, template, payload);
      const forwards = targets.filter((t) => t.url && t.enabled && t.forwardState !== 'disabled' && wantsForward(t, event))
        .map((t) => ({ hookId: t.id, url: t.url!, messageId: `msg_${ev.id}_${t.id}`, body: forwardBody(ev.id, hook, event, payload) }));
      // In a digest window, the event waits for the digest; failures bypass it unless told otherwise.
      const bypass = hook.aggregateExcept !== 'none' && event.status === 'failure';
      if (digesting && !bypass) {
        return withPre({
          ...done(`aggregated: digest at ${new Date(windowEnd!).toISOString()}`), forwards,
          digest: { hookId: hook.id, windowEnd: windowEnd!, windowSeconds: hook.aggregateSeconds, item: { ...digestItem(event) } },
        });
      }
      return withPre({ ...done('posted', [{ channelId: hook.channelId, hookId: hook.id, body: { ...body }, line }]), forwards });
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
      const targets = new Map<string, Hook[]>();
      const windows = new Map<string, number>();
      const results: Result[] = [];
      const ciBatch = newCiBatchState();
      for (const ev of batch) {
        if (!hooks.has(ev.hookId)) hooks.set(ev.hookId, await store.getHook(ev.hookId));
        const hook = hooks.get(ev.hookId);
        if (hook && !targets.has(hook.channelId)) {
          targets.set(hook.channelId, (await store.hooksInChannel(hook.channelId)).filter((h) => h.url));
        }
        let windowEnd: number | undefined;
        if (hook && hook.aggregateSeconds > 0) {
          if (!windows.has(hook.id)) windows.set(hook.id, (await store.openDigestWindow(hook.id, clock.now())) ?? clock.now() + hook.aggregateSeconds * 1000);
          windowEnd = windows.get(hook.id);
        }
        const result = await processEvent(ev, hook, hook ? targets.get(hook.channelId)! : [], windowEnd, ciBatch);
        // alert-if sees every event of the hook (also ones its filters drop), and alerts never wait for a digest.
        if (hook?.enabled) result.messages = [...result.messages, ...(await runAlerts({ store, log }, hook, ev))];
        results.push(result);
      }
      await store.completeEvents(results, new Date(clock.now()).toISOString());
      if (batch.length < BATCH) break;
      await new Promise((r) => setImmediate(r));
    }
    await flushDigests();
    void forwarder.drain();
    await outbox.drain();
  }

  /** Posts the digests of closed windows (late ones say so), then wakes up for the next window end. */
  async function flushDigests(): Promise<void> {
    const now = clock.now();
    for (const d of await store.dueDigests(now)) {
      const hook = await store.getHook(d.hookId);
      if (!hook) continue;
      const late = now - d.windowEnd > 60_000;
      const body = formatDigest(d.items as unknown as DigestItem[], { windowSeconds: d.windowSeconds, late });
      await store.completeDigest(d.hookId, d.windowEnd, { channelId: hook.channelId, hookId: hook.id, body: { ...body } }, new Date(now).toISOString());
    }
    const next = await store.nextDigestAt();
    if (digestTimer) clearTimeout(digestTimer);
    digestTimer = undefined;
    if (next !== undefined && !stopped) {
      digestTimer = setTimeout(() => { digestTimer = undefined; void drain(); }, Math.max(10, next - clock.now()));
      digestTimer.unref();
    }
  }

  async function notice(channelId: string, body: DiscordMessage, hookId?: string): Promise<void> {
    await store.enqueue([{ channelId, hookId: hookId ?? null, body: { ...body } }], new Date(clock.now()).toISOString());
    if (!stopped) void drain();
  }

  const flight = singleFlight(runOnce, { log, what: 'pipeline run', stopped: () => stopped });
  const drain = flight.run;

  return {
    kick() {
      // Debounced: while deliveries keep arriving, processing waits (up to MAX_DEFER_MS) and then takes them in
      // large batches (one transaction each). Acknowledging deliveries comes first; Discord cannot take messages
      // faster than a few per second per channel anyway.
      if (stopped) return;
      lastKick = performance.now();
      if (kickTimer) return;
      const first = lastKick;
      const fire = () => {
        const now = performance.now();
        if (now - lastKick < KICK_DELAY_MS && now - first < MAX_DEFER_MS && !stopped) {
          kickTimer = setTimeout(fire, KICK_DELAY_MS);
          return;
        }
        kickTimer = null;
        void drain();
      };
      kickTimer = setTimeout(fire, KICK_DELAY_MS);
    },
    drain,
    notice,
    outbox,
    forwarder,
    async stop() {
      stopped = true;
      if (kickTimer) clearTimeout(kickTimer);
      if (digestTimer) clearTimeout(digestTimer);
      await flight.current();
      await outbox.stop();
      await forwarder.stop();
    },
  };
}
