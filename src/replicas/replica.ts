import { Gauge } from 'prom-client';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { Clock } from '../ports.js';
import type { Processing } from '../processing/processing.js';
import type { StoreEngine } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { GatewaySession } from './gateway-session.js';
import { startLeadership, type Leadership } from './leadership.js';
import { createRoleProcessing } from './role-processing.js';

export type Role = 'leader' | 'follower';

/** How far behind processing is, as `/healthz` shows it. */
export interface QueueView {
  unprocessed: number;
  outbox_pending: number;
  /** Age of the oldest event not processed yet; 0 when there is none. */
  oldest_unprocessed_age_s: number;
}

export interface Replica {
  /** REPLICA_NAME. */
  readonly name: string;
  role(): Role;
  /** What the rest of the process calls to have work processed; see role-processing.ts. */
  readonly processing: Processing;
  /**
   * Takes up the role. SQLite: the only process leads, and the gateway login happens now (a refused token throws).
   * PostgreSQL: tries for leadership; resolves after the first try, and when it leads, after its work started.
   */
  begin(): Promise<void>;
  queue(): Promise<QueueView>;
  /** Leader work stops (posts in flight finish), then the lock is released. */
  stop(): Promise<void>;
}

export interface ReplicaDeps {
  engine: StoreEngine;
  /** Required for PostgreSQL: the lock connection is its own. */
  databaseUrl?: string;
  name: string;
  log: Logger;
  store: Store;
  clock: Clock;
  metrics: Metrics;
  /** Starts the processing worker (src/processing/). */
  startProcessing: () => Promise<Processing>;
  gateway: GatewaySession;
  /** Leadership timings (tests make them short). */
  leadership?: { pollMs?: number; checkMs?: number; timeoutMs?: number };
}

/**
 * What this process does besides ingest (which every process does): with SQLite it is the only process and always
 * leads. With PostgreSQL, several processes share the database and one at a time leads (`leadership.ts`): the
 * leader runs the Discord gateway (each command answered once) and processing (each event posted once, per-channel
 * pacing in one place). A follower stores deliveries and Docker events and wakes the leader; when the leader dies
 * a follower takes over within a few seconds, and retried posts keep their nonce.
 */
export async function startReplica(deps: ReplicaDeps): Promise<Replica> {
  const { log, store, clock, gateway, name } = deps;
  let leadership: Leadership | undefined;
  const processing = createRoleProcessing({
    start: deps.startProcessing, wakeLeader: () => leadership?.wakeLeader(), store, clock, log, metrics: deps.metrics,
  });
  const role = (): Role => (deps.engine === 'sqlite' || leadership?.leading ? 'leader' : 'follower');

  const queue = async (): Promise<QueueView> => {
    const q = await store.queueStats();
    const oldest = q.oldestUnprocessedAt ? Date.parse(q.oldestUnprocessedAt) : NaN;
    return {
      unprocessed: q.unprocessed, outbox_pending: q.outboxPending,
      oldest_unprocessed_age_s: Number.isFinite(oldest) ? Math.max(0, Math.round((clock.now() - oldest) / 100) / 10) : 0,
    };
  };
  new Gauge({
    name: 'hookbot_role', help: 'This process\'s role: 1 for the role it has (leader runs the gateway and processing)',
    labelNames: ['replica', 'role'] as const, registers: [deps.metrics.registry],
    collect() {
      const now = role();
      for (const r of ['leader', 'follower'] as const) this.set({ replica: name, role: r }, r === now ? 1 : 0);
    },
  });
  new Gauge({
    name: 'hookbot_queue_lag_seconds', help: 'Age of the oldest stored event not processed yet (0 when none)',
    registers: [deps.metrics.registry],
    async collect() {
      try {
        this.set((await queue()).oldest_unprocessed_age_s);
      } catch {
        // database unreachable: /healthz says so; the last value stays
      }
    },
  });

  /** Leader work starts (when leading from the start, with the gateway login strict) or stops at once. */
  let firstLead: Promise<void> | undefined;
  let begun = false;
  let stopping = false;
  const lead = (strict: boolean) => {
    if (stopping) return Promise.resolve();
    return Promise.all([processing.lead(), gateway.start({ strict })]).then(() => {});
  };
  const follow = () => {
    processing.follow();
    void gateway.stop();
  };

  // One process on SQLite: the worker starts now, before the listener, and a worker that cannot start stops the start.
  if (deps.engine === 'sqlite') await processing.lead({ strict: true });

  return {
    name,
    role,
    processing,
    async begin() {
      if (deps.engine === 'sqlite') {
        await gateway.start({ strict: true });
        return;
      }
      if (!deps.databaseUrl) throw new Error('PostgreSQL without a database URL');
      leadership = startLeadership({
        databaseUrl: deps.databaseUrl, log, replica: name, ...deps.leadership,
        onLead: () => {
          const starting = lead(!begun);
          if (!begun) firstLead = starting;
          else starting.catch((err) => log.error({ err: (err as Error).message }, 'leader work could not start'));
        },
        onFollow: follow,
        onWake: () => processing.kick(),
      });
      await leadership.ready;
      begun = true;
      if (!leadership.leading) log.info('following: another process leads (gateway and processing); this one stores deliveries');
      await firstLead;
    },
    queue,
    async stop() {
      stopping = true;
      await processing.stop();
      await gateway.stop();
      await leadership?.stop();
    },
  };
}
