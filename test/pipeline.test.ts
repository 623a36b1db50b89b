import { REST } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRestNotifier } from '../src/discord/notifier.js';
import { createMetrics } from '../src/metrics.js';
import { MAX_ATTEMPTS } from '../src/outbox.js';
import { createPipeline, type Pipeline } from '../src/pipeline.js';
import { samplePush } from '../src/samples/github-push.js';
import type { Store } from '../src/store/store.js';
import { FakeDiscord, IDS } from './fakes/discord.js';
import { githubHook, testStore } from './helpers/store.js';
import { createTestLogger } from './helpers/test-logger.js';
import { tempDbPath } from './helpers/start-hookbot.js';

/** A clock the test moves by hand, so backoff is tested without waiting. */
function manualClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

async function storePush(store: Store, delivery: string, repo = 'acme/api') {
  return store.insertEvent({
    hookId: 'hook_001', deliveryId: delivery, eventType: 'push',
    payload: JSON.stringify(samplePush(repo)), receivedAt: '2026-01-01T00:00:00.000Z',
  });
}

describe('pipeline and outbox against a Discord stand-in', () => {
  let discord: FakeDiscord;
  let store: Store;
  let close: () => void;
  let dbPath: string;
  let pipeline: Pipeline;
  let clock: ReturnType<typeof manualClock>;
  let rest: REST;

  const build = () => {
    const { log } = createTestLogger();
    rest = new REST({ api: discord.apiUrl, retries: 0, timeout: 2000 }).setToken(discord.token);
    return createPipeline({ store, notifier: createRestNotifier(rest), clock, log, metrics: createMetrics() });
  };

  beforeEach(async () => {
    discord = await new FakeDiscord().start();
    dbPath = tempDbPath();
    ({ store, close } = testStore(dbPath));
    clock = manualClock();
    await githubHook(store);
    pipeline = build();
  });
  afterEach(async () => {
    await pipeline.stop();
    close();
    await discord.stop();
  });

  it('processes events stored before a restart', async () => {
    await storePush(store, 'before-crash-1');
    await storePush(store, 'before-crash-2');
    // "Restart": a new store and pipeline over the same file, as main does on start.
    await pipeline.stop();
    close();
    ({ store, close } = testStore(dbPath));
    pipeline = build();
    await pipeline.drain();
    expect(discord.visibleEvents()).toHaveLength(2);
    expect(await store.unprocessedEvents(10)).toHaveLength(0);
  });

  it('retries a 5xx with the same nonce and posts once', async () => {
    discord.failNext(2, 503, { message: 'Service Unavailable', code: 0 });
    await storePush(store, 'd1');
    await pipeline.drain();
    expect(discord.channelMessages()).toHaveLength(0);
    clock.advance(1000);
    await pipeline.drain();
    clock.advance(2000);
    await pipeline.drain();
    const posted = discord.channelMessages();
    expect(posted).toHaveLength(1);
    const row = await store.getOutbox(1);
    expect(row!.state).toBe('sent');
    expect(row!.messageId).toBe(posted[0].id);
    expect(row!.attempts).toBe(2);
  });

  it('does not double a message when Discord answers 500 after creating it', async () => {
    discord.failNext(1, 500, { message: 'Internal Server Error', code: 0 }, true);
    await storePush(store, 'd1');
    await pipeline.drain();
    clock.advance(1000);
    await pipeline.drain();
    expect(discord.channelMessages()).toHaveLength(1);
    expect((await store.getOutbox(1))!.state).toBe('sent');
  });

  it('stops on a permanent failure: hook marked failing, creator told once, no retry loop', async () => {
    discord.deniedChannels.add(IDS.channel);
    await storePush(store, 'd1');
    await storePush(store, 'd2');
    await pipeline.drain();
    const posts = () => discord.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${IDS.channel}/messages`).length;
    expect(posts()).toBe(1); // both events in one message, refused once
    clock.advance(60 * 60_000);
    await pipeline.drain();
    expect(posts()).toBe(1);
    expect((await store.getOutbox(2))!.state).toBe('failed');
    const hook = await store.getHook('hook_001');
    expect(hook!.status).toBe('failing');
    expect(hook!.statusReason).toContain('50013');
    expect(discord.dms.filter((d) => d.userId === IDS.admin)).toHaveLength(1);
    expect(discord.dms[0].body.content).toContain('Send Messages');
    // Fixed: the next event posts and the hook is healthy again.
    discord.deniedChannels.clear();
    await storePush(store, 'd3');
    await pipeline.drain();
    expect(discord.channelMessages()).toHaveLength(1);
    expect((await store.getHook('hook_001'))!.status).toBe('ok');
  });

  it('gives up after the last retry and keeps other channels flowing', async () => {
    discord.failNext(MAX_ATTEMPTS, 502, { message: 'Bad Gateway', code: 0 });
    await storePush(store, 'd1');
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await pipeline.drain();
      clock.advance(5 * 60_000);
    }
    expect((await store.getOutbox(1))!.state).toBe('failed');
    await pipeline.notice(IDS.otherChannel, { content: 'still flowing' });
    await pipeline.drain();
    expect(discord.channelMessages(IDS.otherChannel)).toHaveLength(1);
  });

  it('keeps the order of one channel\'s messages while one waits for a retry', async () => {
    discord.failNext(1, 503);
    await storePush(store, 'first', 'acme/first');
    await storePush(store, 'second', 'acme/second');
    await pipeline.drain();
    expect(discord.channelMessages()).toHaveLength(0);
    clock.advance(1000);
    await pipeline.drain();
    expect(discord.visibleEvents()).toEqual([
      '[acme/first:main] 2 new commits', '[acme/second:main] 2 new commits',
    ]);
  });

  it('drops events the hook did not ask for, and events of other repositories', async () => {
    await store.updateHook('hook_001', { events: ['pull_request'], filters: { repo: 'acme/api' } });
    await storePush(store, 'a');
    await pipeline.drain();
    expect(discord.channelMessages()).toHaveLength(0);
    const ev = await store.latestEvent('hook_001');
    expect(ev!.outcome).toContain('not in this hook');
  });
});
