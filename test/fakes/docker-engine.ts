import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frame } from '../../src/docker/demux.js';
import type { DockerEvent } from '../../parsers/docker-events.js';

/**
 * A Docker Engine API stand-in on a unix socket: `/_ping`, `/events` (since/until/filters, a 256-event ring like
 * dockerd's), container list/inspect/logs (multiplexed) and image inspect. Events are in dockerd's exact shape.
 */
export interface FakeContainer {
  id: string;
  name: string;
  image: string;
  labels?: Record<string, string>;
  running: boolean;
  exitCode?: number;
  oomKilled?: boolean;
  startedAt?: string;
  finishedAt?: string;
  health?: { Status: string; Log: { Output: string; ExitCode: number }[] };
  /**
   * Log lines in the order the Engine stored them. `time` is when the Engine stamped the line (RFC 3339 nano, as
   * `timestamps=1` prefixes it); by default one millisecond apart in this order. In a burst dockerd stores lines in
   * an order that can differ from their times: give times to model that.
   */
  logs?: { stream: 'stdout' | 'stderr'; line: string; time?: string }[];
  tty?: boolean;
}

export class FakeDockerEngine {
  readonly socketPath = join(mkdtempSync(join(tmpdir(), 'fake-docker-')), 'docker.sock');
  containers = new Map<string, FakeContainer>();
  /** Images by id (`sha256:…`); inspect finds them by id or by any of their tags, as dockerd does. */
  images = new Map<string, { RepoTags: string[]; Size: number; RootFS: { Layers: string[] } }>();
  ring: DockerEvent[] = [];
  eventRequests: { since?: string; until?: string; filters?: string }[] = [];
  private server?: Server;
  private live = new Set<{ res: ServerResponse; types?: string[] }>();
  private clockNano = BigInt(Date.now()) * 1_000_000n;

