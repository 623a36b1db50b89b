import type Docker from 'dockerode';
import type { Logger } from 'pino';
import type { DockerEvent } from '../../parsers/docker-events.js';
import type { Clock } from '../ports.js';
import type { Store } from '../store/store.js';

const LAST_KEY = 'docker_last_time_nano';
const FILTERS = JSON.stringify({ type: ['container', 'image'] });

/** Keeps `e`'s time as the point the next replay starts from. */
export async function savePosition(store: Store, e: DockerEvent): Promise<void> {
  if (Number.isFinite(e.timeNano)) await store.setMeta(LAST_KEY, String(e.timeNano));
}

/**
 * The Engine's event stream, for as long as it runs: connects, replays the gap since the last event seen
 * (`since`/`until`), lets the caller catch up (reconciliation), then follows live events, handling each in
 * order; after a disconnect it reconnects with exponential backoff. Reports whether Docker is reachable.
 */
export function createEventStream(opts: {
  docker: Docker; store: Store; clock: Clock; log: Logger; backoff: { minMs: number; maxMs: number };
  setStatus: (next: 'up' | 'down', why?: string) => Promise<void>;
  handle: (e: DockerEvent) => Promise<void>;
  /** Runs after the gap is replayed and before live events are followed. */
  caughtUp: () => Promise<void>;
}) {
  const { docker, store, clock, log, backoff } = opts;
  const abort = new AbortController();
  let stopped = false;
  let current: NodeJS.ReadableStream | null = null;
  let chain: Promise<void> = Promise.resolve();
  let handledUpTo = 0;
  let sleepTimer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;

  /** `GET /events?since=…[&until=…]&filters=…` — seconds; the boundary second is replayed and deduped on storage. */
  function events(range: { since: number; until?: number }): Promise<NodeJS.ReadableStream> {
    const options: Docker.GetEventsOptions & { abortSignal: AbortSignal } = { ...range, filters: FILTERS, abortSignal: abort.signal };
    return docker.getEvents(options);
  }

  /**
   * Reads newline-delimited JSON events until the stream ends, handling them in order. Events at or before
   * `after` (ns) were handled already: a replay starts at a whole second, so its first events can be ones seen
   * before. They are skipped here, not only deduplicated on storage, so that storm folding does not count them twice.
   */
  function consume(stream: NodeJS.ReadableStream, after = 0): Promise<void> {
    current = stream;
    return new Promise((resolve, reject) => {
      let buf = '';
      stream.on('data', (chunk: Buffer) => {
        buf += chunk.toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (!line) continue;
          let e: DockerEvent;
          try { e = JSON.parse(line); } catch { continue; }
          if (Number.isFinite(e.timeNano) && e.timeNano <= after) continue;
          chain = chain.then(() => opts.handle(e))
            .catch((err) => log.error({ err: (err as Error).message }, 'Docker event handling failed'))
            .then(() => { if (Number.isFinite(e.timeNano)) handledUpTo = Math.max(handledUpTo, e.timeNano); });
        }
      });
      stream.on('end', () => { void chain.then(() => resolve()); });
      stream.on('close', () => { void chain.then(() => resolve()); });
      stream.on('error', (err) => { void chain.then(() => reject(err)); });
    });
  }

  async function sleep(ms: number): Promise<void> {
    await new Promise<void>((r) => { wake = r; sleepTimer = setTimeout(r, ms); sleepTimer.unref(); });
  }

  /** One connection: replay the gap, catch up, follow live until the stream ends. */
  async function connection(): Promise<void> {
    const last = Number(await store.getMeta(LAST_KEY) ?? 0);
    const until = Math.floor(clock.now() / 1000);
    log.debug({ last, until }, 'Docker: connecting to the event stream');
    if (last > 0) {
      // Replay the gap as a finite stream (`until`), then reconcile, then follow live from `until`.
      await consume(await events({ since: Math.floor(last / 1e9), until }), last);
    }
    await opts.caughtUp();
    // From here on we follow live: a later reconnect replays from this second at the latest.
    if (last < until * 1e9) await store.setMeta(LAST_KEY, String(until * 1e9));
    log.debug('Docker: reconciled; following live events');
    if (stopped) return;
    await consume(await events({ since: until }), Math.max(last, handledUpTo));
    if (!stopped) log.warn('Docker event stream ended; reconnecting');
  }

  async function run(): Promise<void> {
    let attempt = 0;
    while (!stopped) {
      try {
        await docker.ping();
        await opts.setStatus('up');
        attempt = 0;
        await connection();
        if (stopped) break;
      } catch (err) {
        if (stopped) break;
        const why = (err as Error).message;
        let alive = false;
        try { await docker.ping(); alive = true; } catch { alive = false; }
        if (!alive) await opts.setStatus('down', why);
        const delay = Math.min(backoff.maxMs, backoff.minMs * 2 ** attempt++);
        log.warn({ err: why, retryInMs: delay }, 'Docker event stream failed');
        await sleep(delay);
        continue;
      }
      await sleep(backoff.minMs);
    }
  }

  return {
    run,
    /** Resolves once every event read so far is handled. */
    async settled(): Promise<void> {
      let seen: Promise<void>;
      do {
        seen = chain;
        await seen;
      } while (seen !== chain);
    },
    /** The time (ns) of the latest event read and handled; events come in order, so every earlier one is handled too. */
    handledUpTo: () => handledUpTo,
    stop(): void {
      stopped = true;
      clearTimeout(sleepTimer);
      wake?.();
      abort.abort(); // ends the event stream and any request still waiting for its headers
      if (current && 'destroy' in current && typeof current.destroy === 'function') current.destroy();
    },
  };
}
