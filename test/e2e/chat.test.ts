import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { deliverGithub } from '../helpers/sign.js';
import { startHookbot, tempDbPath } from '../helpers/start-hookbot.js';
import { samplePush } from '../../src/samples/github-push.js';
import { openDatabase } from '../../src/store/open-database.js';
import { createStore } from '../../src/store/store.js';

describe('hookbot end to end against the Discord stand-in', () => {
  let discord: FakeDiscord;
  let started: Awaited<ReturnType<typeof startHookbot>>;

  beforeEach(async () => {
    discord = await new FakeDiscord().start();
    started = await startHookbot(discord);
  });
  afterEach(async () => {
    await started.bot.stop();
    await discord.stop();
  });

  const reply = (to: string) => discord.waitFor(() => discord.repliesTo(to)[0]);

  async function createHook(): Promise<string> {
    const id = discord.userSays(IDS.admin, '!hook github on');
    await reply(id);
    const dm = await discord.waitFor(() => discord.dms.find((d) => d.userId === IDS.admin));
    return /```\n(.+)\n```/.exec(dm.body.content)![1];
  }

  it('creates a hook from chat, DMs the secret, and posts the push', async () => {
    discord.userSays(IDS.admin, '!hook github on --events push,pr,issues,release,workflow');
    const setup = await discord.waitFor(() => discord.channelMessages().find((m) => m.body.embeds?.[0]?.title?.includes('hook_001')));
    const text = JSON.stringify(setup.body);
    expect(text).toContain('https://hooks.example.test/webhook/github/hook_001');
    expect(text).toContain('application/json');
    const dm = await discord.waitFor(() => discord.dms.find((d) => d.userId === IDS.admin));
    const secret = /```\n(.+)\n```/.exec(dm.body.content)![1];
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(text).not.toContain(secret);
    expect(started.lines.join('\n')).not.toContain(secret);

    const res = await deliverGithub(`${started.base}/webhook/github/hook_001`, secret, 'push', samplePush('acme/api'));
    expect(res.status).toBe(202);
    const posted = await discord.waitFor(() => discord.channelMessages().find((m) => m.body.embeds?.[0]?.title?.includes('acme/api')));
    const embed = posted.body.embeds[0];
    expect(embed.title).toBe('[acme/api:main] 2 new commits');
    expect(JSON.stringify(embed.fields)).toContain('Fix token refresh race (#41)');
    expect(posted.body.nonce).toMatch(/^hookbot-\d+$/);
    expect(posted.body.enforce_nonce).toBe(true);
  });

  it('refuses a member without Manage Webhooks; nothing is created', async () => {
    const id = discord.userSays(IDS.member, '!hook github on');
    const r = await reply(id);
    expect(r.body.content).toContain('Manage Webhooks');
    expect(discord.dms).toHaveLength(0);
    const res = await deliverGithub(`${started.base}/webhook/github/hook_001`, 'x', 'push', samplePush());
    expect(res.status).toBe(404);
  });

  it('says so in the channel when the secret cannot be DMed, without showing it', async () => {
    const id = discord.userSays(IDS.closedDms, '!hook github on');
    const r = await reply(id);
    expect(r.body.content).toContain("couldn't DM you the secret");
    expect(r.body.embeds[0].title).toContain('hook_001');
    const all = JSON.stringify(discord.messages);
    expect(all).not.toMatch(/```\n[A-Za-z0-9_-]{43}\n```/);
  });

  it('posts one message for a delivery sent twice', async () => {
    const secret = await createHook();
    const before = discord.channelMessages().length;
    const a = await deliverGithub(`${started.base}/webhook/github/hook_001`, secret, 'push', samplePush('acme/api'), { delivery: 'same' });
    const b = await deliverGithub(`${started.base}/webhook/github/hook_001`, secret, 'push', samplePush('acme/api'), { delivery: 'same' });
    expect([a.status, b.status]).toEqual([202, 200]);
    await discord.waitFor(() => discord.channelMessages().length > before);
    // Drain: the channel's messages are posted in order, so once a later delivery is posted, a second post of
    // the first one would be there too.
    await deliverGithub(`${started.base}/webhook/github/hook_001`, secret, 'push', samplePush('acme/later'));
    await discord.waitFor(() => discord.visibleEvents().some((t) => t.includes('acme/later')));
    expect(discord.visibleEvents().filter((t) => t.includes('acme/api'))).toHaveLength(1);
    expect(discord.channelMessages().length).toBe(before + 2);
  });

  it('ignores bots, including itself', async () => {
    discord.userSays(IDS.bot, '!hook help', IDS.channel, { bot: true });
    discord.userSays(IDS.admin, '!hook list', IDS.channel, { bot: true });
    // Drain: the gateway delivers in order, so once a person's later command is answered, the bots' were handled.
    // (Another person: discord.js keeps the admin marked as a bot from the line above.)
    const person = await reply(discord.userSays(IDS.member, '!hook help'));
    expect(discord.channelMessages()).toEqual([person]);
  });

  it('runs !hook test through the whole pipeline into the channel', async () => {
    await createHook();
    const id = discord.userSays(IDS.admin, '!hook test hook_001');
    await reply(id);
    const posted = await discord.waitFor(() => discord.channelMessages().find((m) => m.body.embeds?.[0]?.title?.includes('new commits')));
    expect(posted.body.embeds[0].title).toBe('[octo-org/hello-world:main] 2 new commits');
  });

  it('renders a ping as "GitHub hook connected"', async () => {
    const secret = await createHook();
    const res = await deliverGithub(`${started.base}/webhook/github/hook_001`, secret, 'ping', {
      zen: 'Keep it logically awesome.', hook_id: 1, hook: { events: ['push', 'pull_request'] },
      repository: { full_name: 'acme/api', html_url: 'https://github.com/acme/api' }, sender: { login: 'monalisa' },
    });
    expect(res.status).toBe(202);
    const m = await discord.waitFor(() => discord.channelMessages().find((x) => x.body.embeds?.[0]?.title?.includes('connected')));
    expect(JSON.stringify(m.body.embeds[0].fields)).toContain('push, pull_request');
  });
});

