import type { Logger } from 'pino';
import { DeliveryError } from './lib/errors.js';
import type { Metrics } from './metrics.js';
import type { Clock, Notifier } from './ports.js';
import type { OutboxRow, Store } from './store/store.js';
import type { DiscordMessage } from './types.js';
import { packMessages } from '../formatters/pack.js';
import { DEFAULT_PREFIX, NOTICE } from '../formatters/notices.js';
import { singleFlight } from './lib/single-flight.js';
import { createThreadSteps } from './threads/steps.js';

export interface Outbox {
  /** Posts every due row, one at a time per channel (order kept), channels in parallel. */
  drain(): Promise<void>;
  /** Stops scheduling; resolves when the posts in flight are done. */
  stop(): Promise<void>;
}

/** Discord keeps a nonce for a few minutes; with enforce_nonce a retried POST returns the first message. */
export const nonceFor = (headId: number) => `hookbot-${headId}`;

/** How many queued rows of a channel are considered for one packed message (6000 characters hold at most ~200 one-line events). */
const PACK_LOOKAHEAD = 200;

/** Retries: 1 s, 2 s, 4 s … capped at 5 min, 12 tries (about 30 minutes) before giving up. */
export const MAX_ATTEMPTS = 12;
export function backoffMs(attempt: number): number {
  return Math.min(1000 * 2 ** (attempt - 1), 5 * 60_000);
}

export interface OutboxDeps {
  store: Store;
  notifier: Notifier;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** The command prefix the notices name (`COMMAND_PREFIX`). */
  prefix?: string;
}

