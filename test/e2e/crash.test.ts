import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/open-database.js';
import { createStore } from '../../src/store/store.js';
import { samplePush } from '../../src/samples/github-push.js';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { deliverGithub } from '../helpers/sign.js';
import { tempDbPath } from '../helpers/start-hookbot.js';

const SECRET = 'crash-test-secret-0123456789abcdefghij';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Runs hookbot as `npm start` does, in its own process, and resolves once it has logged in. */
function startProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: new URL('../..', import.meta.url).pathname, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('logged in to Discord')) resolve(child);
    });
    child.stderr!.on('data', (d) => { out += d; });
    child.once('exit', (code) => reject(new Error(`hookbot exited with ${code}: ${out}`)));
  });
}

describe('kill -9 in the middle of a burst', () => {
  let child: ChildProcess | undefined;
  let discord: FakeDiscord | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    await discord?.stop();
  });

  it('posts every stored event exactly once after a restart', async () => {
    discord = await new FakeDiscord({ rateLimit: { limit: 5, windowMs: 2000 } }).start();
    const dbPath = tempDbPath();
    const { db, close } = openDatabase(dbPath);
    await createStore(db).createHook({
      guildId: IDS.guild, channelId: IDS.channel, userId: IDS.admin, service: 'github', secret: SECRET, verify: 'github',
      events: ['push'], filters: {}, templates: {}, enabled: true, createdAt: new Date().toISOString(),
    });
    close();
    const port = await freePort();
    const env = {
      DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl, PORT: String(port), HOST: '127.0.0.1',
      DATABASE_PATH: dbPath, DOCKER_HOST: 'unix:///nonexistent.sock', LOG_LEVEL: 'info', PUBLIC_URL: 'http://example.test',
    };
    child = await startProcess(env);
    const url = `http://127.0.0.1:${port}/webhook/github/hook_001`;
    const N = 300;
    for (let i = 0; i < N; i++) {
      const res = await deliverGithub(url, SECRET, 'push', samplePush(`acme/repo-${i}`), { delivery: `d-${i}` });
      expect(res.status).toBe(202);
    }
    await discord.waitFor(() => discord!.visibleEvents().length > 0, 10_000);
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    const before = discord.visibleEvents().length;
    expect(before).toBeLessThan(N);
    child = await startProcess(env);
    await discord.waitFor(() => discord!.visibleEvents().length >= N, 40_000);
    await new Promise((r) => setTimeout(r, 500));
    const seen = discord.visibleEvents().map((t) => Number(/repo-(\d+)/.exec(t)![1]));
    expect(seen).toHaveLength(N);
    expect(new Set(seen).size).toBe(N);
  }, 90_000);
});

describe('SIGTERM', () => {
  it('stops intake, finishes and closes the database cleanly', async () => {
    const discord = await new FakeDiscord().start();
    const dbPath = tempDbPath();
    const port = await freePort();
    const child = await startProcess({
      DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl, PORT: String(port), HOST: '127.0.0.1',
      DATABASE_PATH: dbPath, DOCKER_HOST: 'unix:///nonexistent.sock',
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const { existsSync } = await import('node:fs');
    expect(existsSync(`${dbPath}-wal`)).toBe(false); // a clean close checkpoints and removes the WAL
    await discord.stop();
  }, 30_000);
});
