import type { Logger } from 'pino';
import { Webhook } from 'standardwebhooks';
import type { Clock } from '../ports.js';
import type { ForwardRow, Store } from '../store/store.js';
import type { DiscordMessage, ForwardRetry } from '../types.js';
import { DEFAULT_PREFIX, NOTICE } from '../../formatters/notices.js';
import { checkForwardUrl, type UrlPolicy } from './url-policy.js';
import { singleFlight } from '../lib/single-flight.js';

/**
 * Retry schedule after a failed forward, modelled on Svix's: now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
 * https://docs.svix.com/retries
 */
export const FORWARD_SCHEDULE_MS = [0, 5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000];
/** No answer within this is a failure (the contract's 10 s). */
export const FORWARD_TIMEOUT_MS = 10_000;

/**
 * How long to wait after `attempts` failed tries before the next, or undefined when none is left. A hook's retry
 * policy (`forward.retry`) gives exponential backoff as stated — `initial_delay × backoff_multiplier^(n-1)`, at most
 * `max_delay`, `max_attempts` tries in all; without one, the built-in schedule with ±10 % jitter.
 */
export function retryDelayMs(policy: ForwardRetry | null, attempts: number, random: () => number): number | undefined {
  if (policy) {
    if (attempts >= policy.maxAttempts) return undefined;
    return Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.backoffMultiplier ** (attempts - 1));
  }
  if (attempts >= FORWARD_SCHEDULE_MS.length) return undefined;
  const base = FORWARD_SCHEDULE_MS[attempts];
  return Math.round(base + base * 0.2 * (random() - 0.5));
}

export interface ForwardAttempt { ok: boolean; status?: number; error?: string; ms: number }

/**
 * One signed POST: Standard Webhooks headers, the same `webhook-id` on every try, a fresh timestamp. `headers` are the
 * hook's own (`forward.headers`); they cannot replace hookbot's (checked when the hook is saved, and here).
 */
export async function sendForward(
  row: Pick<ForwardRow, 'url' | 'body' | 'messageId'>, secret: string, nowMs: number,
  opts: { policy: UrlPolicy; timeoutMs?: number; headers?: Record<string, string> | null },
): Promise<ForwardAttempt> {
  const t0 = performance.now();
  const blocked = await checkForwardUrl(row.url, opts.policy);
  if (blocked) return { ok: false, error: `refused: ${blocked}`, ms: 0 };
  const signature = new Webhook(secret).sign(row.messageId, new Date(nowMs), row.body);
  try {
    const res = await fetch(row.url, {
      method: 'POST',
      body: row.body,
      redirect: 'manual', // a 3xx is a failure: the receiver must answer itself
      signal: AbortSignal.timeout(opts.timeoutMs ?? FORWARD_TIMEOUT_MS),
      headers: {
        ...opts.headers,
        'content-type': 'application/json',
        'user-agent': 'hookbot',
        'webhook-id': row.messageId,
        'webhook-timestamp': String(Math.floor(nowMs / 1000)),
        'webhook-signature': signature,
      },
    });
    await res.arrayBuffer().catch(() => undefined);
    return { ok: res.status >= 200 && res.status < 300, status: res.status, ms: performance.now() - t0 };
  } catch (err) {
    const e = err as Error;
    return { ok: false, error: e.name === 'TimeoutError' ? `no answer within ${(opts.timeoutMs ?? FORWARD_TIMEOUT_MS) / 1000} s` : e.message, ms: performance.now() - t0 };
  }
}

export interface Forwarder {
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/** Works the durable forward queue: retries with backoff and jitter, 410 disables, the last failure tells the channel. */
export function createForwarder(deps: {
  store: Store; clock: Clock; log: Logger; policy: UrlPolicy; timeoutMs?: number;
  notice: (channelId: string, body: DiscordMessage, hookId: string) => Promise<void>;
  random?: () => number;
  /** The command prefix the notices name (`COMMAND_PREFIX`). */
  prefix?: string;
}): Forwarder {
  const { store, clock, log } = deps;
  const random = deps.random ?? Math.random;
  const prefix = deps.prefix ?? DEFAULT_PREFIX;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function attempt(row: ForwardRow): Promise<void> {
    const hook = await store.getHook(row.hookId);
    if (!hook || !hook.forwardSecret || hook.forwardState === 'disabled') {
      await store.markForward(row.id, { state: 'failed', lastError: 'forward removed or disabled' });
      return;
    }
    const result = await sendForward(row, hook.forwardSecret, clock.now(), { policy: deps.policy, timeoutMs: deps.timeoutMs, headers: hook.forwardHeaders });
    const attempts = row.attempts + 1;
    if (result.ok) {
      await store.markForward(row.id, { state: 'sent', attempts, lastStatus: result.status, lastError: null, sentAt: new Date(clock.now()).toISOString() });
      if (hook.forwardState === 'failing') await store.updateHook(hook.id, { forwardState: 'ok' });
      return;
    }
    const why = result.error ?? `HTTP ${result.status}`;
    if (result.status === 410) {
      // 410 Gone: the receiver asks us to stop (as Svix and Stripe treat it).
      await store.markForward(row.id, { state: 'failed', attempts, lastStatus: 410, lastError: why });
      const dropped = await store.failPendingForwards(hook.id, 'forward disabled by 410 Gone');
      if (!(await store.disableForward(hook.id))) return;
      log.warn({ hookId: hook.id, dropped }, 'forward target answered 410 Gone; forward disabled');
      await deps.notice(hook.channelId, NOTICE.forwardGone(prefix, { hookId: hook.id, url: hook.url }), hook.id);
      return;
    }
    const delay = retryDelayMs(hook.forwardRetry, attempts, random);
    if (delay !== undefined) {
      log.info({ hookId: hook.id, forwardId: row.id, attempts, status: result.status, err: result.error, retryInMs: delay }, 'forward failed, will retry');
      await store.markForward(row.id, { attempts, lastStatus: result.status ?? null, lastError: why, nextAttemptAt: clock.now() + delay });
      return;
    }
    await store.markForward(row.id, { state: 'failed', attempts, lastStatus: result.status ?? null, lastError: why });
    log.warn({ hookId: hook.id, forwardId: row.id, err: why }, 'forward failed for good');
    if (await store.markForwardFailing(hook.id)) {
      await deps.notice(hook.channelId, NOTICE.forwardFailing(prefix, { hookId: hook.id, url: hook.url, why }), hook.id);
    }
  }

  async function schedule(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (stopped) return;
    const next = await store.nextForwardDueAt();
    if (next === undefined) return;
    timer = setTimeout(() => { timer = undefined; void drain(); }, Math.max(10, next - clock.now()));
    timer.unref();
  }

  async function drainOnce(): Promise<void> {
    while (!stopped) {
      const rows = await store.dueForwards(clock.now(), 16);
      if (rows.length === 0) break;
      await Promise.all(rows.map((r) => attempt(r).catch((err) => log.error({ err: (err as Error).message }, 'forward attempt crashed'))));
    }
    await schedule();
  }

  const flight = singleFlight(drainOnce, { log, what: 'forward queue', stopped: () => stopped });
  const drain = flight.run;

  return {
    drain,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await flight.current();
    },
  };
}
