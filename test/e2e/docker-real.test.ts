import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { startTestEngine, TEST_IMAGE, type TestEngine } from '../helpers/dockerd.js';
import { startHookbot, tempDbPath } from '../helpers/start-hookbot.js';

/**
 * The Docker hook against a real Docker Engine (a private dockerd, see test/helpers/dockerd.ts) with real
 * containers of a busybox image, and the Discord stand-in. Skipped with the reason where no engine can run.
 */
const setup = await startTestEngine();
const skip = 'skip' in setup ? setup.skip : undefined;
if (skip) console.warn(`Real Docker Engine tests skipped: ${skip}`);
const engine = 'engine' in setup ? setup.engine : (undefined as unknown as TestEngine);
const noMemoryLimit = engine && !engine.memoryLimit
  ? 'this engine cannot enforce memory limits (docker info: MemoryLimit false, no cgroup memory controller)' : undefined;

type Embed = { title?: string; description?: string; fields?: { name: string; value: string }[]; footer?: { text: string } };

describe.skipIf(skip)(`Docker hook on a real Docker Engine${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let discord: FakeDiscord;
  let started: Awaited<ReturnType<typeof startHookbot>>;
  const dbPath = tempDbPath();
  const start = () => startHookbot(discord, { DOCKER_HOST: engine.dockerHost, DATABASE_PATH: dbPath }, { dockerBackoff: { minMs: 200, maxMs: 1000 } });

  beforeAll(async () => {
    discord = await new FakeDiscord().start();
    started = await start();
    const id = discord.userSays(IDS.admin, '!hook docker on');
    await discord.waitFor(() => discord.repliesTo(id).length > 0);
    await discord.waitFor(() => started.bot.docker.status() === 'up', 10_000);
    await settle(); // the watcher follows live events
  }, 60_000);
  afterAll(async () => {
    await started?.bot.stop();
    await discord?.stop();
    await engine.stop();
  }, 60_000);

  const embeds = (): Embed[] => discord.channelMessages().flatMap((m) => m.body.embeds ?? []);
  const titled = (re: RegExp, timeoutMs = 15_000) => discord.waitFor(() => embeds().find((e) => re.test(e.title ?? '')), timeoutMs);
  const field = (e: Embed, name: string) => e.fields?.find((f) => f.name === name)?.value;

  /**
   * Everything the engine did so far is handled by the watcher, stored and posted: a never-reported event marks
   * the end. Just after hookbot starts, a mark can come before the watcher subscribed: then another one is made.
   */
  async function settle() {
    for (let attempt = 1; ; attempt++) {
      const mark = await engine.mark();
      const seen = await discord.waitFor(() => started.bot.docker.handledUpTo() >= mark, 1000).then(() => true, () => false);
      if (seen) break;
      if (attempt === 15) throw new Error('the Docker watcher did not handle a new event within 15 s');
    }
    await started.bot.docker.settled();
    await started.bot.drain();
  }

  it('reports a first start without a restart count, and a footer naming the action once', async () => {
    await engine.run('hb-web', ['sleep', '3600']);
    const e = await titled(/hb-web started/);
    expect(e.title).toBe('▶️ hb-web started');
    expect(field(e, 'Image')).toBe(TEST_IMAGE);
    expect(field(e, 'Restarts')).toBeUndefined();
    expect(e.footer?.text).toBe('docker · start');
  });

  it('reports a crash with the exit meaning and the last log lines in the order they were written', async () => {
    // Lines written at distinct moments, alternating between stdout and stderr.
    const script = 'echo out-1; sleep 0.05; echo err-1 >&2; sleep 0.05; echo out-2; sleep 0.05; echo err-2 >&2; sleep 0.05; echo out-3; exit 3';
    await engine.run('hb-crash', ['sh', '-c', script]);
    const e = await titled(/hb-crash crashed/);
    expect(e.title).toBe('💥 hb-crash crashed — exit 3 (error)');
    expect(field(e, 'Exit code')).toBe('3 — error');
    expect(e.description).toContain('```\nout-1\nerr-1\nout-2\nerr-2\nout-3\n```');
    expect(e.footer?.text).toBe('docker · die');
  });

  it.skipIf(noMemoryLimit)(`reports a container killed by its memory limit as OOM${noMemoryLimit ? ` (skipped: ${noMemoryLimit})` : ''}`, async () => {
    // Doubles a shell variable until the 8 MiB limit (no swap) is hit.
    await engine.run('hb-hog', ['sh', '-c', 'echo allocating; x=0123456789abcdef; while :; do x=$x$x; done'], { memoryBytes: 8 * 1024 * 1024 });
    const died = await titled(/hb-hog was OOM-killed/);
    expect(died.title).toBe('🧨 hb-hog was OOM-killed (exit 137)');
    expect(field(died, 'Exit code')).toBe('137 — killed: out of memory (OOM)');
    expect(died.description).toContain('allocating');
    const oom = await titled(/hb-hog ran out of memory/);
    expect(oom.footer?.text).toBe('docker · oom');
  });

  it('reports an unhealthy container with the failing probe output, and no probe noise', async () => {
    await engine.run('hb-sick', ['sleep', '3600'], { health: { cmd: 'echo "probe: db unreachable"; exit 1', intervalMs: 500, retries: 1 } });
    const e = await titled(/hb-sick is unhealthy/);
    expect(e.title).toBe('❤️‍🩹 hb-sick is unhealthy');
    expect(e.description).toContain('probe: db unreachable');
    expect(e.footer?.text).toBe('docker · health_status: unhealthy');
    await settle();
    expect(embeds().filter((x) => /hb-sick/.test(x.title ?? '')).map((x) => x.title)).toEqual(['▶️ hb-sick started', '❤️‍🩹 hb-sick is unhealthy']);
  });

  it('names the new tag when an image is tagged', async () => {
    await engine.docker.getImage(TEST_IMAGE).tag({ repo: 'hookbot-test-busybox', tag: 'release-2' });
    const e = await titled(/hookbot-test-busybox:release-2/);
    expect(e.title).toBe('📦 Build complete: hookbot-test-busybox:release-2');
    expect(field(e, 'Image')).toBe('hookbot-test-busybox:release-2');
    expect(e.description).toContain(`Also tagged: ${TEST_IMAGE}`);
    expect(e.footer?.text).toBe('docker · tag');
  });

  it('replays once what happened while hookbot was stopped', async () => {
    // Exits 5 on SIGTERM (as PID 1 it has no default handler).
    const c = await engine.run('hb-survivor', ['sh', '-c', 'trap "echo stopping >&2; exit 5" TERM; echo up; while :; do sleep 0.1; done']);
    await titled(/hb-survivor started/);
    await settle();
    await started.bot.stop();
    await c.kill({ signal: 'SIGTERM' });
    expect((await c.wait()).StatusCode).toBe(5);
    started = await start(); // the same database: the position in the event stream and the known container states
    const e = await titled(/hb-survivor crashed/);
    expect(e.title).toBe('💥 hb-survivor crashed — exit 5 (error)');
    expect(e.description).toContain('```\nup\nstopping\n```');
    await settle();
    expect(embeds().filter((x) => /hb-survivor/.test(x.title ?? '')).map((x) => x.title)).toEqual(['▶️ hb-survivor started', '💥 hb-survivor crashed — exit 5 (error)']);
  }, 60_000);
});
