import { afterEach, describe, expect, it } from 'vitest';
import { FOLLOW_ID, MUTE_ID } from '../../src/threads/messages.js';
import { checkRun, comment, issue, IDS, pr, PR, pushTo, REPO, review, threadWorld, type ThreadWorld } from './world.js';

/** Routing a pull request's and an issue's events between the channel and their threads, on the Discord stand-in. */
describe('a thread per pull request and issue', () => {
  let w: ThreadWorld;
  afterEach(async () => {
    await w.stop();
  });

  it('opens the thread on the first message; later events go into it; the channel keeps the lifecycle and failures', async () => {
    w = await threadWorld();
    await w.deliver('pull_request', pr('opened'));
    const [starter] = w.discord.channelMessages();
    expect(starter.body.embeds[0].title).toContain('Pull request opened: #45 Add OAuth support');
    expect(starter.body.components[0].components.map((b: any) => [b.label, b.custom_id])).toEqual([['Follow', FOLLOW_ID], ['Mute', MUTE_ID]]);
    const thread = w.onlyThread();
    expect(thread).toMatchObject({ id: starter.id, parentId: IDS.channel, name: '#45 Add OAuth support' });
    expect(await w.store.getThread('hook_001', `${REPO}#45`)).toMatchObject({ threadId: starter.id, starterMessageId: starter.id, channelId: IDS.channel, headBranch: `${REPO}:oauth` });

    await w.deliver('issue_comment', comment('Could you add a test for the refresh flow?'));
    await w.deliver('pull_request_review', review('commented'));
    await w.deliver('push', pushTo(PR.branch));
    await w.deliver('check_run', checkRun('success'));
    await w.deliver('pull_request', pr('labeled'));
    await w.deliver('check_run', checkRun('failure', 'lint'));
    await w.deliver('push', pushTo('main')); // not the pull request's branch: the channel, as without threads
    await w.deliver('pull_request', pr('merged'));

    const inThread = w.titles(thread.id);
    expect(inThread).toHaveLength(5);
    expect(inThread[0]).toContain('Comment on pull request #45');
    expect(inThread[1]).toMatch(/review submitted/);
    expect(inThread[2]).toBe(`[${REPO}:oauth] 2 new commits`);
    expect(inThread[3]).toMatch(/Check test completed \(success\)/);
    expect(inThread[4]).toContain('Pull request labeled');
    expect(w.channel()).toEqual([
      `[${REPO}] Pull request opened: #45 Add OAuth support`,
      expect.stringMatching(/Check lint completed \(failure\)/),
      `[${REPO}:main] 2 new commits`,
      `[${REPO}] Pull request merged: #45 Add OAuth support`,
    ]);
    expect(w.discord.threads.createRequests).toHaveLength(1);
    // The closed pull request's branch is forgotten: a later push to it goes to the channel.
    expect((await w.store.getThread('hook_001', `${REPO}#45`))!.headBranch).toBeNull();
  });

  it('gives an issue its own thread, named after it', async () => {
    w = await threadWorld();
    await w.deliver('issues', issue('opened'));
    await w.deliver('issue_comment', comment('Same on iOS 17', 46, { title: 'Login fails on Safari', issue: true }));
    await w.deliver('issues', issue('labeled'));
    await w.deliver('issues', issue('closed'));
    const thread = w.onlyThread();
    expect(thread.name).toBe('#46 Login fails on Safari');
    expect(w.titles(thread.id)).toEqual([expect.stringContaining('Comment on issue #46'), expect.stringContaining('Issue labeled')]);
    expect(w.channel()).toEqual([expect.stringContaining('Issue opened: #46'), expect.stringContaining('Issue closed: #46')]);
  });

  it('says "approved" in the channel when an alert-if rule says so, while the review itself goes into the thread', async () => {
    w = await threadWorld({ hook: { alertRules: [{ expr: "pr.status == 'approved'" }] } });
    await w.deliver('pull_request', pr('opened'));
    await w.deliver('pull_request_review', review('approved'));
    const thread = w.onlyThread();
    expect(w.titles(thread.id)).toEqual([expect.stringMatching(/review submitted: approved by alice/)]);
    const channel = w.channel();
    expect(channel).toHaveLength(2);
    expect(channel[1]).toContain('⚡ **PR #45 approved**');
  });

  it('trims a long title to a thread name of 100 characters', async () => {
    w = await threadWorld();
    await w.deliver('pull_request', pr('opened', { number: 7, title: 'Refactor '.repeat(20) }));
    const { name } = w.onlyThread();
    expect(name.length).toBe(100);
    expect(name.startsWith('#7 Refactor Refactor')).toBe(true);
    expect(name.endsWith('…')).toBe(true);
  });

  it('keeps posting every event in the channel when threads are off', async () => {
    w = await threadWorld({ hook: { threads: false } });
    await w.deliver('pull_request', pr('opened'));
    await w.deliver('issue_comment', comment('looks good'));
    expect(w.channel()).toHaveLength(2);
    expect(w.discord.threads.createRequests).toHaveLength(0);
    expect(w.discord.channelMessages()[0].body.components).toBeUndefined();
  });

  it('opens no thread for a check run or push of a pull request it has not seen', async () => {
    w = await threadWorld();
    await w.deliver('check_run', checkRun('success'));
    await w.deliver('push', pushTo(PR.branch));
    expect(w.channel()).toHaveLength(2);
    expect(w.discord.threads.live()).toHaveLength(0);
  });
});
