import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { samplePush } from '../../src/samples/github-push.js';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { pgSkipReason, testDatabase } from '../helpers/postgres.js';
import { deliverGithub } from '../helpers/sign.js';

const SECRET = 'replicas-test-secret-0123456789abcdefghij';
const skip = pgSkipReason();

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

interface Replica { name: string; port: number; child: ChildProcess; output: string[] }
interface Health { status: string; discord: string; db: string; role?: string; replica?: string; queue?: { unprocessed: number; outbox_pending: number } }

/** Waits (bounded) until `probe` returns something truthy. */
async function until<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(skip)(`several hookbot processes on one PostgreSQL database${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let discord: FakeDiscord;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    db = await testDatabase();
    // Discord's own per-channel limit (about 5 per 5 s) scaled down: posting takes a while, so a kill finds posts in flight.
    discord = await new FakeDiscord({ rateLimit: { limit: 5, windowMs: 1000 } }).start();
    const { store, close } = await openStore({ databaseUrl: db.url, databasePath: 'unused' });
    await store.createHook({
      guildId: IDS.guild, channelId: IDS.channel, userId: IDS.admin, service: 'github', secret: SECRET, verify: 'github',
      events: ['push'], filters: {}, templates: {}, enabled: true, createdAt: new Date().toISOString(),
    });
    await close();
  }, 60_000);
  afterAll(async () => {
    for (const r of replicas) r.child.kill('SIGKILL');
    await Promise.all(replicas.map((r) => (r.child.exitCode === null && r.child.signalCode === null ? new Promise((res) => r.child.once('exit', res)) : null)));
    await discord?.stop();
    await db?.drop();
  });

  /** `npm start` as a process of its own, named `name`, on a free port of the shared database. */
  const start = async (name: string): Promise<Replica> => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: new URL('../..', import.meta.url).pathname, stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env, DATABASE_URL: db.url, DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl, PORT: String(port),
        HOST: '127.0.0.1', REPLICA_NAME: name, DOCKER_HOST: 'unix:///nonexistent.sock', LOG_LEVEL: 'info', PUBLIC_URL: 'https://hooks.example.test',
      },
    });
    const r: Replica = { name, port, child, output: [] };
    for (const s of [child.stdout!, child.stderr!]) s.on('data', (d) => r.output.push(String(d)));
    replicas.push(r);
    return r;
  };
  const health = async (r: Replica): Promise<Health | undefined> => {
    try {
      return await (await fetch(`http://127.0.0.1:${r.port}/healthz`)).json() as Health;
    } catch {
      return undefined; // not listening (yet, or any more)
    }
  };
  /** Both queues empty as the database says (any live replica can tell). */
  const drained = async (r: Replica) => {
    const h = await health(r);
    return h?.queue?.unprocessed === 0 && h.queue.outbox_pending === 0;
  };
  /** The deliveries posted to the channel, by number (command replies left out). */
  const posted = () => discord.visibleEvents().map((t) => Number(/repo-(\d+)/.exec(t)?.[1] ?? NaN)).filter((n) => !Number.isNaN(n));
  /** Channel messages that are not events: the command replies (and anything that should not be there). */
  const others = () => discord.channelMessages().filter((m) => !JSON.stringify(m.body).includes('acme/repo-'));

  /**
   * Sends delivery `i` to `first`; when that process does not answer (killed), to the next one, as a load balancer
   * would, with the same delivery id. Resolves with the 2xx status.
   */
  const deliver = async (i: number, order: Replica[]): Promise<number> => {
    for (const r of order) {
      try {
        const res = await deliverGithub(`http://127.0.0.1:${r.port}/webhook/github/hook_001`, SECRET, 'push', samplePush(`acme/repo-${i}`), { delivery: `d-${i}` });
        if (res.status === 202 || res.status === 200) return res.status;
        throw new Error(`delivery ${i}: ${r.name} answered ${res.status} ${await res.text()}`);
      } catch (err) {
        if ((err as Error).message.startsWith('delivery')) throw err;
        // connection refused or reset: try the next process
      }
    }
    throw new Error(`delivery ${i}: no process answered`);
  };

  it('posts each delivery once whichever process took it, and the survivor carries on when the leader is killed mid-burst', async () => {
    onTestFailed(() => {
      for (const r of replicas) console.error(`--- ${r.name} ---\n${r.output.join('').split('\n').slice(-40).join('\n')}`);
    });
    const a = await start('a');
    await until(async () => { const h = await health(a); return h?.role === 'leader' && h.discord === 'up'; }, 30_000, 'a to lead');
    const b = await start('b');
    const hb = await until(async () => { const h = await health(b); return h?.status === 'ok' && h; }, 30_000, 'b to be ready');
    expect(hb).toMatchObject({ role: 'follower', replica: 'b', discord: 'standby', db: 'up' });
    expect(await (await fetch(`http://127.0.0.1:${b.port}/metrics`)).text()).toMatch(/hookbot_role\{replica="b",role="follower"\} 1/);

    // 40 deliveries, spread over both processes.
    const first = await Promise.all(Array.from({ length: 40 }, (_, i) => deliver(i, i % 2 ? [b] : [a])));
    expect(first.every((s) => s === 202)).toBe(true);
    await until(() => posted().length >= 40, 20_000, '40 events posted');
    await until(() => drained(b), 20_000, 'the queues to drain');
    expect(posted().sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));

    // A command is answered once: only the leader holds the gateway. The later command's reply drains the first.
    const listed = discord.userSays(IDS.admin, '!hook list');
    await discord.waitFor(() => discord.repliesTo(listed).length > 0, 10_000);
    const helped = discord.userSays(IDS.admin, '!hook help');
    await discord.waitFor(() => discord.repliesTo(helped).length > 0, 10_000);
    expect(discord.repliesTo(listed)).toHaveLength(1);

    // A burst over both; the leader (a) is killed with SIGKILL while a post is in flight: Discord made the message
    // but a never heard back (the stand-in leaves that answer hanging).
    discord.hangNext(1, true);
    const N = 300;
    let sent = 0;
    const statuses: number[] = [];
    const burst = (async () => {
      for (let i = 40; i < 40 + N; i += 6) {
        const batch = Array.from({ length: Math.min(6, 40 + N - i) }, (_, k) => i + k);
        statuses.push(...await Promise.all(batch.map((n) => deliver(n, n % 2 ? [b, a] : [a, b]))));
        sent += batch.length;
      }
    })();
    await until(() => sent >= N / 3 && discord.hangingPosts > 0, 30_000, 'part of the burst sent, a post in flight');
    a.child.kill('SIGKILL');
    const killedAt = Date.now();
    await burst;
    expect(statuses).toHaveLength(N);
    expect(statuses.every((s) => s === 202 || s === 200)).toBe(true); // 200: stored by a, answer lost with it

    // b takes over within 15 s, and posts everything acknowledged exactly once.
    await until(async () => (await health(b))?.role === 'leader', 15_000 - (Date.now() - killedAt), 'b to lead within 15 s of the kill');
    await until(() => posted().length >= 40 + N, 60_000, 'every delivery posted');
    await until(() => drained(b), 20_000, 'the queues to drain');
    const all = posted();
    expect(all).toHaveLength(40 + N);
    expect(new Set(all).size).toBe(40 + N);
    expect(discord.nonceReplays).toBeGreaterThan(0); // b posted the message in flight again, with its nonce: shown once

    // The new leader holds the gateway: a command is answered, once.
    await until(async () => (await health(b))?.discord === 'up', 15_000, "b's gateway");
    const listedAgain = discord.userSays(IDS.admin, '!hook list');
    await discord.waitFor(() => discord.repliesTo(listedAgain).length > 0, 10_000);
    const helpedAgain = discord.userSays(IDS.admin, '!hook help');
    await discord.waitFor(() => discord.repliesTo(helpedAgain).length > 0, 10_000);
    expect(discord.repliesTo(listedAgain)).toHaveLength(1);
    expect(others().every((m) => m.body.message_reference)).toBe(true); // nothing but events and command replies

    const metrics = await (await fetch(`http://127.0.0.1:${b.port}/metrics`)).text();
    expect(metrics).toMatch(/hookbot_role\{replica="b",role="leader"\} 1/);
    expect(metrics).toMatch(/hookbot_queue_lag_seconds 0/);
  }, 180_000);
});
