import { afterEach, describe, expect, it } from 'vitest';
import { gitlabJob, gitlabPipeline } from '../fixtures/ci-payloads.js';
import { comment, FORUM, IDS, pr, REPO, shiftClock, threadWorld, type ThreadWorld } from './world.js';

/** A thread's life on the Discord stand-in: archived, deleted, refused, in a forum, for a CI run. */
describe('thread lifecycle', () => {
  let w: ThreadWorld;
  afterEach(async () => {
    await w.stop();
  });
  const key = `${REPO}#45`;

  it('unarchives an archived thread when a new event arrives, and posts in it', async () => {
    w = await threadWorld();
    await w.deliver('pull_request', pr('opened'));
    const thread = w.onlyThread();
    w.discord.threads.archive(thread.id);
    await w.deliver('issue_comment', comment('Back from vacation: LGTM'));
    expect(thread.archived).toBe(false);
    expect(w.discord.requests.filter((r) => r.method === 'PATCH' && r.path === `/channels/${thread.id}`)).toHaveLength(1);
    expect(w.titles(thread.id)).toEqual([expect.stringContaining('Comment on pull request #45')]);
    expect((await w.store.getThread('hook_001', key))!.archived).toBe(false);
  });

  it('unarchives first when the store already knows the thread is archived (told by the gateway)', async () => {
    w = await threadWorld();
    await w.deliver('pull_request', pr('opened'));
    const thread = w.onlyThread();
    w.discord.threads.archive(thread.id);
    await w.store.updateThread('hook_001', key, { archived: true });
    await w.deliver('issue_comment', comment('ping'));
    const posts = w.discord.requests.filter((r) => r.path === `/channels/${thread.id}/messages` || r.path === `/channels/${thread.id}`);
    expect(posts.map((r) => r.method)).toEqual(['PATCH', 'POST']); // no refused post first
    expect(w.titles(thread.id)).toHaveLength(1);
  });

  it('recreates a deleted thread on a new starter message, and keeps the event', async () => {
    w = await threadWorld();
    await w.deliver('pull_request', pr('opened'));
    const first = w.onlyThread();
    w.discord.threads.deleteThread(first.id, false); // the pipeline hears of it only from the failed post
    await w.deliver('issue_comment', comment('Is this still on?'));
    const second = w.onlyThread();
    expect(second.id).not.toBe(first.id);
    expect(second.name).toBe('#45 Add OAuth support');
    const starter = w.discord.channelMessages().at(-1)!;
    expect(starter.id).toBe(second.id);
    expect(starter.body.content).toContain('#45 Add OAuth support** — the thread continues here');
    expect(starter.body.components).toHaveLength(1);
    expect(w.titles(second.id)).toEqual([expect.stringContaining('Comment on pull request #45')]);
    expect(await w.store.getThread('hook_001', key)).toMatchObject({ threadId: second.id, starterMessageId: second.id });
  });

  it('posts the starter again when it was deleted before its thread was made', async () => {
    w = await threadWorld();
    w.discord.threads.failNext('start', 1, 503);
    await w.deliver('pull_request', pr('opened'));
    const [gone] = w.discord.channelMessages();
    w.discord.threads.deleteMessage(gone.id);
    const thread = await w.discord.waitFor(() => w.discord.threads.live()[0], 8000);
    const again = w.discord.channelMessages();
    expect(again).toHaveLength(1);
    expect(again[0].id).toBe(thread.id);
    expect(again[0].body.content).toContain('the thread continues here');
  });

  it('makes each pull request a forum post, tagged open then merged', async () => {
    w = await threadWorld({ hook: { channelId: FORUM } });
    const forum = w.discord.threads.addForum(FORUM, ['Open', 'merged', 'closed', 'bug']);
    const tag = (name: string) => forum.tags.find((t) => t.name.toLowerCase() === name)!.id;
    await w.deliver('pull_request', pr('opened'));
    const post = w.onlyThread();
    expect(post).toMatchObject({ parentId: FORUM, name: '#45 Add OAuth support', appliedTags: [tag('open')] });
    const [starter] = w.discord.threads.messagesIn(post.id);
    expect(starter.body.embeds[0].title).toContain('Pull request opened');
    expect(starter.body.components).toHaveLength(1);
    expect(await w.store.getThread('hook_001', key)).toMatchObject({ forum: true, threadId: post.id, starterMessageId: post.id });

    post.appliedTags.push(tag('bug')); // a moderator's tag stays
    await w.deliver('issue_comment', comment('Nice'));
    await w.deliver('pull_request', pr('merged'));
    expect(w.titles(post.id)).toEqual([
      expect.stringContaining('Pull request opened'), expect.stringContaining('Comment on pull request'), expect.stringContaining('Pull request merged'),
    ]);
    expect(post.appliedTags).toEqual([tag('bug'), tag('merged')]);
    expect(w.discord.requests.filter((r) => r.path === `/channels/${FORUM}/messages`)).toHaveLength(0);
  });

  it('makes forum posts without tags when the forum has none of that name', async () => {
    w = await threadWorld({ hook: { channelId: FORUM } });
    w.discord.threads.addForum(FORUM, ['question']);
    await w.deliver('pull_request', pr('opened'));
    await w.deliver('pull_request', pr('closed'));
    const post = w.onlyThread();
    expect(post.appliedTags).toEqual([]);
    expect(w.titles(post.id)).toHaveLength(2);
  });

  it('falls back to the channel without Create Public Threads, says once what to grant, and opens threads once allowed', async () => {
    const clock = shiftClock();
    w = await threadWorld({ clock });
    w.discord.threads.denyCreate.add(IDS.channel);
    await w.deliver('pull_request', pr('opened'));
    await w.deliver('issue_comment', comment('first'));
    await w.deliver('pull_request', pr('opened', { number: 46, title: 'Second' }));
    const notices = () => w.channel().filter((t) => t.includes('Create Public Threads'));
    expect(notices()).toHaveLength(1);
    expect(notices()[0]).toContain('**Send Messages in Threads**');
    expect(notices()[0]).toContain('`!hook hook_001 threads off`');
    expect(w.channel().filter((t) => !t.includes('Create Public Threads'))).toEqual([
      expect.stringContaining('opened: #45'), expect.stringContaining('Comment on pull request #45'), expect.stringContaining('opened: #46'),
    ]);
    expect(w.discord.threads.live()).toHaveLength(0);
    expect((await w.store.getThread('hook_001', key))!.fallbackAt).not.toBeNull();

    // The permission is granted; ten minutes later the next event opens the thread on the first message.
    w.discord.threads.denyCreate.delete(IDS.channel);
    clock.shift(11 * 60_000);
    await w.deliver('issue_comment', comment('second'));
    const thread = w.onlyThread();
    expect(thread.id).toBe(w.discord.channelMessages()[0].id);
    expect(w.titles(thread.id)).toEqual([expect.stringContaining('Comment on pull request #45')]);
    expect(notices()).toHaveLength(1);
  });

  it('posts in the channel when it may not post in the thread', async () => {
    w = await threadWorld();
    await w.deliver('pull_request', pr('opened'));
    w.discord.threads.denySendIn.add(IDS.channel);
    await w.deliver('issue_comment', comment('where does this go?'));
    expect(w.channel()).toEqual([expect.stringContaining('opened'), expect.stringContaining('Comment on pull request'), expect.stringContaining('Create Public Threads')]);
  });

  it('gives a CI run a thread: the live message stays in the channel, job results go into the thread, the outcome to the channel', async () => {
    w = await threadWorld({ hook: { service: 'ci', verify: 'ci', events: ['*'] } });
    const t = (s: number) => new Date(Date.UTC(2024, 4, 1, 9, 0, s)).toISOString();
    await w.deliver('Pipeline Hook', gitlabPipeline({ status: 'running' }));
    await w.deliver('Job Hook', gitlabJob({ id: 1, stage: 'build', name: 'compile', status: 'success', started_at: t(0), finished_at: t(60), duration: 60 }));
    await w.deliver('Job Hook', gitlabJob({ id: 2, stage: 'test', name: 'unit', status: 'failed', started_at: t(60), finished_at: t(90), duration: 30, failure_reason: 'script_failure' }));
    await w.deliver('Pipeline Hook', gitlabPipeline({ status: 'failed', duration: 90 }));
    const thread = w.onlyThread();
    const channel = w.discord.channelMessages();
    expect(channel[0].id).toBe(thread.id);
    expect(thread.name).toBe('acme/shop #3 · main');
    expect(channel.map((m) => m.body.embeds[0].title)).toEqual([expect.stringContaining('— acme/shop'), expect.stringMatching(/failed|broken/i)]);
    expect(w.titles(thread.id)).toEqual([
      '✅ [**compile**](https://gitlab.example.com/acme/shop/-/jobs/1) (build) passed in 1m',
      '❌ [**unit**](https://gitlab.example.com/acme/shop/-/jobs/2) (test) failed in 30s: script failure',
    ]);
    expect(w.discord.edits.length).toBeGreaterThan(0);
    expect(w.discord.edits.every((e) => e.messageId === thread.id)).toBe(true);
  });
});