describe('restart', () => {
  it('posts events that were stored but not processed before a crash', async () => {
    const discord = await new FakeDiscord().start();
    const dbPath = tempDbPath();
    // A previous run stored a delivery and died before processing it.
    const { db, close } = openDatabase(dbPath);
    const store = createStore(db);
    await store.createHook({
      guildId: IDS.guild, channelId: IDS.channel, userId: IDS.admin, service: 'github', secret: 's'.repeat(43),
      verify: 'github', events: ['push'], filters: {}, templates: {}, enabled: true, createdAt: new Date().toISOString(),
    });
    await store.insertEvent({
      hookId: 'hook_001', deliveryId: 'd-1', eventType: 'push', payload: JSON.stringify(samplePush('acme/crashed')),
      receivedAt: new Date().toISOString(),
    });
    close();
    const started = await startHookbot(discord, { DATABASE_PATH: dbPath });
    try {
      const m = await discord.waitFor(() => discord.channelMessages().find((x) => x.body.embeds?.[0]?.title?.includes('acme/crashed')));
      expect(m).toBeTruthy();
    } finally {
      await started.bot.stop();
      await discord.stop();
    }
  });
});

describe('ingress while Discord is down', () => {
  it('keeps acknowledging deliveries and drains the backlog when Discord is back', async () => {
    const discord = await new FakeDiscord().start();
    const started = await startHookbot(discord);
    try {
      const id = discord.userSays(IDS.admin, '!hook github on');
      await discord.waitFor(() => discord.repliesTo(id)[0]);
      const dm = await discord.waitFor(() => discord.dms.find((d) => d.userId === IDS.admin));
      const secret = /```\n(.+)\n```/.exec(dm.body.content)![1];
      discord.failNext(10_000, 503, { message: 'Service Unavailable', code: 0 });
      for (let i = 0; i < 30; i++) {
        const res = await deliverGithub(`${started.base}/webhook/github/hook_001`, secret, 'push', samplePush(`acme/r-${i}`));
        expect(res.status).toBe(202);
      }
      const metrics = await (await fetch(`${started.base}/metrics`)).text();
      expect(metrics).toMatch(/hookbot_deliveries_total\{service="github",status="202"\} 30/);
      // the outbox has tried and is backing off
      await discord.waitFor(async () => /hookbot_retries_total [1-9]/.test(await (await fetch(`${started.base}/metrics`)).text()), 10_000);
      expect(discord.visibleEvents().filter((t) => /acme\/r-/.test(t))).toHaveLength(0);
      discord.recover(); // Discord is back
      await discord.waitFor(() => discord.visibleEvents().filter((t) => /acme\/r-/.test(t)).length === 30, 15_000);
    } finally {
      await started.bot.stop();
      await discord.stop();
    }
  }, 30_000);
});
