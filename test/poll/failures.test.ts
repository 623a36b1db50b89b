import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHook, updateHook } from '../../src/hooks/manage.js';
import { BACKOFF_CAP_MS, PAUSE_AFTER_MS } from '../../src/poll/schedule.js';
import { FeedServer, rss } from './feed-server.js';
import { CHANNEL, GUILD, manualClock, MIN, pollHook, pollingProcess, shown, type ManualClock, type PollingProcess } from './setup.js';

const RSS = 'application/rss+xml';

describe('polling politely: failures, backoff, pause, Retry-After, size and time limits, per-host spacing', () => {
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

  it('backs off exponentially while a source fails, pauses it after a day, tells the channel once, and resumes by command', async () => {
    const url = server.set('/rss', { body: rss([{ id: 'a', title: 'A' }]), type: RSS });
    const hook = await pollHook(p.store, clock, { url });
    await p.round();
    server.set('/rss', { status: 500, body: 'boom' });
    const waits: number[] = [];
    let source = await p.store.getPollSource(hook.id);
    for (let i = 0; i < 40 && !source!.paused; i++) {
      clock.set(source!.nextPollAt);
      const before = clock.now();
      await p.round();
      source = await p.store.getPollSource(hook.id);
      if (!source!.paused) waits.push(source!.nextPollAt - before);
    }
    // 5m, 10m, 20m … doubling up to the cap, then the cap.
    expect(waits.slice(0, 4)).toEqual([5 * MIN, 10 * MIN, 20 * MIN, 40 * MIN]);
    expect(waits.every((w, i) => i === 0 || w === Math.min(waits[i - 1] * 2, BACKOFF_CAP_MS))).toBe(true);
    expect(source).toMatchObject({ paused: true, lastResult: expect.stringMatching(/^paused: 127\.0\.0\.1:\d+ answered HTTP 500/) });
    expect(clock.now() - source!.failingSince!).toBeGreaterThanOrEqual(PAUSE_AFTER_MS);
    const notices = p.notifier.texts().filter((t) => t.includes('stopped polling'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`\`!hook poll ${url}\``);
    expect(notices[0]).toContain(`**${hook.id}** stopped polling ${url}`);

    // Paused: not asked again, not told again.
    const asked = server.to('/rss').length;
    clock.advance(48 * 3600_000);
    await p.round();
    expect(server.to('/rss')).toHaveLength(asked);

    // Fixed, and resumed the way `!hook poll <url>` does: what appeared meanwhile is posted.
    server.set('/rss', { body: rss([{ id: 'b', title: 'B' }, { id: 'a', title: 'A' }]), type: RSS });
    expect((await updateHook({ store: p.store, clock, newSecret: () => '' }, hook, { poll: { url }, enabled: true }, 'chat')).ok).toBe(true);
    await p.round();
    expect(shown(p.notifier).filter((t) => !t.includes('stopped polling'))).toEqual(['B']);
    expect(await p.store.getPollSource(hook.id)).toMatchObject({ paused: false, failures: 0, failingSince: null });
    expect(p.notifier.texts().filter((t) => t.includes('stopped polling'))).toHaveLength(1);
  });

  it('honours 429 with Retry-After for the source and for its whole host', async () => {
    const one = server.set('/one', { body: rss([{ id: 'a', title: 'A' }]), type: RSS });
    const two = server.set('/two', { body: rss([{ id: 'a', title: 'A' }]), type: RSS });
    const h1 = await pollHook(p.store, clock, { url: one });
    await p.round();
    server.set('/one', { status: 429, headers: { 'retry-after': '7200' } });
    clock.advance(5 * MIN);
    const at = clock.now();
    await p.round();
    const s1 = await p.store.getPollSource(h1.id);
    expect(s1).toMatchObject({ failures: 1, lastResult: expect.stringMatching(/answered 429 \(Retry-After 7200 s\)/) });
    expect(s1!.nextPollAt).toBeGreaterThanOrEqual(at + 7200_000);
    // Another hook on that host is not sent there before the host's Retry-After either (not counted as a failure).
    const h2 = await pollHook(p.store, clock, { url: two });
    await p.round();
    expect(server.to('/two')).toHaveLength(0);
    expect(await p.store.getPollSource(h2.id)).toMatchObject({ failures: 0 });
    expect((await p.store.getPollSource(h2.id))!.nextPollAt).toBeGreaterThanOrEqual(at + 7200_000);
  });

  it('refuses an answer over the size limit, and one that does not come in time', async () => {
    await p.stop();
    p = pollingProcess(clock, undefined, { maxBytes: 2000, timeoutMs: 300 });
    const big = server.set('/big', { body: rss(Array.from({ length: 50 }, (_, i) => ({ id: `i${i}`, title: `Item ${i}` }))), type: RSS });
    const h1 = await pollHook(p.store, clock, { url: big });
    const silent: Server = createServer(() => { /* never answers */ });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      const h2 = await pollHook(p.store, clock, { url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/feed` });
      await p.round();
      expect((await p.store.getPollSource(h1.id))?.lastResult).toMatch(/^failed: the answer is (\d+ bytes, )?over the 2000-byte limit/);
      expect((await p.store.getPollSource(h2.id))?.lastResult).toBe('failed: no answer within 0.3 s');
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('spaces requests to one host at least 2 s apart however many hooks poll it; other hosts do not wait', async () => {
    // The test's sleep records each wait without moving the clock: the four requests to one host are given the
    // slots now, +2 s, +4 s, +6 s; a request to another host (localhost is another host name) waits for nothing.
    await p.stop();
    const waits: number[] = [];
    p = pollingProcess(clock, undefined, { sleep: async (ms) => { waits.push(ms); } });
    for (const name of ['a', 'b', 'c', 'd']) {
      await pollHook(p.store, clock, { url: server.set(`/${name}`, { body: rss([{ id: name, title: name }]), type: RSS }) });
    }
    await pollHook(p.store, clock, { url: server.set('/other', { body: rss([{ id: 'o', title: 'o' }]), type: RSS }).replace('127.0.0.1', 'localhost') });
    await p.round();
    expect(server.requests).toHaveLength(5);
    expect(waits.sort((x, y) => x - y)).toEqual([2000, 4000, 6000]);
  });

  it('refuses to poll link-local and metadata addresses, and says why', async () => {
    const r = await createHook({ store: p.store, clock, newSecret: () => '' },
      { service: 'poll', channel_id: CHANNEL, poll: { url: 'http://169.254.169.254/latest/meta-data/' } }, { source: 'api', guildId: GUILD, userId: '1' });
    expect(r).toMatchObject({ ok: false, problem: { kind: 'invalid', message: expect.stringMatching(/^poll\.url: that URL is refused: 169\.254\.169\.254 is a link-local\/metadata address/) } });
    expect(await p.store.allHooks()).toEqual([]);
    const bad = await createHook({ store: p.store, clock, newSecret: () => '' },
      { service: 'poll', channel_id: CHANNEL, poll: { url: 'ftp://example.test/x', every: '10s' } }, { source: 'api', guildId: GUILD, userId: '1' });
    expect(bad).toMatchObject({ ok: false, problem: { message: 'poll.url: only http:// and https:// URLs can be polled, not ftp:; poll.every: "10s" is not an interval from 30s to 24h (e.g. 5m, 1h)' } });
  });
});
