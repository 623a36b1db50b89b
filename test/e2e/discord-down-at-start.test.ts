import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createHookbot } from '../../src/create-hookbot.js';
import { samplePush } from '../../src/samples/github-push.js';
import { openDatabase } from '../../src/store/open-database.js';
import { createStore } from '../../src/store/store.js';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { deliverGithub } from '../helpers/sign.js';
import { tempDbPath } from '../helpers/start-hookbot.js';
import { createTestLogger } from '../helpers/test-logger.js';

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

describe('Discord unreachable at start', () => {
  it('stores deliveries, reports Discord down, and posts once Discord is reachable', async () => {
    const port = await freePort();
    const dbPath = tempDbPath();
    const { db, close } = openDatabase(dbPath);
    await createStore(db).createHook({
      guildId: IDS.guild, channelId: IDS.channel, userId: IDS.admin, service: 'github', secret: 's'.repeat(43),
      verify: 'github', events: ['push'], filters: {}, templates: {}, enabled: true, createdAt: new Date().toISOString(),
    });
    close();
    const r = loadConfig({
      DISCORD_TOKEN: 'test-token', DISCORD_API_URL: `http://127.0.0.1:${port}/api`, PORT: '0', HOST: '127.0.0.1',
      DATABASE_PATH: dbPath, DOCKER_HOST: 'unix:///nonexistent.sock',
    });
    if (!r.ok) throw new Error(r.errors.join());
    const { log, lines } = createTestLogger();
    const bot = await createHookbot(r.config, log);
    const base = `http://127.0.0.1:${bot.port}`;
    let discord: FakeDiscord | undefined;
    try {
      expect(lines.some((l) => l.includes('Discord is unreachable'))).toBe(true);
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ discord: 'down', db: 'up' });
      const res = await deliverGithub(`${base}/webhook/github/hook_001`, 's'.repeat(43), 'push', samplePush('acme/late'));
      expect(res.status).toBe(202);
      discord = await new FakeDiscord({ port }).start();
      const d = discord;
      await d.waitFor(() => d.visibleEvents().some((t) => t.includes('acme/late')), 15_000);
      await d.waitFor(() => bot.client?.isReady(), 15_000);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      await bot.stop();
      await discord?.stop();
    }
  }, 30_000);
});
