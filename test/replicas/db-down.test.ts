import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createHookbot, type Hookbot } from '../../src/create-hookbot.js';
import { openStore } from '../../src/store/open-store.js';
import { samplePush } from '../../src/samples/github-push.js';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { pgSkipReason, testDatabase } from '../helpers/postgres.js';
import { deliverGithub } from '../helpers/sign.js';
import { githubHook, SECRET } from '../helpers/store.js';
import { createTestLogger } from '../helpers/test-logger.js';
import { tcpProxy } from './tcp-proxy.js';

const skip = pgSkipReason();

async function until<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(skip)(`PostgreSQL unreachable${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let proxy: Awaited<ReturnType<typeof tcpProxy>>;
  let discord: FakeDiscord;
  let bot: Hookbot | undefined;
  beforeAll(async () => {
    db = await testDatabase();
    proxy = await tcpProxy(Number(new URL(db.url).port));
    discord = await new FakeDiscord().start();
  }, 60_000);
  afterAll(async () => {
    await proxy?.up().catch(() => {}); // a stop needs the database to release what it holds
    await bot?.stop();
    await proxy?.down();
    await discord?.stop();
    await db?.drop();
  });

  it('answers deliveries 503 (nothing stored) and /healthz db: down while the database is gone, then carries on', async () => {
    const seed = await openStore({ databaseUrl: db.url, databasePath: 'unused' });
    await githubHook(seed.store, { channelId: IDS.channel, events: ['push'] });
    await seed.close();
    const r = loadConfig({
      DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: proxy.via(db.url),
      REPLICA_NAME: 'solo', DOCKER_HOST: 'unix:///nonexistent/docker.sock', PUBLIC_URL: 'https://hooks.example.test',
    });
    if (!r.ok) throw new Error(r.errors.join('; '));
    const { log, lines } = createTestLogger();
    bot = await createHookbot(r.config, log, { leadership: { pollMs: 200, checkMs: 100, timeoutMs: 1000 } });
    const base = `http://127.0.0.1:${bot.port}`;
    const health = async () => {
      const res = await fetch(`${base}/healthz`);
      return { status: res.status, body: await res.json() as Record<string, any> };
    };
    const send = (n: number) => deliverGithub(`${base}/webhook/github/hook_001`, SECRET, 'push', samplePush(`acme/down-${n}`), { delivery: `down-${n}` });

    await until(async () => (await health()).status === 200, 10_000, 'ready');
    expect((await health()).body).toMatchObject({ role: 'leader', replica: 'solo', db: 'up', queue: { unprocessed: 0, outbox_pending: 0, oldest_unprocessed_age_s: 0 } });
    expect((await send(1)).status).toBe(202);
    await discord.waitFor(() => discord.visibleEvents().some((t) => t.includes('acme/down-1')), 10_000);

    await proxy.down();
    const refused = await send(2);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toEqual({ error: 'database unavailable: nothing was stored; try again shortly' });
    const down = await health();
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ db: 'down', status: 'degraded' });
    expect(down.body.queue).toBeUndefined();
    // Its lock connection broke too: it stopped leading (gateway closed, processing stopped) rather than risk a second leader.
    await until(() => lines.some((l) => l.includes('leadership lost')), 5_000, 'leadership lost');
    expect(bot.client).toBeUndefined();
    expect((await health()).body).toMatchObject({ role: 'follower', discord: 'standby', db: 'down' });

    await proxy.up();
    await until(async () => { const h = await health(); return h.status === 200 && h.body.role === 'leader' && h.body.discord === 'up'; }, 15_000, 'leading again');
    const again = await send(2); // the same delivery again: stored now, so it was not stored before
    expect(again.status).toBe(202);
    await discord.waitFor(() => discord.visibleEvents().some((t) => t.includes('acme/down-2')), 10_000);
    await bot.drain();
    expect(discord.visibleEvents().filter((t) => t.includes('acme/down-'))).toHaveLength(2);
  }, 60_000);
});
