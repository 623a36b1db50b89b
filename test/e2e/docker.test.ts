import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { FakeDockerEngine } from '../fakes/docker-engine.js';
import { startHookbot } from '../helpers/start-hookbot.js';

const WEB = 'a'.repeat(64);
const DB = 'b'.repeat(64);
const compose = (service: string) => ({ 'com.docker.compose.project': 'shop', 'com.docker.compose.service': service });

describe('Docker events end to end (Engine stand-in on a unix socket)', () => {
  let discord: FakeDiscord;
  let engine: FakeDockerEngine;
  let started: Awaited<ReturnType<typeof startHookbot>>;

  beforeEach(async () => {
    discord = await new FakeDiscord().start();
    engine = await new FakeDockerEngine().start();
    engine.addContainer({ id: WEB, name: 'shop-web-1', image: 'shop-web:latest', labels: compose('web'), running: true, startedAt: '2026-01-01T10:00:00Z' });
    engine.addContainer({ id: DB, name: 'shop-db-1', image: 'postgres:16', labels: compose('db'), running: true });
    started = await startHookbot(discord, { DOCKER_HOST: engine.dockerHost }, { dockerCoalesceWindowMs: 1500, dockerBackoff: { minMs: 200, maxMs: 1000 } });
  });
  afterEach(async () => {
    await started.bot.stop();
    await engine.stop();
    await discord.stop();
  });

  const reply = (to: string) => discord.waitFor(() => discord.channelMessages().find((m) => m.body.message_reference?.message_id === to));
  /** The embed whose title matches (messages may carry several embeds when events arrive together). */
  const titled = (re: RegExp) => discord.waitFor(() => discord.channelMessages().flatMap((m) => m.body.embeds ?? [])
    .find((e: any) => re.test(e.title ?? '')), 8000).then((embed) => ({ body: { embeds: [embed] } }));
  const titles = () => discord.visibleEvents();

  /**
   * Every event emitted so far is handled by the watcher, and what it stored is posted: a noise event (never
   * posted) marks the end of the stream, events come in order, then the watcher and the pipeline are drained.
   * Folds whose window is still open are not waited for (they post when it closes).
   */
  async function settle() {
    const mark = engine.emit('container', 'attach', WEB);
    await discord.waitFor(() => started.bot.docker.handledUpTo() >= mark.timeNano);
    await started.bot.docker.settled();
    await started.bot.drain();
  }

  async function dockerOn(args = '') {
    const r = await reply(discord.userSays(IDS.admin, `!hook docker on ${args}`.trim()));
    await discord.waitFor(() => engine.eventRequests.length > 0);
    await settle(); // the watcher follows live events
    return r;
  }

  it('reports a crash with exit code meaning, uptime, compose service and the last log lines', async () => {
    const r = await dockerOn();
    expect(r.body.content).toContain('all containers');
    const web = engine.containers.get(WEB)!;
    Object.assign(web, {
      running: false, exitCode: 137, oomKilled: true, finishedAt: '2026-01-01T13:25:00Z',
      // Stored as dockerd does in a burst: grouped by stream, while the times it stamped say the written order.
      logs: [
        { stream: 'stdout', line: 'GET /orders 200', time: '2026-01-01T13:24:59.100000001Z' },
        { stream: 'stdout', line: 'GET /cart 200', time: '2026-01-01T13:24:59.1000003Z' },
        { stream: 'stderr', line: 'warning: heap at 95%', time: '2026-01-01T13:24:59.100000002Z' },
        { stream: 'stderr', line: 'FATAL ERROR: JavaScript heap out of memory', time: '2026-01-01T13:24:59.5Z' },
      ],
    });
    engine.emit('container', 'die', WEB, { exitCode: '137' });
    const m = await titled(/OOM-killed/);
    const embed = m.body.embeds[0];
    expect(embed.title).toBe('🧨 shop-web-1 was OOM-killed (exit 137) (shop/web)');
    expect(embed.description).toContain('Up for 3h 25m');
    expect(embed.description).toContain('```\nGET /orders 200\nwarning: heap at 95%\nGET /cart 200\nFATAL ERROR: JavaScript heap out of memory\n```');
    expect(JSON.stringify(embed.fields)).toContain('137 — killed: out of memory (OOM)');
  });

  it('posts health changes with the probe output, never exec_* noise, and a clean stop as a stop', async () => {
    await dockerOn();
    engine.emit('container', 'exec_create: curl -f localhost', WEB);
    engine.emit('container', 'exec_start: curl -f localhost', WEB);
    engine.emit('container', 'exec_die', WEB);
    engine.containers.get(DB)!.health = { Status: 'unhealthy', Log: [{ Output: 'pg_isready: no response', ExitCode: 1 }] };
    engine.emit('container', 'health_status: unhealthy', DB);
    const m = await titled(/unhealthy/);
    expect(m.body.embeds[0].description).toContain('pg_isready: no response');
    engine.containers.get(WEB)!.running = false;
    engine.emit('container', 'stop', WEB);
    engine.emit('container', 'die', WEB, { exitCode: '0' });
    await titled(/exited cleanly/);
    expect(titles().some((t) => /exec/.test(String(t)))).toBe(false);
  });

  it('reports a new tag of an image by the new name, with size and layers', async () => {
    await dockerOn('--events build');
    const id = `sha256:${'d'.repeat(64)}`;
    engine.images.set(id, { RepoTags: ['phigen-bot:1.4', 'phigen-bot:latest'], Size: 187_400_000, RootFS: { Layers: ['l1', 'l2', 'l3', 'l4'] } });
    // `docker tag phigen-bot:1.4 phigen-bot:latest`: the event's name is the new tag (as dockerd streams it).
    engine.emit('image', 'tag', id, { name: 'phigen-bot:latest' });
    const m = await titled(/Build complete/);
    expect(m.body.embeds[0].title).toBe('📦 Build complete: phigen-bot:latest');
    expect(m.body.embeds[0].description).toContain('187.4 MB');
    expect(m.body.embeds[0].description).toContain('Layers: 4');
    expect(m.body.embeds[0].description).toContain('Also tagged: phigen-bot:1.4');
    expect(m.body.embeds[0].footer.text).toBe('docker · tag');
  });

  it('watches only the named containers / compose services', async () => {
    await dockerOn('--containers db --events start,die');
    engine.emit('container', 'start', WEB);
    engine.emit('container', 'start', DB);
    const dbStart = (await titled(/shop-db-1 started/)).body.embeds[0];
    // A first start is not a restart, and the footer names the action once.
    expect(dbStart.fields.map((f: { name: string }) => f.name)).not.toContain('Restarts');
    expect(dbStart.footer.text).toBe('docker · start');
    await settle();
    expect(titles().some((t) => String(t).includes('shop-web-1'))).toBe(false);
  });

  it('folds a restart loop into one message per window, with the restart count', async () => {
    await dockerOn('--events start');
    for (let i = 0; i < 5; i++) engine.emit('container', 'start', WEB);
    await titled(/shop-web-1 started/);
    await settle();
    expect(titles().filter((t) => String(t).includes('shop-web-1'))).toHaveLength(1);
    // When the window closes, the folded starts are posted once, as a restart loop with its count.
    const loop = await titled(/shop-web-1 restarted 5× in 5 min/);
    expect(loop.body.embeds[0].description).toContain('3 similar events folded');
    expect(titles().filter((t) => String(t).includes('shop-web-1'))).toHaveLength(2);
  });

  it('replays the gap after the stream is cut, with no duplicate', async () => {
    await dockerOn('--events start,die');
    engine.emit('container', 'die', DB, { exitCode: '1' });
    await titled(/shop-db-1 crashed/);
    const requests = engine.eventRequests.length;
    engine.cutStreams();
    engine.emit('container', 'start', DB); // while disconnected
    await titled(/shop-db-1 started/);
    // Reconnected: the gap replayed, then live events followed again (the mark must come after that request).
    await discord.waitFor(() => engine.eventRequests.slice(requests).some((r) => !r.until));
    await settle();
    expect(titles().filter((t) => String(t).includes('shop-db-1 crashed'))).toHaveLength(1);
    expect(engine.eventRequests.some((r) => r.since)).toBe(true);
  });

  it('after a daemon restart, reconciles a container that died unseen, and tells the channel down and back once', async () => {
    await dockerOn('--events start,die');
    await engine.restart(() => {
      Object.assign(engine.containers.get(WEB)!, { running: false, exitCode: 139, finishedAt: '2026-01-01T11:00:00Z' });
    });
    const m = await titled(/shop-web-1 crashed — exit 139/);
    expect(m.body.embeds[0].description).toContain('after reconnecting');
    const notices = discord.channelMessages().map((x) => String(x.body.content ?? ''));
    expect(notices.filter((n) => n.includes('lost the Docker socket')).length).toBeLessThanOrEqual(1);
  });
});

