import { REST } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createRestNotifier } from '../src/discord/notifier.js';
import { createMetrics } from '../src/metrics.js';
import { createPipeline, type Pipeline } from '../src/pipeline.js';
import { systemClock } from '../src/ports.js';
import { samplePush } from '../src/samples/github-push.js';
import type { Store } from '../src/store/store.js';
import { FakeDiscord, type FakeDiscordOptions } from './fakes/discord.js';
import { githubHook, testStore } from './helpers/store.js';
import { createTestLogger } from './helpers/test-logger.js';

/** Real time, real REST client: the faults Discord produces, each followed to one visible message. */
describe('exactly once under Discord faults', () => {
  let discord: FakeDiscord;
  let pipeline: Pipeline;
  let store: Store;
  let close: () => void;

  async function setup(opts: FakeDiscordOptions = {}, restTimeoutMs = 2000) {
    discord = await new FakeDiscord(opts).start();
    ({ store, close } = testStore());
    await githubHook(store);
    const rest = new REST({ api: discord.apiUrl, retries: 0, timeout: restTimeoutMs }).setToken(discord.token);
    pipeline = createPipeline({
      store, notifier: createRestNotifier(rest), clock: systemClock, log: createTestLogger().log, metrics: createMetrics(),
    });
  }
  afterEach(async () => {
    await pipeline.stop();
    close();
    await discord.stop();
  });

  async function push(delivery: string, repo = 'acme/api') {
    await store.insertEvent({
      hookId: 'hook_001', deliveryId: delivery, eventType: 'push',
      payload: JSON.stringify(samplePush(repo)), receivedAt: new Date().toISOString(),
    });
    pipeline.kick();
  }

  it('waits out a per-route 429 with Retry-After', async () => {
    await setup();
    discord.rateLimitNext(1, 0.3);
    await push('a');
    await discord.waitFor(() => discord.visibleEvents().length === 1);
    expect(discord.tooManyRequests).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(discord.visibleEvents()).toHaveLength(1);
  });

  it('waits out a global 429', async () => {
    await setup();
    discord.rateLimitNext(1, 0.3, true);
    await push('a');
    await discord.waitFor(() => discord.visibleEvents().length === 1);
    expect(discord.messages).toHaveLength(1);
  });

  it('retries a request that hangs after Discord created the message, without a duplicate', async () => {
    await setup({}, 300);
    discord.hangNext(1, true);
    await push('a');
    await discord.waitFor(() => (store.getOutbox(1) as unknown) && discord.requests.filter((r) => r.method === 'POST').length >= 2, 5000);
    await pipeline.drain();
    const row = await store.getOutbox(1);
    expect(row!.state).toBe('sent');
    expect(row!.attempts).toBe(1);
    expect(discord.messages).toHaveLength(1);
    expect(row!.messageId).toBe(discord.messages[0].id);
  });

  it('keeps posting through several seconds of 503s', async () => {
    await setup();
    discord.failNext(3, 503, { message: 'Service Unavailable', code: 0 });
    await push('a');
    await discord.waitFor(() => discord.visibleEvents().length === 1, 12_000);
    expect(discord.messages).toHaveLength(1);
  }, 20_000);

  it('packs a burst of 1,000 events to one channel into ≤ 25 messages without a 429', async () => {
    await setup({ rateLimit: { limit: 5, windowMs: 5000 } });
    for (let i = 0; i < 1000; i++) {
      await store.insertEvent({
        hookId: 'hook_001', deliveryId: `burst-${i}`, eventType: 'push',
        payload: JSON.stringify(samplePush(`acme/repo-${i}`)), receivedAt: new Date().toISOString(),
      });
      if (i % 50 === 0) { pipeline.kick(); await new Promise((r) => setTimeout(r, 5)); }
    }
    pipeline.kick();
    await discord.waitFor(() => discord.visibleEvents().length >= 1000, 60_000);
    const seen = discord.visibleEvents();
    expect(seen).toHaveLength(1000);
    // Order kept and nothing doubled.
    const repos = seen.map((t) => /repo-(\d+)/.exec(t)![1]).map(Number);
    expect(repos).toEqual([...repos].sort((a, b) => a - b));
    expect(new Set(repos).size).toBe(1000);
    expect(discord.messages.length).toBeLessThanOrEqual(25);
    expect(discord.tooManyRequests).toBe(0);
  }, 90_000);
});