  get dockerHost(): string {
    return `unix://${this.socketPath}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req.method ?? 'GET', req.url ?? '/', res));
    await new Promise<void>((r) => this.server!.listen(this.socketPath, r));
    return this;
  }

  /** The daemon goes away: streams cut, socket closed. */
  async stop(): Promise<void> {
    for (const l of this.live) l.res.destroy();
    this.live.clear();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = undefined;
  }

  /** A daemon restart: down, the in-memory event ring is lost, then up again. */
  async restart(between?: () => void): Promise<void> {
    await this.stop();
    this.ring = [];
    between?.();
    await this.start();
  }

  /** Ends the live event streams (as a proxy timeout would) without losing the ring. */
  cutStreams(): void {
    for (const l of this.live) l.res.end();
    this.live.clear();
  }

  addContainer(c: FakeContainer): void {
    this.containers.set(c.id, c);
  }

  /** Records an event like dockerd does, for container `id` or an image. */
  emit(type: 'container' | 'image', action: string, actorId: string, attributes: Record<string, string> = {}): DockerEvent {
    // Stamped with the wall clock like dockerd (an event after a restart is newer than anything seen before it),
    // at least 1 ms after the previous one so that events keep their order.
    const wall = BigInt(Date.now()) * 1_000_000n;
    this.clockNano = wall > this.clockNano + 1_000_000n ? wall : this.clockNano + 1_000_000n;
    const c = this.containers.get(actorId);
    const attrs = type === 'container' && c ? { ...(c.labels ?? {}), image: c.image, name: c.name, ...attributes } : attributes;
    const e: DockerEvent = {
      // dockerd 20.10 also sends the deprecated status/id (and `from` for containers) on container and image events.
      status: action, id: actorId, ...(type === 'container' ? { from: c?.image } : {}),
      Type: type, Action: action, Actor: { ID: actorId, Attributes: attrs }, scope: 'local',
      time: Number(this.clockNano / 1_000_000_000n), timeNano: Number(this.clockNano),
    };
    this.ring.push(e);
    if (this.ring.length > 256) this.ring.shift();
    for (const l of this.live) if (!l.types || l.types.includes(type)) l.res.write(`${JSON.stringify(e)}\n`);
    return e;
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json', 'api-version': '1.47' });
    res.end(JSON.stringify(body));
  }

  private inspect(c: FakeContainer) {
    return {
      Id: c.id, Name: `/${c.name}`, RestartCount: 0,
      Config: { Image: c.image, Labels: c.labels ?? {}, Tty: Boolean(c.tty) },
      State: {
        Status: c.running ? 'running' : 'exited', Running: c.running, ExitCode: c.exitCode ?? 0, OOMKilled: Boolean(c.oomKilled),
        StartedAt: c.startedAt ?? '0001-01-01T00:00:00Z', FinishedAt: c.finishedAt ?? '0001-01-01T00:00:00Z',
        ...(c.health ? { Health: { ...c.health, FailingStreak: 0 } } : {}),
      },
    };
  }

  private handle(method: string, rawUrl: string, res: ServerResponse): void {
    const url = new URL(rawUrl.replace(/^\/v[\d.]+/, ''), 'http://docker');
    const path = url.pathname;
    let m: RegExpMatchArray | null;
    if (path === '/_ping') { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('OK'); return; }
    if (path === '/version') return this.json(res, 200, { Version: '27.0.0', ApiVersion: '1.47' });
    if (path === '/events') {
      const since = url.searchParams.get('since') ?? undefined;
      const until = url.searchParams.get('until') ?? undefined;
      const filters = url.searchParams.get('filters') ?? undefined;
      this.eventRequests.push({ since, until, filters });
      const types = filters ? (JSON.parse(filters).type as string[] | undefined) : undefined;
      const sinceN = since ? Number(since) : -Infinity;
      const untilN = until ? Number(until) : Infinity;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders(); // dockerd answers at once, before any event
      for (const e of this.ring) {
        if (e.time >= sinceN && e.time <= untilN && (!types || types.includes(e.Type))) res.write(`${JSON.stringify(e)}\n`);
      }
      if (until) { res.end(); return; }
      const entry = { res, types };
      this.live.add(entry);
      res.on('close', () => this.live.delete(entry));
      return;
    }
    if (method === 'GET' && path === '/containers/json') {
      const all = url.searchParams.get('all') === 'true' || url.searchParams.get('all') === '1';
      return this.json(res, 200, [...this.containers.values()].filter((c) => all || c.running).map((c) => ({
        Id: c.id, Names: [`/${c.name}`], Image: c.image, State: c.running ? 'running' : 'exited', Labels: c.labels ?? {},
      })));
    }
    if ((m = path.match(/^\/containers\/([^/]+)\/json$/))) {
      const c = this.containers.get(m[1]) ?? [...this.containers.values()].find((x) => x.name === m![1]);
      return c ? this.json(res, 200, this.inspect(c)) : this.json(res, 404, { message: `No such container: ${m[1]}` });
    }
    if ((m = path.match(/^\/containers\/([^/]+)\/logs$/))) {
      const c = this.containers.get(m[1]);
      if (!c) return this.json(res, 404, { message: `No such container: ${m[1]}` });
      const tail = Number(url.searchParams.get('tail') ?? 'NaN');
      const stamped = ['1', 'true'].includes(url.searchParams.get('timestamps') ?? '');
      const base = Date.parse(c.startedAt ?? '') || Date.parse('2026-01-01T00:00:00Z');
      const lines = (c.logs ?? []).map((l, i) => ({ ...l, text: `${stamped ? `${l.time ?? new Date(base + i).toISOString()} ` : ''}${l.line}\n` }))
        .slice(Number.isFinite(tail) ? -tail : 0);
      res.writeHead(200, { 'content-type': c.tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream' });
      res.end(c.tty ? Buffer.from(lines.map((l) => l.text).join('')) : Buffer.concat(lines.map((l) => frame(l.stream, l.text))));
      return;
    }
    if ((m = path.match(/^\/images\/(.+)\/json$/))) {
      const ref = decodeURIComponent(m[1]);
      const found = [...this.images].find(([id, img]) => id === ref || img.RepoTags.includes(ref));
      return found ? this.json(res, 200, { Id: found[0], ...found[1] }) : this.json(res, 404, { message: `No such image: ${ref}` });
    }
    this.json(res, 404, { message: `page not found: ${path}` });
  }
}
