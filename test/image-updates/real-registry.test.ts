import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { startTestEngine, TEST_IMAGE, type TestEngine } from '../helpers/dockerd.js';
import { startHookbot } from '../helpers/start-hookbot.js';
import { startLocalRegistry, type LocalRegistry } from './local-registry.js';

/**
 * `!hook docker updates` against a REAL registry (Debian's docker-registry on 127.0.0.1) and a real Docker Engine
 * (a private dockerd, test/helpers/dockerd.ts): an image pushed as `127.0.0.1:<port>/app:1`, a container run from
 * it, then a new image pushed under the same tag → exactly one message; the next check → none.
 */
const engineSetup = await startTestEngine();
const registrySetup = 'skip' in engineSetup ? undefined : await startLocalRegistry();
const skip = 'skip' in engineSetup ? engineSetup.skip : registrySetup && 'skip' in registrySetup ? registrySetup.skip : undefined;
if (skip) console.warn(`Image-update tests on a real registry skipped: ${skip}`);
const engine = 'engine' in engineSetup ? engineSetup.engine : (undefined as unknown as TestEngine);
const registry = registrySetup && 'registry' in registrySetup ? registrySetup.registry : (undefined as unknown as LocalRegistry);

/** Real time plus what the test adds: checks come due when the test moves it on. */
function movableClock() {
  let offset = 0;
  return { now: () => Date.now() + offset, monotonic: () => performance.now() + offset, advance: (ms: number) => { offset += ms; } };
}

type Embed = { title?: string; fields?: { name: string; value: string }[] };

describe.skipIf(skip)(`image updates against a real registry and Docker Engine${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let discord: FakeDiscord;
  let started: Awaited<ReturnType<typeof startHookbot>>;
  const clock = movableClock();
  let repo: string;

  /** Waits for a push or an import to finish; a failed one throws with the Engine's message. */
  const follow = (stream: NodeJS.ReadableStream) => new Promise<void>((resolve, reject) => {
    engine.docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
      const failed = err?.message ?? out.find((o) => o.error)?.error;
      if (failed) reject(new Error(failed));
      else resolve();
    });
  });
  const push = async () => follow(await engine.docker.getImage(repo).push({ tag: '1', authconfig: {} }) as unknown as NodeJS.ReadableStream);
  const repoDigest = async (image: string) => ((await engine.docker.getImage(image).inspect()).RepoDigests ?? [])
    .find((d) => d.startsWith(`${repo}@`))!.split('@')[1];

  beforeAll(async () => {
    repo = `${registry.host}/app`;
    await engine.docker.getImage(TEST_IMAGE).tag({ repo, tag: '1' });
    await push();
    discord = await new FakeDiscord().start();
    started = await startHookbot(discord, { DOCKER_HOST: engine.dockerHost }, { clock, poll: { intervalMs: 0, hostSpacingMs: 0 } });
  }, 120_000);
  afterAll(async () => {
    await started?.bot.stop();
    await discord?.stop();
    for (const c of await engine.docker.listContainers({ all: true, filters: JSON.stringify({ ancestor: [`${repo}:1`] }) }).catch(() => [])) {
      await engine.docker.getContainer(c.Id).remove({ force: true }).catch(() => {});
    }
    await engine.docker.getImage(`${repo}:1`).remove({ force: true }).catch(() => {});
    await engine.stop();
    await registry.stop();
  }, 120_000);

  const embeds = (): Embed[] => discord.channelMessages().flatMap((m) => m.body.embeds ?? []);
  const check = async () => {
    clock.advance(6 * 3600_000);
    await started.bot.poller.tick();
    await started.bot.drain();
  };

  it('tells the channel once when the tag a running container uses gets a new digest', async () => {
    const running: Docker.Container = await engine.docker.createContainer({
      name: 'hb-app', Image: `${repo}:1`, Cmd: ['sleep', '3600'], Labels: { 'hookbot.test': '1' }, HostConfig: { NetworkMode: 'none' },
    });
    await running.start();
    const runningDigest = await repoDigest((await running.inspect()).Image);

    const id = discord.userSays(IDS.admin, '!hook docker updates');
    const reply = await discord.waitFor(() => discord.repliesTo(id)[0]);
    expect(reply.body.content).toContain('Image updates **hook_001** on: every 6h');
    expect(reply.body.content).toMatch(/Docker has \d+ running containers? now; the first check runs now/);
    await started.bot.poller.tick();
    await started.bot.drain();
    expect(embeds()).toEqual([]);
    const first = (await started.bot.poller.status())[0];
    expect(first.last_result).toMatch(/^nothing new in 1 image tag of \d+ running containers?/);

    // A new image under the same tag: a changed file system, committed and pushed as 127.0.0.1:<port>/app:1.
    const builder = await engine.docker.createContainer({ Image: TEST_IMAGE, Cmd: ['sh', '-c', 'echo v2 > /version'], Labels: { 'hookbot.test': '1' }, HostConfig: { NetworkMode: 'none' } });
    await builder.start();
    await builder.wait();
    await builder.commit({ repo, tag: '1' });
    await push();
    const newDigest = await repoDigest(`${repo}:1`);
    expect(newDigest).not.toBe(runningDigest);

    await check();
    const told = embeds();
    expect(told.map((e) => e.title)).toEqual([`⬆️ ${repo}:1 has a newer image`]);
    const field = (name: string) => told[0].fields?.find((f) => f.name === name)?.value;
    expect(field('Running')).toBe(`\`${runningDigest.slice(0, 19)}\``);
    expect(field('New')).toBe(`\`${newDigest.slice(0, 19)}\``);
    expect(field('Container')).toBe('`hb-app`');
    expect(field('Registry')).toBe(registry.host);

    await check();
    expect(embeds()).toHaveLength(1);
    expect((await started.bot.poller.status())[0].last_result).toMatch(/^nothing new in 1 image tag/);
  }, 120_000);
});
