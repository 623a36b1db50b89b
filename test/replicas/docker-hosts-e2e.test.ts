import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createHookbot, type Hookbot } from '../../src/create-hookbot.js';
import { openStore } from '../../src/store/open-store.js';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { FakeDockerEngine } from '../fakes/docker-engine.js';
import { pgSkipReason, testDatabase } from '../helpers/postgres.js';
import { createTestLogger } from '../helpers/test-logger.js';

const skip = pgSkipReason();
const ON_A = 'a'.repeat(64);
const ON_B = 'b'.repeat(64);

describe.skipIf(skip)(`two replicas, two Docker hosts, one docker hook${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let discord: FakeDiscord;
  const engines: FakeDockerEngine[] = [];
  const bots: Hookbot[] = [];
  beforeAll(async () => {
    db = await testDatabase();
    discord = await new FakeDiscord().start();
  }, 60_000);
  afterAll(async () => {
    for (const b of bots.reverse()) await b.stop();
    for (const e of engines) await e.stop();
    await discord?.stop();
    await db?.drop();
  });

  const replica = async (name: string, engine: FakeDockerEngine) => {
    const r = loadConfig({
      DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: db.url,
      REPLICA_NAME: name, DOCKER_HOST: engine.dockerHost, PUBLIC_URL: 'https://hooks.example.test',
    });
    if (!r.ok) throw new Error(r.errors.join('; '));
    const bot = await createHookbot(r.config, createTestLogger().log, {
      dockerCoalesceWindowMs: 200, dockerBackoff: { minMs: 100, maxMs: 500 }, leadership: { pollMs: 200, checkMs: 100 },
    });
    bots.push(bot);
    return bot;
  };

  it('names the host once a second host reports to the hook, and each keeps its own place in its event stream', async () => {
    const seed = await openStore({ databaseUrl: db.url, databasePath: 'unused' });
    await seed.store.createHook({
      guildId: IDS.guild, channelId: IDS.channel, userId: IDS.admin, service: 'docker', secret: '', verify: 'none',
      events: ['die'], filters: {}, templates: {}, enabled: true, createdAt: new Date().toISOString(),
    });
    for (const [id, name] of [[ON_A, 'api-a'], [ON_B, 'api-b']]) {
      const e = await new FakeDockerEngine().start();
      e.addContainer({ id, name, image: 'api:1', labels: {}, running: true });
      engines.push(e);
    }
    const a = await replica('host-a', engines[0]);
    const b = await replica('host-b', engines[1]);
    await discord.waitFor(() => engines.every((e) => e.eventRequests.length > 0), 10_000);

    const embedOf = (name: string) => discord.waitFor(() => discord.channelMessages().flatMap((m) => m.body.embeds ?? [])
      .find((e: any) => e.title?.startsWith(`💥 ${name} crashed`)), 10_000);
    const host = (embed: any) => embed.fields?.find((f: any) => f.name === 'Host')?.value;

    engines[0].emit('container', 'die', ON_A, { exitCode: '1' });
    expect(host(await embedOf('api-a'))).toBeUndefined(); // one host so far
    engines[1].emit('container', 'die', ON_B, { exitCode: '1' });
    expect(host(await embedOf('api-b'))).toBe('host-b');
    engines[0].containers.get(ON_A)!.name = 'api-a2';
    engines[0].emit('container', 'die', ON_A, { exitCode: '1' });
    expect(host(await embedOf('api-a2'))).toBe('host-a');

    await Promise.all([a.docker.settled(), b.docker.settled()]);
    const meta = await seed.store.getMeta('docker_last_time_nano@host-a');
    expect(Number(meta)).toBeGreaterThan(0);
    expect(await seed.store.getMeta('docker_last_time_nano@host-b')).not.toBe(meta);
    await seed.close();
  }, 60_000);
});