describe('Docker going away and coming back', () => {
  it('tells the channel once when Docker goes down and once when it is back, then replays the gap', async () => {
    const discord = await new FakeDiscord().start();
    const engine = await new FakeDockerEngine().start();
    engine.addContainer({ id: DB, name: 'shop-db-1', image: 'postgres:16', running: true });
    const started = await startHookbot(discord, { DOCKER_HOST: engine.dockerHost }, { dockerBackoff: { minMs: 200, maxMs: 1000 } });
    try {
      const id = discord.userSays(IDS.admin, '!hook docker on');
      await discord.waitFor(() => discord.channelMessages().find((m) => m.body.message_reference?.message_id === id));
      await discord.waitFor(() => engine.eventRequests.length > 0); // the watcher follows live events
      await engine.stop();
      const health = async () => (await (await fetch(`${started.base}/healthz`)).json()).docker;
      await discord.waitFor(() => discord.channelMessages().some((m) => String(m.body.content).includes('lost the Docker socket')), 15_000);
      expect(await health()).toBe('down');
      engine.ring = [];
      await engine.start();
      engine.emit('container', 'die', DB, { exitCode: '2' });
      await discord.waitFor(() => discord.visibleEvents().some((t) => String(t).includes('shop-db-1 crashed')), 15_000);
      const contents = discord.channelMessages().map((m) => String(m.body.content ?? ''));
      expect(contents.filter((c) => c.includes('lost the Docker socket'))).toHaveLength(1);
      expect(contents.filter((c) => c.includes('Docker is back'))).toHaveLength(1);
      expect(await health()).toBe('up');
    } finally {
      await started.bot.stop();
      await engine.stop();
      await discord.stop();
    }
  }, 40_000);
});

describe('Docker down at start', () => {
  it('runs anyway, shows Docker as down in /healthz and !hook list', async () => {
    const discord = await new FakeDiscord().start();
    const started = await startHookbot(discord, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    try {
      await discord.waitFor(() => started.bot.docker.status() !== 'unknown');
      expect(await (await fetch(`${started.base}/healthz`)).json()).toMatchObject({ docker: 'down' });
      const id = discord.userSays(IDS.admin, '!hook docker on');
      const r = await discord.waitFor(() => discord.channelMessages().find((m) => m.body.message_reference?.message_id === id));
      expect(r.body.content).toContain('Docker is down');
    } finally {
      await started.bot.stop();
      await discord.stop();
    }
  });
});
