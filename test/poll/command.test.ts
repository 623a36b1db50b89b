import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { startHookbot } from '../helpers/start-hookbot.js';
import { FeedServer, rss } from './feed-server.js';

/** Real time plus what the test adds: polls come due when the test moves it on. */
function movableClock() {
  let offset = 0;
  return { now: () => Date.now() + offset, monotonic: () => performance.now() + offset, advance: (ms: number) => { offset += ms; } };
}

type Embed = { title?: string; description?: string; url?: string };

describe('!hook poll and /hook poll end to end (hookbot, the Discord stand-in, a local feed server)', () => {
  let discord: FakeDiscord;
  let server: FeedServer;
  let clock: ReturnType<typeof movableClock>;
  let started: Awaited<ReturnType<typeof startHookbot>>;

  beforeEach(async () => {
    discord = await new FakeDiscord().start();
    server = await new FeedServer().start();
    clock = movableClock();
    started = await startHookbot(discord, {}, { clock, poll: { intervalMs: 0, hostSpacingMs: 0 } });
  });
  afterEach(async () => {
    await started.bot.stop();
    await discord.stop();
    await server.stop();
  });

  const reply = (to: string) => discord.waitFor(() => discord.repliesTo(to)[0]);
  const embeds = (): Embed[] => discord.channelMessages().flatMap((m) => m.body.embeds ?? []);
  const items = [{ id: 'c', title: 'Gamma' }, { id: 'b', title: 'Beta' }, { id: 'a', title: 'Alpha' }];

  it('says how many items it sees, posts only what is new, and shows the poll in the list and /healthz', async () => {
    const url = server.set('/rss', { body: rss(items), type: 'application/rss+xml' });
    const r = await reply(discord.userSays(IDS.admin, `!hook poll <${url}> --every 10m`));
    expect(r.body.content).toContain(`Poll hook **hook_001** created: watching <${url}> every 10m. It holds 3 items (RSS, "Release notes") now`);
    expect(r.body.content).toContain('only items that appear from now on are posted');
    expect(server.to('/rss')).toHaveLength(1); // the command's look is the baseline: no second request for it

    server.set('/rss', { body: rss([{ id: 'd', title: 'Delta' }, ...items]), type: 'application/rss+xml' });
    await started.bot.poller.tick();
    expect(server.to('/rss')).toHaveLength(1); // not due before its interval
    clock.advance(10 * 60_000);
    await started.bot.poller.tick();
    await started.bot.drain();
    expect(embeds().map((e) => e.title)).toEqual(['Delta']);
    expect(embeds()[0].url).toBe('https://example.test/d');

    const list = await reply(discord.userSays(IDS.admin, '!hook list'));
    const text = JSON.stringify(list.body);
    expect(text).toContain(`polls <${url}> every 10m · last: 1 new in 4 items (RSS, \\"Release notes\\")`);
    expect(text).not.toContain('/webhook/poll/');

    const health = await (await fetch(`${started.base}/healthz`)).json() as { polls: Record<string, unknown>[] };
    expect(health.polls).toEqual([{
      hook: 'hook_001', kind: 'feed', source: url, every_s: 600, last_result: '1 new in 4 items (RSS, "Release notes")',
      last_poll_at: expect.any(String), next_poll_at: expect.any(String), failures: 0, paused: false,
    }]);
    expect(Date.parse(health.polls[0].next_poll_at as string) - Date.parse(health.polls[0].last_poll_at as string)).toBe(600_000);
  });

  it('refuses a source it cannot read (nothing is created) and a member without Manage Webhooks', async () => {
    const missing = server.url('/missing');
    const r = await reply(discord.userSays(IDS.admin, `!hook poll ${missing}`));
    expect(r.body.content).toBe(`⚠️ <${missing}> cannot be polled: 127.0.0.1:${new URL(missing).port} answered HTTP 404 Not Found. Nothing changed.`);
    const page = server.set('/page', { body: '<html><body>hi</body></html>', type: 'text/html' });
    const r2 = await reply(discord.userSays(IDS.admin, `!hook poll ${page}`));
    expect(r2.body.content).toContain('is not an RSS, Atom, RDF or JSON feed');
    const r3 = await reply(discord.userSays(IDS.admin, '!hook poll ftp://example.test/feed --every 5m'));
    expect(r3.body.content).toContain('only http:// and https:// URLs can be polled');
    const r4 = await reply(discord.userSays(IDS.admin, `!hook poll ${page} --every 5s`));
    expect(r4.body.content).toContain('"5s" is not an interval from 30s to 24h');
    const r5 = await reply(discord.userSays(IDS.member, `!hook poll ${page}`));
    expect(r5.body.content).toContain('Manage Webhooks');
    const list = await reply(discord.userSays(IDS.admin, '!hook list'));
    expect(JSON.stringify(list.body)).toContain('No hooks yet');
  });

  it('/hook poll does the same as the chat command, and the same URL again updates that hook', async () => {
    const url = server.set('/feed', { body: rss(items), type: 'application/rss+xml' });
    const id = discord.slash(IDS.admin, 'poll', { url });
    const log = await discord.waitFor(() => {
      const l = discord.interactionLog(id);
      return l.calls.length ? l : undefined;
    });
    expect(JSON.stringify(log.calls)).toContain('Poll hook **hook_001** created');
    const again = await reply(discord.userSays(IDS.admin, `!hook poll ${url} --every 1h`));
    expect(again.body.content).toContain(`Poll hook **hook_001** updated: watching <${url}> every 1h; it holds 3 items`);
  });
});
