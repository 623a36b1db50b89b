import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FOLLOW_ID, MUTE_ID } from '../../src/threads/messages.js';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { deliverGithub } from '../helpers/sign.js';
import { startHookbot, tempDbPath } from '../helpers/start-hookbot.js';
import { testStore } from '../helpers/store.js';
import { comment, pr, REPO } from '../threads/world.js';

const EPHEMERAL = 1 << 6;

/** Threads with the whole bot: real signed deliveries over HTTP, the processing worker, the gateway for buttons. */
describe('threads end to end', () => {
  let discord: FakeDiscord;
  let started: Awaited<ReturnType<typeof startHookbot>>;
  let path: string;

  beforeEach(async () => {
    discord = await new FakeDiscord().start();
    path = tempDbPath();
    started = await startHookbot(discord, { DATABASE_PATH: path });
  });
  afterEach(async () => {
    await started.bot.stop();
    await discord.stop();
  });

  const reply = (to: string) => discord.waitFor(() => discord.repliesTo(to)[0]);
  const answered = (id: string) => discord.waitFor(() => {
    const log = discord.interactionLog(id);
    return log.callback && log.calls.length >= 1 ? log : undefined;
  });
  /** `!hook github on`, then threads on; the secret from the DM. */
  async function githubWithThreads(): Promise<string> {
    await reply(discord.userSays(IDS.admin, '!hook github on --events all'));
    const dm = await discord.waitFor(() => discord.dms.find((d) => d.userId === IDS.admin));
    const on = await reply(discord.userSays(IDS.admin, '!hook github threads on'));
    expect(on.body.content).toContain('now opens a thread per pull request and issue');
    return /```\n(.+)\n```/.exec(dm.body.content)![1];
  }
  const url = () => `${started.base}/webhook/github/hook_001`;
  const send = async (secret: string, event: string, payload: unknown) => expect((await deliverGithub(url(), secret, event, payload)).status).toBe(202);

  it('opens a thread per pull request from signed deliveries; Follow and Mute add and remove the member, answered only to them', async () => {
    const secret = await githubWithThreads();
    await send(secret, 'pull_request', pr('opened'));
    const thread = await discord.waitFor(() => discord.threads.live()[0]);
    await send(secret, 'issue_comment', comment('Looks good, one nit'));
    await discord.waitFor(() => discord.threads.messagesIn(thread.id).length === 1);
    const starter = discord.channelMessages().find((m) => m.id === thread.id)!;
    expect(starter.body.embeds[0].title).toBe(`[${REPO}] Pull request opened: #45 Add OAuth support`);

    const follow = await answered(discord.threads.click(IDS.member, starter.id, FOLLOW_ID));
    expect(follow.callback!.data?.flags).toBe(EPHEMERAL);
    expect(follow.calls[0].body.content).toBe(`🔔 You follow **#45 Add OAuth support**: its events in <#${thread.id}> notify you. **Mute** stops that.`);
    expect(thread.members.has(IDS.member)).toBe(true);

    discord.threads.archive(thread.id); // Discord archived it meanwhile: Mute unarchives it to remove the member
    const mute = await answered(discord.threads.click(IDS.member, starter.id, MUTE_ID));
    expect(mute.callback!.data?.flags).toBe(EPHEMERAL);
    expect(mute.calls[0].body.content).toBe('🔕 You no longer follow **#45 Add OAuth support**. **Follow** brings you back.');
    expect(thread.members.has(IDS.member)).toBe(false);
    expect(thread.archived).toBe(false);

    discord.threads.manageThreads = false;
    await answered(discord.threads.click(IDS.admin, starter.id, FOLLOW_ID));
    const refused = await answered(discord.threads.click(IDS.admin, starter.id, MUTE_ID));
    expect(refused.calls[0].body.content).toContain('that needs **Manage Threads**');
    // The answers went to the clicking member only, never to the channel or the thread.
    expect(JSON.stringify(discord.messages)).not.toMatch(/You follow|no longer follow|that needs/);
  });

  it('finds its threads again after a restart (same database, new bot), and a thread deleted meanwhile is opened again', async () => {
    const secret = await githubWithThreads();
    await send(secret, 'pull_request', pr('opened'));
    const first = await discord.waitFor(() => discord.threads.live()[0]);
    await started.bot.stop();

    started = await startHookbot(discord, { DATABASE_PATH: path });
    await send(secret, 'issue_comment', comment('after the restart'));
    await discord.waitFor(() => discord.threads.messagesIn(first.id).length === 1);
    expect(discord.threads.createRequests).toHaveLength(1);
    expect(discord.channelMessages().filter((m) => m.body.embeds?.[0]?.title?.includes('#45'))).toHaveLength(1);

    // A moderator deletes the thread: the gateway says so, and the next event opens a new one without trying the old.
    const { store, close } = testStore(path);
    try {
      discord.threads.deleteThread(first.id);
      await discord.waitFor(async () => (await store.getThread('hook_001', `${REPO}#45`))?.threadId === null);
    } finally {
      close();
    }
    await send(secret, 'issue_comment', comment('into the new thread'));
    const second = await discord.waitFor(() => discord.threads.live()[0]);
    await discord.waitFor(() => discord.threads.messagesIn(second.id).length === 1);
    expect(second.id).not.toBe(first.id);
    expect(discord.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${first.id}/messages`)).toHaveLength(1);
  });

  it('shows and changes the setting with /hook threads', async () => {
    await reply(discord.userSays(IDS.admin, '!hook github on'));
    const on = await answered(discord.slash(IDS.admin, 'threads', { hook: 'hook_001', state: 'on' }));
    expect(on.calls[0].body.content).toContain('🧵 **hook_001** now opens a thread per pull request and issue');
    const shown = await answered(discord.slash(IDS.admin, 'threads', { hook: 'github' }));
    expect(shown.calls[0].body.content).toContain('opens a thread per pull request and issue');
    const refused = await answered(discord.slash(IDS.member, 'threads', { hook: 'hook_001', state: 'off' }));
    expect(refused.calls[0].body.content).toContain('Manage Webhooks');
  });
});
