import type { Config } from '../config.js';

/** What the processing worker is started with (structured-cloned into the thread). */
export interface WorkerStart {
  /** The module the boot file imports (worker.ts). */
  entry: string;
  config: Config;
  /** pino level name of the main logger, so the worker logs exactly what the main thread would. */
  logLevel: string;
  /** Look for stored work this often besides the kicks (several processes on one database); never when unset. */
  pollMs?: number;
}

/** Main thread → worker. */
export type ToWorker =
  | { t: 'kick' }
  | { t: 'drain'; id: number }
  | { t: 'metrics'; id: number }
  | { t: 'stop'; id: number };

/** Worker → main thread. */
export type FromWorker =
  | { t: 'ready' }
  | { t: 'done'; id: number; result?: unknown; error?: string }
  | { t: 'log'; line: string }
  /** The worker wrote this hook's row (status, forward state): the main thread's cached copy is stale. */
  | { t: 'hook'; id: string };