export function createOutbox(deps: OutboxDeps): Outbox {
  const { store, notifier, clock, log, metrics } = deps;
  const prefix = deps.prefix ?? DEFAULT_PREFIX;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  // Rows of a subject's thread (src/threads/) form their own queue and may go to the thread's channel.
  const threads = createThreadSteps({ store, notifier, clock, log, prefix });
  const queueOf = (row: OutboxRow) => row.threadKey ?? row.channelId;

  async function hookFailed(row: OutboxRow, err: DeliveryError): Promise<void> {
    if (!row.hookId) return;
    const hook = await store.getHook(row.hookId);
    if (!hook) return;
    const reason = `${err.message}${err.code ? ` (Discord code ${err.code})` : ''}`;
    const wasOk = hook.status !== 'failing';
    await store.updateHook(hook.id, { status: 'failing', statusReason: reason });
    if (!wasOk) return; // told once already
    const body = NOTICE.postFailed(prefix, { hookId: hook.id, channelId: hook.channelId, reason, discordCode: err.code, httpStatus: err.status });
    try {
      await notifier.dm(hook.userId, body);
    } catch (dmErr) {
      log.warn({ hookId: hook.id, err: (dmErr as Error).message }, 'could not tell the hook creator about a failing hook');
    }
  }

  /**
   * What the channel's head row carries. Decided once, before the first attempt, and stored: a retry must
   * send the same message under the same nonce, or Discord's nonce check would hide rows that were never sent.
   */
  async function messageFor(row: OutboxRow): Promise<{ body: DiscordMessage; members: number }> {
    if (row.packId !== null) {
      const members = row.packBody ? (await store.packMembers(row.id)).length : 1;
      return { body: row.packBody ?? row.body, members };
    }
    const all = (await store.unpackedInChannel(row.channelId, row.id, PACK_LOOKAHEAD)).filter((r) => r.threadKey === row.threadKey);
    // Only event messages (rows with a one-line form) are packed; alerts, digests and notices go out as they are.
    const stop = all.findIndex((r) => !r.line);
    const rows = stop === -1 ? all : stop === 0 ? all.slice(0, 1) : all.slice(0, stop);
    const packed = packMessages(rows.map((r) => ({ body: r.body, line: r.line ?? '' })));
    const memberIds = rows.slice(1, packed.count).map((r) => r.id);
    await store.assignPack(row.id, memberIds, packed.count > 1 ? { ...packed.body } : null);
    return { body: packed.body, members: packed.count };
  }

  /** Edits the message another row posted (a CI run's live message). Edits never mark a hook failing. */
  async function editRow(row: OutboxRow): Promise<void> {
    const target = await store.getOutbox(row.editOf!);
    if (!target?.messageId || target.state !== 'sent') {
      await store.markFailed(row.id, 'the message to edit was never posted');
      return;
    }
    try {
      await notifier.edit(row.threadKey ? await threads.editChannel(row, target) : row.channelId, target.messageId, row.body);
      await store.markSent(row.id, target.messageId, new Date(clock.now()).toISOString());
      metrics.messagesEdited.inc();
    } catch (e) {
      const err = e instanceof DeliveryError ? e : new DeliveryError((e as Error).message, true);
      const attempts = row.attempts + 1;
      if (err.retryable && attempts < MAX_ATTEMPTS) {
        metrics.retries.inc();
        await store.markRetry(row.id, attempts, clock.now() + backoffMs(attempts), err.message);
        return;
      }
      log.warn({ outboxId: row.id, status: err.status, err: err.message }, 'Discord message edit failed; the next update or the outcome message says it');
      await store.markFailed(row.id, err.message);
    }
  }

  async function postRow(row: OutboxRow): Promise<void> {
    if (row.editOf !== null) return editRow(row);
    try {
      const { body, members } = await messageFor(row);
      const { messageId, rateLimit, destination } = row.thread
        ? await threads.send(row, body, nonceFor(row.id))
        : { ...(await notifier.post(row.channelId, body, nonceFor(row.id))), destination: row.channelId };
      // Pace from the headers instead of hitting 429: while the bucket is empty, the channel's backlog grows
      // and goes out packed when it refills.
      if (rateLimit && rateLimit.remaining <= 0) blockedUntil.set(destination, clock.now() + rateLimit.resetAfterMs);
      if (members > 1) log.info({ channelId: row.channelId, events: members }, 'backlog packed into one message');
      await store.markSent(row.id, messageId, new Date(clock.now()).toISOString());
      if (row.thread?.step !== 'open') { // a thread's creation is no message
        metrics.messagesSent.inc();
        metrics.eventsPosted.inc(members);
      }
      metrics.deliveryLatency.observe(Math.max(0, clock.now() - Date.parse(row.createdAt)) / 1000);
      if (row.hookId) {
        const hook = await store.getHook(row.hookId);
        if (hook?.status === 'failing') await store.updateHook(hook.id, { status: 'ok', statusReason: null });
      }
    } catch (e) {
      const err = e instanceof DeliveryError ? e : new DeliveryError((e as Error).message, true);
      const attempts = row.attempts + 1;
      if (err.retryable && attempts < MAX_ATTEMPTS) {
        metrics.retries.inc();
        log.warn({ outboxId: row.id, attempts, status: err.status, err: err.message }, 'Discord post failed, will retry');
        await store.markRetry(row.id, attempts, clock.now() + backoffMs(attempts), err.message);
        return;
      }
      metrics.permanentFailures.inc();
      log.error({ outboxId: row.id, hookId: row.hookId, status: err.status, code: err.code, err: err.message },
        'Discord post failed permanently');
      await store.markFailed(row.id, err.message);
      await hookFailed(row, err);
    }
  }

  async function schedule(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    if (stopped) return;
    const now = clock.now();
    const waits = [...blockedUntil.values()].filter((t) => t > now);
    const due = await store.nextDueAt();
    const next = Math.min(due ?? Infinity, ...(waits.length ? [Math.min(...waits)] : []));
    if (!Number.isFinite(next)) return;
    timer = setTimeout(() => { timer = null; void drain(); }, Math.max(10, next - now));
    timer.unref?.();
  }

  /** Posts in flight by queue (a channel, or a thread's queue), and the channels they post to. */
  const inFlight = new Map<string, Promise<void>>();
  const posting = new Set<string>();
  const blockedUntil = new Map<string, number>();

  /**
   * Starts one post per queue that is due and whose channel is neither paced nor being posted to (oldest first, so
   * a channel's messages keep their order across queues); returns when every started post has finished.
   */
  async function drainOnce(): Promise<void> {
    while (!stopped) {
      const now = clock.now();
      for (const r of await store.dueOutbox(now, 100)) {
        const queue = queueOf(r);
        if (inFlight.has(queue)) continue;
        const dest = r.threadKey ? await threads.destinationOf(r).catch(() => r.channelId) : r.channelId;
        if (posting.has(dest) || (blockedUntil.get(dest) ?? 0) > clock.now()) continue;
        blockedUntil.delete(dest);
        posting.add(dest);
        inFlight.set(queue, postRow(r).finally(() => { inFlight.delete(queue); posting.delete(dest); }));
      }
      if (inFlight.size === 0) break;
      await Promise.race(inFlight.values());
    }
    await Promise.all(inFlight.values());
    metrics.queueDepth.set(await store.queueDepth());
    await schedule();
  }

  const flight = singleFlight(drainOnce, { log, what: 'outbox drain', stopped: () => stopped });
  const drain = flight.run;

  return {
    drain,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      return flight.current();
    },
  };
}
