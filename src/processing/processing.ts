import { Worker } from 'node:worker_threads';
import { AggregatorRegistry } from 'prom-client';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Metrics } from '../metrics.js';
import type { Clock } from '../ports.js';
import type { Store } from '../store/store.js';
import type { DiscordMessage } from '../types.js';
import type { FromWorker, ToWorker, WorkerStart } from './protocol.js';

/** The part of the pipeline the rest of hookbot talks to, wherever processing runs. */
export interface Processing {
  /** Stored events are waiting: process them soon. Cheap; call on every stored delivery. */
  kick(): void;
  /** Resolves when everything stored so far is processed and everything due is posted. */
  drain(): Promise<void>;
  /** Queues a notice (hookbot speaking for itself) for a channel. */
  notice(channelId: string, body: DiscordMessage, hookId?: string): Promise<void>;
  /** `/metrics`: the listener's metrics and the worker's, as one Prometheus text. */
  metricsText(): Promise<string>;
  /** Stops after the posts in flight are done (shutdown). */
  stop(): Promise<void>;
  /**
   * Stops the worker thread at once (leadership lost): posts in flight are abandoned, open transactions roll back
   * when its connections close. Whoever leads next retries a post that may have reached Discord with its nonce.
   */
  halt(): Promise<void>;
}

const WORKER_BOOT = new URL('./worker-boot.mjs', import.meta.url);
const WORKER_ENTRY = new URL('./worker.ts', import.meta.url).href;

/**
 * Runs processing (parse → rules → format → outbox → Discord) in a worker thread with its own database connection,
 * so ingest never waits for it: the thread answering deliveries only stores them and says `kick`. A worker that
 * dies is started again (stored events and queued messages are in the database; retried posts reuse their nonce).
 */
export function startProcessing(deps: {
  config: Config; store: Store; log: Logger; metrics: Metrics; clock: Clock;
  /** Also look for stored work this often (other processes store events too; their wake-ups are best effort). */
  pollMs?: number;
}): Promise<Processing> {
  const { config, store, log, metrics, clock } = deps;
  let worker: Worker;
  let stopping = false;
  let restarts = 0;
  let seq = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let kickQueued = false;
  let readyNow: () => void = () => {};

  const call = (m: (id: number) => ToWorker): Promise<unknown> => new Promise((resolve, reject) => {
    const id = ++seq;
    waiting.set(id, { resolve, reject });
    worker.postMessage(m(id));
  });

  /** Re-logs a worker log line through the main logger (one stream of JSON lines, one level setting). */
  const relog = (line: string) => {
    try {
      const { level, msg, time: _t, pid: _p, hostname: _h, ...rest } = JSON.parse(line) as Record<string, unknown>;
      const label = log.levels.labels[Number(level)] as 'info' | undefined;
      (log[label ?? 'info'] as Logger['info'])({ ...rest, thread: 'processing' }, String(msg ?? ''));
    } catch {
      log.info({ thread: 'processing' }, line.trim());
    }
  };

  const spawn = () => {
    const start: WorkerStart = { entry: WORKER_ENTRY, config, logLevel: log.level, pollMs: deps.pollMs };
    worker = new Worker(WORKER_BOOT, { workerData: start });
    worker.on('message', (m: FromWorker) => {
      if (m.t === 'ready') readyNow();
      else if (m.t === 'log') relog(m.line);
      else if (m.t === 'hook') store.forgetHook(m.id);
      else if (m.t === 'done') {
        const w = waiting.get(m.id);
        waiting.delete(m.id);
        if (m.error) w?.reject(new Error(m.error));
        else w?.resolve(m.result);
      }
    });
    worker.on('error', (err) => log.error({ err: err.message }, 'processing worker failed'));
    worker.on('exit', (code) => {
      for (const w of waiting.values()) w.reject(new Error(`processing worker exited (${code})`));
      waiting.clear();
      if (stopping) return;
      const delay = Math.min(30_000, 500 * 2 ** restarts++);
      log.error({ code, restartInMs: delay }, 'processing worker exited; starting it again');
      setTimeout(() => { if (!stopping) spawn(); }, delay).unref();
    });
  };

  const ready = new Promise<void>((resolve, reject) => {
    readyNow = resolve;
    spawn();
    worker.once('exit', (code) => reject(new Error(`processing worker could not start (exit ${code})`)));
  });

  const processing: Processing = {
    kick() {
      // Many deliveries in one tick make one message to the worker.
      if (kickQueued || stopping) return;
      kickQueued = true;
      setImmediate(() => {
        kickQueued = false;
        if (!stopping) worker.postMessage({ t: 'kick' } satisfies ToWorker);
      });
    },
    async drain() {
      await call((id) => ({ t: 'drain', id }));
    },
    async notice(channelId, body, hookId) {
      await store.enqueue([{ channelId, hookId: hookId ?? null, body: { ...body } }], new Date(clock.now()).toISOString());
      processing.kick();
    },
    async metricsText() {
      const mine = await metrics.registry.getMetricsAsJSON();
      const theirs = await call((id) => ({ t: 'metrics', id })).catch(() => []) as object[];
      return AggregatorRegistry.aggregate([mine, theirs]).metrics();
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      await call((id) => ({ t: 'stop', id })).catch((err) => log.warn({ err: (err as Error).message }, 'processing worker did not stop cleanly'));
      await worker.terminate();
    },
    async halt() {
      if (stopping) return;
      stopping = true;
      await worker.terminate();
    },
  };
  return ready.then(() => processing);
}
