import Docker from 'dockerode';
import type { Logger } from 'pino';
import { classify, type DockerEvent, type DockerPayload } from '../../parsers/docker-events.js';
import type { Clock } from '../ports.js';
import type { Store } from '../store/store.js';
import type { DiscordMessage } from '../types.js';
import { storeDockerEvent } from './deliver.js';
import { dockerOptions } from './docker-options.js';
import { createEnricher } from './enrich.js';
import { createFolder } from './fold.js';
import { createReconciler } from './reconcile.js';
import { createDockerStatus, type DockerStatus } from './status.js';
import { createEventStream, savePosition } from './stream.js';

export interface DockerWatcher {
  status(): DockerStatus;
  /**
   * Resolves once every event read so far is handled and stored, and the folded events of closed windows are
   * stored (windows still open post when they close). For tests that assert nothing more was posted.
   */
  settled(): Promise<void>;
  /** The time (ns) of the latest event read from the Engine and handled: every earlier one is handled too. */
  handledUpTo(): number;
  stop(): Promise<void>;
}

/**
 * One event stream from the Docker Engine for every docker hook (`stream.ts`: replay after any disconnect,
 * backoff). Each event is tracked for reconciliation (`reconcile.ts`), enriched (`enrich.ts`), folded when it
 * is part of a storm (`fold.ts`) and stored like a webhook delivery (`deliver.ts`); channels are told when
 * Docker goes down and up (`status.ts`).
 */
export function createDockerWatcher(opts: {
  dockerHost: string; store: Store; clock: Clock; log: Logger; onStored: () => void;
  notice: (channelId: string, body: DiscordMessage) => Promise<void>;
  backoff?: { minMs: number; maxMs: number }; coalesceWindowMs?: number; logLines?: number;
  /** REPLICA_NAME when several processes share the database: messages name it when several hosts report to a hook. */
  host?: string;
}): DockerWatcher {
  const { store, clock, log } = opts;
  const docker = new Docker({ ...dockerOptions(opts.dockerHost), timeout: 0 });
  const status = createDockerStatus({ dockerHost: opts.dockerHost, store, log, notice: opts.notice });
  const enrich = createEnricher({ docker, log, logLines: opts.logLines });
  const deliver = async (payload: DockerPayload, deliveryId: string) => {
    if (await storeDockerEvent(store, clock, payload, deliveryId, opts.host)) opts.onStored();
  };
  const folder = createFolder({ clock, log, windowMs: opts.coalesceWindowMs, post: deliver });
  const reconciler = createReconciler({ docker, store, clock, log, handle });
  const stream = createEventStream({
    docker, store, clock, log, backoff: opts.backoff ?? { minMs: 1000, maxMs: 30_000 },
    setStatus: status.set, handle: (e) => handle(e, false), caughtUp: reconciler.reconcile,
  });

  /** One event, in stream order: track the container's state; enrich, fold and store what is reported. */
  async function handle(e: DockerEvent, reconciled: boolean): Promise<void> {
    const category = classify(e);
    reconciler.track(e);
    if (category) {
      const payload = await enrich(e);
      if (reconciled) payload.reconciled = true;
      await folder.offer(payload, category);
    }
    await savePosition(store, e);
  }

  const running = reconciler.load().then(stream.run);
  return {
    status: status.get,
    async settled() {
      await stream.settled();
      await folder.settled();
    },
    handledUpTo: stream.handledUpTo,
    async stop() {
      stream.stop();
      folder.stop();
      await running.catch(() => {});
    },
  };
}
