import { REST } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createRestNotifier } from '../../src/discord/notifier.js';
import { createMetrics } from '../../src/metrics.js';
import { createPipeline } from '../../src/pipeline.js';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { createTestLogger } from '../helpers/test-logger.js';
import { comment, FORUM, pr, pushTo, REPO, threadWorld, type ThreadWorld } from './world.js';

/**
 * A thread and its first message are made exactly once through the outbox, whatever Discord does: 5xx, answers
 * lost after the work was done, a worker restarted in between; and a thread's posts are paced by its own bucket.
 */
describe('threads through the outbox: exactly once, paced', () => {
  let w: ThreadWorld;
  afterEach(async () => {
    await w.stop();
  });
  const getsOf = (id: string) => w.discord.requests.filter((r) => r.method === 'GET' && r.path === `/channels/${id}`);

  it('does not make a second thread when the answer to the first was lost (it looks the message\'s thread up)', async () => {
    w = await threadWorld({ restTimeoutMs: 300 });
    w.discord.threads.failNext('start', 1, 0, { afterCreate: true, hang: true });
    await w.deliver('pull_request', pr('opened'));
    await w.deliver('issue_comment', comment('first comment'));
    const thread = await w.discord.waitFor(() => w.discord.threads.live()[0], 8000);
    await w.discord.waitFor(() => w.discord.threads.messagesIn(thread.id).length === 1, 8000);
    await w.pipeline.drain();
    expect(w.discord.threads.createRequests).toHaveLength(1);
    expect(getsOf(thread.id).length).toBeGreaterThanOrEqual(1);
    expect(w.discord.channelMessages()).toHaveLength(1);
    expect(w.titles(thread.id)).toEqual([expect.stringContaining('Comment on pull request #45')]);
  });

  it('takes Discord\'s "thread already created for this message" (160004) as the thread', async () => {
    w = await threadWorld();
    const api = createRestNotifier(w.rest).threads!;
    const [msg] = await Promise.all([createRestNotifier(w.rest).post(IDS.channel, { content: 'starter' }, 'hookbot-x1')]);
    expect(await api.startThread(IDS.channel, msg.messageId, 'one')).toBe(msg.messageId);
    expect(await api.startThread(IDS.channel, msg.messageId, 'one')).toBe(msg.messageId);
    expect(w.discord.threads.createRequests).toHaveLength(2);
    expect(w.discord.threads.live()).toHaveLength(1);
  });

  it('keeps one starter when its post timed out after Discord made it (same nonce), and one first message in the thread', async () => {
    w = await threadWorld({ restTimeoutMs: 300 });
    w.discord.hangNext(1, true);
    await w.deliver('pull_request', pr('opened'));
    const thread = await w.discord.waitFor(() => w.discord.threads.live()[0], 8000);
    w.discord.hangNext(1, true);
    await w.deliver('issue_comment', comment('only once'));
    await w.discord.waitFor(() => w.discord.threads.messagesIn(thread.id).length === 1 && w.discord.requests.filter((r) => r.path === `/channels/${thread.id}/messages`).length >= 2, 8000);
    await w.pipeline.drain();
    expect(w.discord.channelMessages()).toHaveLength(1);
    expect(w.discord.threads.messagesIn(thread.id)).toHaveLength(1);
    expect(w.discord.threads.createRequests).toHaveLength(1);
  });

  it('retries a thread creation that got a 5xx, and a post into the thread that got a 5xx, without doubles', async () => {
    w = await threadWorld();
    w.discord.threads.failNext('start', 1, 500, { afterCreate: true });
    await w.deliver('pull_request', pr('opened'));
    const thread = await w.discord.waitFor(() => w.discord.threads.live()[0]);
    w.discord.failNext(2, 503, { message: 'Service Unavailable', code: 0 });
    await w.deliver('issue_comment', comment('through the storm'));
    await w.discord.waitFor(() => w.discord.threads.messagesIn(thread.id).length === 1, 10_000);
    await w.discord.waitFor(async () => (await w.store.queueDepth()) === 0, 10_000);
    expect(w.discord.threads.live()).toHaveLength(1);
    expect(w.discord.threads.messagesIn(thread.id)).toHaveLength(1);
    expect(w.discord.channelMessages()).toHaveLength(1);
  }, 20_000);

  it('finds a forum post whose creation timed out among the active threads instead of making a second', async () => {
    w = await threadWorld({ hook: { channelId: FORUM }, restTimeoutMs: 300 });
    w.discord.threads.addForum(FORUM, ['open']);
    w.discord.threads.failNext('forum', 1, 0, { afterCreate: true, hang: true });
    await w.deliver('pull_request', pr('opened'));
    await w.deliver('issue_comment', comment('in the post'));
    const post = await w.discord.waitFor(() => w.discord.threads.live()[0], 8000);
    await w.discord.waitFor(() => w.discord.threads.messagesIn(post.id).length === 2, 8000);
    expect(w.discord.threads.createRequests).toHaveLength(1);
    expect(w.discord.requests.some((r) => r.path === '/guilds/100000000000000001/threads/active')).toBe(true);
    expect((await w.store.getThread('hook_001', `${REPO}#45`))!.threadId).toBe(post.id);
  });

  it('a new worker carries on a thread creation the old one left in the middle (same database)', async () => {
    w = await threadWorld({ restTimeoutMs: 300 });
    w.discord.threads.failNext('start', 1, 0, { afterCreate: true, hang: true });
    await w.deliver('pull_request', pr('opened'));
    await w.discord.waitFor(async () => (await w.store.getOutbox(2))?.attempts === 1, 5000);
    await w.pipeline.stop();
    // Another worker on the same database (the first one is gone): the open step is retried from its stored state.
    const rest = new REST({ api: w.discord.apiUrl, retries: 0, timeout: 2000 }).setToken(w.discord.token);
    const second = createPipeline({ store: w.store, notifier: createRestNotifier(rest), clock: { now: () => Date.now() }, log: createTestLogger().log, metrics: createMetrics() });
    try {
      await w.store.insertEvent({ hookId: 'hook_001', deliveryId: 'after-restart', eventType: 'issue_comment', payload: JSON.stringify(comment('after the restart')), receivedAt: new Date().toISOString() });
      second.kick();
      const thread = await w.discord.waitFor(() => w.discord.threads.live()[0]);
      await w.discord.waitFor(() => w.discord.threads.messagesIn(thread.id).length === 1, 8000);
      expect(w.discord.threads.createRequests).toHaveLength(1);
      expect(w.discord.channelMessages()).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });

  it('paces a thread by its own bucket: no 429, its backlog packed in order, the channel not held up', async () => {
    w = await threadWorld({ fake: { rateLimit: { limit: 5, windowMs: 1500 } } });
    await w.deliver('pull_request', pr('opened'));
    const thread = w.onlyThread();
    for (let i = 1; i <= 12; i++) await w.deliver('issue_comment', comment(`comment ${i}`));
    await w.deliver('push', pushTo('main'));
    await w.discord.waitFor(() => w.discord.visibleEvents(thread.id).length === 12, 15_000);
    const seen = w.discord.visibleEvents(thread.id);
    expect(seen.every((t) => /Comment on pull request #45/.test(t))).toBe(true);
    const numbers = w.discord.threads.messagesIn(thread.id).flatMap((m) => JSON.stringify(m.body).match(/comment (\d+)/g) ?? []).map((s) => Number(s.split(' ')[1]));
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(w.discord.tooManyRequests).toBe(0);
    expect(w.discord.threads.messagesIn(thread.id).length).toBeLessThan(12);
    // The push to main went out while the thread waited for its bucket.
    const order = w.discord.messages.map((m) => m.channelId);
    expect(order.indexOf(IDS.channel, 1)).toBeLessThan(order.lastIndexOf(thread.id));
  }, 30_000);
});

describe('the Discord stand-in models threads', () => {
  let discord: FakeDiscord;
  afterEach(async () => {
    await discord.stop();
  });
  it('refuses posts in a forum channel (50008) and in a deleted thread (10003)', async () => {
    discord = await new FakeDiscord().start();
    discord.threads.addForum(FORUM);
    const notifier = createRestNotifier(new REST({ api: discord.apiUrl, retries: 0 }).setToken(discord.token));
    await expect(notifier.post(FORUM, { content: 'x' }, 'n1')).rejects.toMatchObject({ code: 50008, retryable: false });
    const post = await notifier.threads!.createForumPost(FORUM, 'p', { content: 'hello' }, []);
    discord.threads.deleteThread(post, false);
    await expect(notifier.post(post, { content: 'x' }, 'n2')).rejects.toMatchObject({ code: 10003, status: 404 });
  });
});
