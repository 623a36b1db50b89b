import Docker from 'dockerode';
import type { Logger } from 'pino';
import type { DockerPayload } from '../../parsers/docker.js';
import type { Clock } from '../ports.js';
import type { Store } from '../store/store.js';
import type { DiscordMessage } from '../types.js';
import { createCoalescer } from './coalesce.js';
import { demuxLogs } from './demux.js';
import { classify, eventKey, type DockerEvent } from './docker-events.js';
import { dockerOptions } from './docker-options.js';

const LAST_KEY = 'docker_last_time_nano';
const STATES_KEY = 'docker_container_states';
const TOLD_KEY = 'docker_status_told';
const FILTERS = JSON.stringify({ type: ['container', 'image'] });

type Known = Record<string, { name: string; running: boolean }>;

export interface DockerWatcher {
  status(): 'up' | 'down' | 'unknown';
  stop(): Promise<void>;
}

/**
 * One event stream from the Docker Engine for every docker hook. Persists the last event time and replays the
 * gap with `since=` after any disconnect (duplicates at the boundary are dropped by the delivery-id index);
 * after the daemon restarts, reconciles container states it may have missed. Enriches events with inspect,
 * logs and image details, stores them like webhook deliveries, and tells channels when Docker goes down and up.
 */
export function createDockerWatcher(opts: {
  dockerHost: string; store: Store; clock: Clock; log: Logger; onStored: () => void;
  notice: (channelId: string, body: DiscordMessage) => Promise<void>;
  backoff?: { minMs: number; maxMs: number }; coalesceWindowMs?: number; logLines?: number;
}): DockerWatcher {
  const { store, clock, log } = opts;
  const docker = new Docker({ ...dockerOptions(opts.dockerHost), timeout: 0 });
  const backoff = opts.backoff ?? { minMs: 1000, maxMs: 30_000 };
  const coalescer = createCoalescer({ now: () => clock.now(), windowMs: opts.coalesceWindowMs });
  let status: 'up' | 'down' | 'unknown' = 'unknown';
  let stopped = false;
  let current: NodeJS.ReadableStream | null = null;
  let sleepTimer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const flushTimers = new Set<NodeJS.Timeout>();
  const pendingFold = new Map<string, DockerPayload>();
  let known: Known = {};
  const abort = new AbortController();

  async function dockerHooks() {
    return (await store.allHooks()).filter((h) => h.service === 'docker' && h.enabled);
  }

  async function setStatus(next: 'up' | 'down', why?: string): Promise<void> {
    if (next === status) return;
    status = next;
    log.info({ docker: next, dockerHost: opts.dockerHost, why }, next === 'up' ? 'Docker is reachable' : 'Docker is not reachable');
    const told = await store.getMeta(TOLD_KEY);
    if (told === next || (told === undefined && next === 'up')) {
      await store.setMeta(TOLD_KEY, next);
      return;
    }
    await store.setMeta(TOLD_KEY, next);
    const channels = new Set((await dockerHooks()).map((h) => h.channelId));
    for (const channelId of channels) {
      await opts.notice(channelId, {
        content: next === 'down'
          ? `🔌 hookbot lost the Docker socket (${opts.dockerHost}${why ? `: ${why}` : ''}). Events are replayed when it is back.`
          : '🔌 Docker is back; events from the gap are being replayed.',
        allowed_mentions: { parse: [] },
      });
    }
  }

  async function enrich(e: DockerEvent): Promise<DockerPayload> {
    const payload: DockerPayload = { event: e };
    const category = classify(e);
    if (e.Type === 'image') {
      if (e.Action !== 'delete' && e.Action !== 'untag') {
        try {
          const info = await docker.getImage(e.Actor?.Attributes?.name ?? e.id ?? e.Actor.ID).inspect();
          payload.image = { tags: info.RepoTags ?? [], sizeBytes: info.Size, layers: info.RootFS?.Layers?.length };
        } catch (err) {
          log.debug({ err: (err as Error).message }, 'image inspect failed');
        }
      }
      return payload;
    }
    const id = e.Actor?.ID ?? e.id ?? '';
    try {
      const info = await docker.getContainer(id).inspect();
      payload.container = {
        name: (info.Name ?? '').replace(/^\//, '') || (e.Actor?.Attributes?.name ?? id.slice(0, 12)),
        image: info.Config?.Image ?? e.Actor?.Attributes?.image ?? '',
        state: info.State as NonNullable<DockerPayload['container']>['state'],
        restartCount: info.RestartCount,
      };
      if (category === 'die' || category === 'oom') {
        const buf = await docker.getContainer(id).logs({ stdout: true, stderr: true, tail: opts.logLines ?? 20, follow: false }) as unknown as Buffer;
        payload.logs = demuxLogs(Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf)), Boolean(info.Config?.Tty)).map((l) => l.line);
      }
    } catch (err) {
      log.debug({ err: (err as Error).message, id }, 'container inspect failed (removed already?)');
    }
    return payload;
  }

  async function store1(payload: DockerPayload, deliveryId: string): Promise<boolean> {
    const e = payload.event;
    let stored = false;
    for (const hook of await dockerHooks()) {
      const r = await store.insertEvent({
        hookId: hook.id, deliveryId, eventType: `${e.Type}.${e.Action}`, payload: JSON.stringify(payload),
        receivedAt: new Date(clock.now()).toISOString(),
      });
      stored ||= !r.duplicate;
    }
    return stored;
  }

  function trackState(e: DockerEvent): void {
    if (e.Type !== 'container') return;
    const id = e.Actor?.ID ?? e.id ?? '';
    const name = e.Actor?.Attributes?.name ?? known[id]?.name ?? id.slice(0, 12);
    if (e.Action === 'start' || e.Action === 'restart' || e.Action === 'unpause') known[id] = { name, running: true };
    else if (e.Action === 'die' || e.Action === 'stop' || e.Action === 'kill') known[id] = { name, running: false };
    else if (e.Action === 'destroy') delete known[id];
  }

  async function handle(e: DockerEvent, reconciled = false): Promise<void> {
    const category = classify(e);
    trackState(e);
    if (category) {
      const key = eventKey(e);
      const id = e.Actor?.ID ?? e.id ?? '';
      const payload = await enrich(e);
      if (reconciled) payload.reconciled = true;
      if (category === 'start') payload.restarts = coalescer.countStart(id);
      const foldKey = `${id}:${category}:${category === 'health' ? e.Action : ''}`;
      const decision = e.Type === 'container' ? coalescer.offer(foldKey) : { post: true as const, suppressed: 0 };
      if (decision.post) {
        if (decision.suppressed) payload.suppressed = decision.suppressed;
        if (await store1(payload, key)) opts.onStored();
      } else {
        // Folded: the latest one is posted when the window closes, saying how many it stands for.
        const first = !pendingFold.has(foldKey);
        pendingFold.set(foldKey, payload);
        if (first) {
          const t = setTimeout(() => {
            flushTimers.delete(t);
            const latest = pendingFold.get(foldKey);
            pendingFold.delete(foldKey);
            const n = coalescer.flush(foldKey);
            if (!latest || n === 0 || stopped) return;
            latest.suppressed = n - 1;
            void store1(latest, `${eventKey(latest.event)}:folded`).then((ok) => ok && opts.onStored());
          }, coalescer.windowMs);
          t.unref();
          flushTimers.add(t);
        }
      }
    }
    if (Number.isFinite(e.timeNano)) await store.setMeta(LAST_KEY, String(e.timeNano));
  }

  /** Reads newline-delimited JSON events until the stream ends, handling them in order. */
  function consume(stream: NodeJS.ReadableStream): Promise<void> {
    current = stream;
    return new Promise((resolve, reject) => {
      let buf = '';
      let chain = Promise.resolve();
      stream.on('data', (chunk: Buffer) => {
        buf += chunk.toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (!line) continue;
          let e: DockerEvent;
          try { e = JSON.parse(line); } catch { continue; }
          chain = chain.then(() => handle(e)).catch((err) => log.error({ err: (err as Error).message }, 'Docker event handling failed'));
        }
      });
      stream.on('end', () => { void chain.then(() => resolve()); });
      stream.on('close', () => { void chain.then(() => resolve()); });
      stream.on('error', (err) => { void chain.then(() => reject(err)); });
    });
  }

  /** After (re)connecting: containers whose state changed while no events reached us get a message, marked as such. */
  async function reconcile(): Promise<void> {
    const list = await docker.listContainers({ all: true });
    const before = known;
    const now: Known = {};
    for (const c of list) {
      const name = (c.Names?.[0] ?? '').replace(/^\//, '') || c.Id.slice(0, 12);
      now[c.Id] = { name, running: c.State === 'running' };
      const was = before[c.Id];
      if (!was || was.running === now[c.Id].running) continue;
      const info = await docker.getContainer(c.Id).inspect().catch(() => undefined);
      const at = Date.parse((now[c.Id].running ? info?.State?.StartedAt : info?.State?.FinishedAt) ?? '') || clock.now();
      const synthetic: DockerEvent = {
        Type: 'container', Action: now[c.Id].running ? 'start' : 'die', status: now[c.Id].running ? 'start' : 'die', id: c.Id, from: c.Image,
        Actor: { ID: c.Id, Attributes: { ...(c.Labels ?? {}), name, image: c.Image, ...(info ? { exitCode: String(info.State?.ExitCode ?? '') } : {}) } },
        scope: 'local', time: Math.floor(at / 1000), timeNano: at * 1e6,
      };
      log.info({ container: name, action: synthetic.Action }, 'reconciled a state change missed while Docker was away');
      await handle(synthetic, true);
    }
    known = now;
    await store.setMeta(STATES_KEY, JSON.stringify(known));
  }

  /** `GET /events?since=…[&until=…]&filters=…` — seconds; the boundary second is replayed and deduped on storage. */
  const events = (o: { since: number; until?: number }) =>
    docker.getEvents({ ...o, filters: FILTERS, abortSignal: abort.signal } as never) as unknown as Promise<NodeJS.ReadableStream>;

  async function sleep(ms: number): Promise<void> {
    await new Promise<void>((r) => { wake = r; sleepTimer = setTimeout(r, ms); sleepTimer.unref(); });
  }

  async function run(): Promise<void> {
    known = JSON.parse((await store.getMeta(STATES_KEY)) ?? '{}');
    let attempt = 0;
    while (!stopped) {
      try {
        await docker.ping();
        await setStatus('up');
        attempt = 0;
        const last = Number(await store.getMeta(LAST_KEY) ?? 0);
        const until = Math.floor(clock.now() / 1000);
        log.debug({ last, until }, 'Docker: connecting to the event stream');
        if (last > 0) {
          // Replay the gap as a finite stream (`until`), then reconcile, then follow live from `until`.
          await consume(await events({ since: Math.floor(last / 1e9), until }));
        }
        await reconcile();
        // From here on we follow live: a later reconnect replays from this second at the latest.
        if (last < until * 1e9) await store.setMeta(LAST_KEY, String(until * 1e9));
        log.debug('Docker: reconciled; following live events');
        if (stopped) break;
        await consume(await events({ since: until }));
        if (!stopped) log.warn('Docker event stream ended; reconnecting');
      } catch (err) {
        if (stopped) break;
        const why = (err as Error).message;
        let alive = false;
        try { await docker.ping(); alive = true; } catch { alive = false; }
        if (!alive) await setStatus('down', why);
        const delay = Math.min(backoff.maxMs, backoff.minMs * 2 ** attempt++);
        log.warn({ err: why, retryInMs: delay }, 'Docker event stream failed');
        await sleep(delay);
        continue;
      }
      await sleep(backoff.minMs);
    }
  }

  const running = run();
  return {
    status: () => status,
    async stop() {
      stopped = true;
      clearTimeout(sleepTimer);
      wake?.();
      for (const t of flushTimers) clearTimeout(t);
      abort.abort(); // ends the event stream and any request still waiting for its headers
      (current as unknown as { destroy?: () => void })?.destroy?.();
      await running.catch(() => {});
    },
  };
}
