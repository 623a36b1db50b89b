import type { Logger } from 'pino';
import { DeliveryError } from './errors.js';
import type { Metrics } from './metrics.js';
import type { Clock, Notifier } from './ports.js';
import type { OutboxRow, Store } from './store/store.js';
import type { DiscordMessage } from './types.js';

export interface Outbox {
  /** Posts every due row, one at a time per channel (order kept), channels in parallel. */
  drain(): Promise<void>;
  /** Stops scheduling; resolves when the posts in flight are done. */
  stop(): Promise<void>;
}

/** Retries: 1 s, 2 s, 4 s … capped at 5 min, 12 tries (about 30 minutes) before giving up. */
export const MAX_ATTEMPTS = 12;
export function backoffMs(attempt: number): number {
  return Math.min(1000 * 2 ** (attempt - 1), 5 * 60_000);
}

export function createOutbox(deps: { store: Store; notifier: Notifier; clock: Clock; log: Logger; metrics: Metrics }): Outbox {
  const { store, notifier, clock, log, metrics } = deps;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  async function hookFailed(row: OutboxRow, err: DeliveryError): Promise<void> {
    if (!row.hookId) return;
    const hook = await store.getHook(row.hookId);
    if (!hook) return;
    const reason = `${err.message}${err.code ? ` (Discord code ${err.code})` : ''}`;
    const wasOk = hook.status !== 'failing';
    await store.updateHook(hook.id, { status: 'failing', statusReason: reason });
    if (!wasOk) return; // told once already
    const hint = err.code === 50013 || err.code === 50001
      ? 'Give me **View Channel**, **Send Messages** and **Embed Links** in that channel.'
      : err.status === 404 ? 'The channel seems to be gone: run `!hook delete ' + hook.id + '` or recreate the hook in another channel.'
      : 'Check the bot\'s access to that channel.';
    const body: DiscordMessage = {
      content: `⚠️ hookbot could not post to <#${hook.channelId}> for **${hook.id}**: ${reason}. ${hint} `
        + 'Events keep being stored; new ones are posted once this is fixed.',
      allowed_mentions: { parse: [] },
    };
    try {
      await notifier.dm(hook.userId, body);
    } catch (dmErr) {
      log.warn({ hookId: hook.id, err: (dmErr as Error).message }, 'could not tell the hook creator about a failing hook');
    }
  }

  async function postRow(row: OutboxRow): Promise<void> {
    try {
      const { messageId } = await notifier.post(row.channelId, row.body as DiscordMessage, row.nonce);
      await store.markSent(row.id, messageId, new Date(clock.now()).toISOString());
      metrics.messagesSent.inc();
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
    const next = await store.nextDueAt();
    if (next === undefined || stopped) return;
    timer = setTimeout(() => { timer = null; void drain(); }, Math.max(10, next - clock.now()));
    timer.unref?.();
  }

  async function drainOnce(): Promise<void> {
    while (!stopped) {
      const rows = await store.dueOutbox(clock.now(), 50);
      if (rows.length === 0) break;
      await Promise.all(rows.map(postRow));
    }
    metrics.queueDepth.set(await store.queueDepth());
    await schedule();
  }

  let running: Promise<void> | null = null;
  let again = false;
  /** Single flight: a call while a drain runs makes that drain go round once more. */
  function drain(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await drainOnce();
      } while (again && !stopped);
    })().catch((err) => log.error({ err }, 'outbox drain failed'))
      .finally(() => { running = null; });
    return running;
  }

  return {
    drain,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      return running ?? Promise.resolve();
    },
  };
}
