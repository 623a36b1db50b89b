import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { updateHook } from '../../src/hooks/manage.js';
import { atom, FeedServer, jsonFeed, rss } from './feed-server.js';
import { manualClock, MIN, pollHook, pollingProcess, shown, type ManualClock, type PollingProcess } from './setup.js';

const RSS = 'application/rss+xml';
const day = (n: number) => `2026-04-${String(n).padStart(2, '0')}T12:00:00Z`;

describe('polling feeds and JSON URLs (a local feed server, a real store and pipeline)', () => {
  let clock: ManualClock;
  let server: FeedServer;
  let p: PollingProcess;
  beforeEach(async () => {
    clock = manualClock();
    server = await new FeedServer(clock.now).start();
    p = pollingProcess(clock);
  });
  afterEach(async () => {
    await p.stop();
    await server.stop();
  });

  it('records a baseline on the first poll and posts nothing; later new items are posted once, the oldest first', async () => {
    const url = server.set('/rss', { body: rss([{ id: 'b', title: 'Beta', date: day(2) }, { id: 'a', title: 'Alpha', date: day(1) }]), type: RSS });
    const hook = await pollHook(p.store, clock, { url });
    await p.round();
    expect(p.notifier.posted).toEqual([]);
    expect(await p.store.getPollSource(hook.id)).toMatchObject({ baselined: true, itemCount: 2, lastResult: 'baseline: 2 items (RSS, "Release notes")' });

    server.set('/rss', { body: rss([{ id: 'd', title: 'Delta', date: day(4) }, { id: 'c', title: 'Gamma', date: day(3) }, { id: 'b', title: 'Beta', date: day(2) }]), type: RSS });
    clock.advance(5 * MIN);
    await p.round();
    expect(shown(p.notifier)).toEqual(['Gamma', 'Delta']);
    const embed = p.notifier.posted.flatMap((b) => b.embeds ?? [])[1];
    expect(embed).toMatchObject({ url: 'https://example.test/d', author: { name: 'Ann' }, footer: { text: 'poll · item' }, timestamp: '2026-04-04T12:00:00.000Z' });
    expect(embed.fields).toEqual(expect.arrayContaining([{ name: 'Feed', value: 'Release notes', inline: true }]));
    expect((await p.store.getPollSource(hook.id))?.lastResult).toBe('2 new in 3 items (RSS, "Release notes")');

    clock.advance(5 * MIN);
    await p.round();
    expect(shown(p.notifier)).toHaveLength(2);
    expect((await p.store.getPollSource(hook.id))?.lastResult).toMatch(/^nothing new/);
    expect(server.to('/rss')).toHaveLength(3);
  });

  it('is not polled before its interval', async () => {
    const url = server.set('/rss', { body: rss([{ id: 'a', title: 'Alpha' }]), type: RSS });
    await pollHook(p.store, clock, { url, every: '10m' });
    await p.round();
    clock.advance(9 * MIN);
    await p.round();
    expect(server.to('/rss')).toHaveLength(1);
    clock.advance(MIN);
    await p.round();
    expect(server.to('/rss')).toHaveLength(2);
  });

  it.each([
    ['Atom', '/atom', 'application/atom+xml', (n: number) => atom(Array.from({ length: n }, (_, i) => ({ id: `e${i}`, title: `Entry ${i}`, updated: day(i + 1) })).reverse()), 'Entry 2', '/posts/e2'],
    ['JSON Feed', '/feed.json', 'application/feed+json', (n: number) => jsonFeed(Array.from({ length: n }, (_, i) => ({ id: `j${i}`, title: `Jay ${i}`, date: day(i + 1) })).reverse()), 'Jay 2', 'https://example.test/j/j2'],
  ])('reads %s the same way: baseline, then the new item', async (_name, path, type, body, title, linkPath) => {
    const url = server.set(path, { body: body(2), type });
    await pollHook(p.store, clock, { url });
    await p.round();
    server.set(path, { body: body(3), type });
    clock.advance(5 * MIN);
    await p.round();
    expect(shown(p.notifier)).toEqual([title]);
    // Atom's relative link is resolved against the feed's URL; JSON Feed's is absolute.
    expect(p.notifier.posted[0].embeds![0].url).toBe(linkPath.startsWith('/') ? server.url(linkPath) : linkPath);
  });

  it('polls a JSON document with --items and --id, and templates see {{title}}, {{link}}, {{author}}, {{published}} and {{item.…}}', async () => {
    const release = (tag: string, n: number) => ({ tag_name: tag, name: `Release ${tag}`, html_url: `https://example.test/r/${tag}`, published_at: day(n), author: { login: 'dee' }, assets: [{ size: n }] });
    const url = server.set('/api/releases', { body: JSON.stringify({ data: { releases: [release('v1', 1)] } }), type: 'application/json' });
    await pollHook(p.store, clock, { url, items: 'data.releases', id: 'tag_name' }, {
      templates: { '*': '🚀 {{title}} <{{link}}> by {{author}} at {{published}} — {{item.tag_name}} ({{item.assets.0.size}} bytes) from {{feed_url}}' },
    });
    await p.round();
    server.set('/api/releases', { body: JSON.stringify({ data: { releases: [release('v2', 2), release('v1', 1)] } }), type: 'application/json' });
    clock.advance(5 * MIN);
    await p.round();
    expect(shown(p.notifier)).toEqual([`🚀 Release v2 <https://example.test/r/v2> by dee at 2026-04-02T12:00:00.000Z — v2 (2 bytes) from ${url}`]);
  });

  it('asks again with the validators it was given: an unchanged source answers 304 and nothing is posted', async () => {
    const etagged = server.set('/etag', { body: rss([{ id: 'a', title: 'A' }]), type: RSS, etag: '"v1"' });
    const dated = server.set('/dated', { body: rss([{ id: 'a', title: 'A' }]), type: RSS, lastModified: 'Wed, 01 Apr 2026 00:00:00 GMT' });
    const h1 = await pollHook(p.store, clock, { url: etagged });
    const h2 = await pollHook(p.store, clock, { url: dated });
    await p.round();
    clock.advance(5 * MIN);
    await p.round();
    expect(server.to('/etag').map((r) => r.headers['if-none-match'])).toEqual([undefined, '"v1"']);
    expect(server.to('/dated').map((r) => r.headers['if-modified-since'])).toEqual([undefined, 'Wed, 01 Apr 2026 00:00:00 GMT']);
    expect((await p.store.getPollSource(h1.id))?.lastResult).toBe('not modified');
    expect((await p.store.getPollSource(h2.id))?.lastResult).toBe('not modified');
    expect(p.notifier.posted).toEqual([]);

    // Changed: a new ETag and a new item.
    server.set('/etag', { body: rss([{ id: 'b', title: 'B' }, { id: 'a', title: 'A' }]), type: RSS, etag: '"v2"' });
    clock.advance(5 * MIN);
    await p.round();
    expect(shown(p.notifier)).toEqual(['B']);
    expect((await p.store.getPollSource(h1.id))?.etag).toBe('"v2"');
  });

  it('does not fetch an answer again while it is fresh by its Cache-Control', async () => {
    const url = server.set('/fresh', { body: rss([{ id: 'a', title: 'A' }]), type: RSS, headers: { 'cache-control': 'public, max-age=3600', age: '600' } });
    await pollHook(p.store, clock, { url });
    await p.round();
    clock.advance(45 * MIN); // every 5m, but fresh for 50 minutes more
    await p.round();
    expect(server.to('/fresh')).toHaveLength(1);
    clock.advance(6 * MIN);
    await p.round();
    expect(server.to('/fresh')).toHaveLength(2);
  });

  it('posts nothing twice after a restart, and two processes on one database poll each source once', async () => {
    const url = server.set('/rss', { body: rss([{ id: 'a', title: 'A' }]), type: RSS });
    await pollHook(p.store, clock, { url });
    await p.round();
    server.set('/rss', { body: rss([{ id: 'b', title: 'B' }, { id: 'a', title: 'A' }]), type: RSS });
    clock.advance(5 * MIN);
    await p.round();
    expect(shown(p.notifier)).toEqual(['B']);
    await p.stop();

    // Two processes start on the same database: every source is claimed by one of them.
    p = pollingProcess(clock, p.path);
    const q = pollingProcess(clock, p.path);
    try {
      server.set('/rss', { body: rss([{ id: 'c', title: 'C' }, { id: 'b', title: 'B' }, { id: 'a', title: 'A' }]), type: RSS });
      clock.advance(5 * MIN);
      await Promise.all([p.round(), q.round()]);
      await Promise.all([p.pipeline.drain(), q.pipeline.drain()]);
      expect([...shown(p.notifier), ...shown(q.notifier)]).toEqual(['C']);
      expect(server.to('/rss')).toHaveLength(3);
      // And the item is stored once: one event, delivery id = item id.
      const events = (await p.store.listEvents({ limit: 10 })).map((e) => e.deliveryId);
      expect(events.sort()).toEqual(['b', 'c']);
    } finally {
      await q.stop();
    }
  });

  it('runs new items through the hook\'s filters, aggregation and alert-if', async () => {
    const url = server.set('/rss', { body: rss([{ id: 'a', title: 'Weekly notes' }]), type: RSS });
    const hook = await pollHook(p.store, clock, { url }, {
      filters: { title: '!=*draft*' }, aggregate: { window: '5m', except: 'none' },
      alert_if: [{ expr: "title.contains('security')", ping: '<@&100000000000000077>' }],
    });
    await p.round();
    server.set('/rss', { body: rss([
      { id: 'd', title: 'Draft: do not post', date: day(4) }, { id: 'c', title: 'A security fix', date: day(3) },
      { id: 'b', title: 'Another security fix', date: day(2) }, { id: 'a', title: 'Weekly notes' },
    ]), type: RSS });
    clock.advance(5 * MIN);
    await p.round();
    // Each security item is its own alert (mentioning only the role), posted at once; the digest waits for its window.
    const alerts = p.notifier.posted.filter((m) => m.content?.startsWith('<@&'));
    expect(alerts.map((m) => m.content!.split('\n')[0])).toEqual(['<@&100000000000000077> ⚡ **Another security fix**', '<@&100000000000000077> ⚡ **A security fix**']);
    expect(alerts[0].allowed_mentions).toEqual({ parse: [], roles: ['100000000000000077'] });
    expect(shown(p.notifier).filter((t) => t.startsWith('📊'))).toEqual([]);
    clock.advance(5 * MIN);
    await p.round();
    const digest = p.notifier.posted.flatMap((m) => m.embeds ?? []).find((e) => e.title?.startsWith('📊'));
    expect(digest?.title).toBe('📊 Feed Activity (last 5m) — 2 events');
    expect(digest?.description).toContain('**New items**: 2');
    expect(digest?.description).not.toContain('Draft');
    const outcomes = (await p.store.listEvents({ hookId: hook.id, limit: 10 })).map((e) => `${e.deliveryId}: ${e.outcome}`);
    expect(outcomes.find((o) => o.startsWith('d:'))).toMatch(/^d: filtered: filter `title!=\*draft\*` does not match/);
  });

  it('changes the source on a changed URL: a new baseline, nothing posted for what was there', async () => {
    const one = server.set('/one', { body: rss([{ id: 'a', title: 'A' }]), type: RSS });
    const two = server.set('/two', { body: rss([{ id: 'x', title: 'X' }, { id: 'y', title: 'Y' }]), type: RSS });
    const hook = await pollHook(p.store, clock, { url: one });
    await p.round();
    const r = await updateHook({ store: p.store, clock, newSecret: () => '' }, hook, { poll: { url: two } }, 'chat');
    expect(r.ok).toBe(true);
    await p.round();
    expect(p.notifier.posted).toEqual([]);
    expect((await p.store.getPollSource(hook.id))?.lastResult).toBe('baseline: 2 items (RSS, "Release notes")');
  });
});
