import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord, IDS, type PostedMessage } from '../fakes/discord.js';
import { startHookbot } from '../helpers/start-hookbot.js';

/** discord.js owns the gateway; these check hookbot keeps answering commands through its recoveries. */
describe('gateway recovery', () => {
  let discord: FakeDiscord;
  let started: Awaited<ReturnType<typeof startHookbot>>;

  beforeEach(async () => {
    discord = await new FakeDiscord({ heartbeatMs: 400 }).start();
    started = await startHookbot(discord);
  });
  afterEach(async () => {
    await started.bot.stop();
    await discord.stop();
  });

  /**
   * Sends `!hook help` until one is answered (events sent while disconnected are lost, as on Discord), then
   * drains with `!hook list`: once that is answered, every earlier command has been handled.
   */
  async function helpIsAnswered(): Promise<PostedMessage> {
    const sent: string[] = [];
    let answered: string | undefined;
    for (let attempt = 0; !answered; attempt++) {
      if (attempt === 20) throw new Error('no command answered after the recovery');
      sent.push(discord.userSays(IDS.admin, '!hook help'));
      answered = await discord.waitFor(() => sent.find((id) => discord.repliesTo(id).length > 0), 500).catch(() => undefined);
    }
    const list = discord.userSays(IDS.admin, '!hook list');
    await discord.waitFor(() => discord.repliesTo(list)[0], 10_000);
    // Each command was answered at most once, the one we waited for exactly once, and nothing else was posted.
    for (const id of sent) expect(discord.repliesTo(id).length).toBeLessThanOrEqual(1);
    expect(discord.repliesTo(answered)).toHaveLength(1);
    expect(discord.repliesTo(list)).toHaveLength(1);
    expect(discord.channelMessages().every((m) => m.body.message_reference)).toBe(true);
    return discord.repliesTo(answered)[0];
  }

  it('resumes after a dropped connection', async () => {
    expect(discord.resumes).toBe(0);
    discord.dropGateway();
    await discord.waitFor(() => discord.resumes >= 1, 10_000);
    const reply = await helpIsAnswered();
    expect(reply.body.content).toContain('hookbot commands');
    expect(discord.identifies).toBe(1); // the session was resumed, not started again
  });

  it('identifies again after an invalid session', async () => {
    expect(discord.identifies).toBe(1);
    discord.invalidateSession();
    await discord.waitFor(() => discord.identifies >= 2, 15_000);
    const reply = await helpIsAnswered();
    expect(reply.body.content).toContain('hookbot commands');
    expect(discord.resumes).toBe(0); // an invalid session cannot be resumed
  });

  it('reconnects a zombie connection (no heartbeat ACK)', async () => {
    expect(discord.connections).toBe(1);
    discord.ackHeartbeats = false;
    await discord.waitFor(() => discord.resumes + discord.identifies >= 2, 10_000);
    discord.ackHeartbeats = true;
    expect(discord.connections).toBeGreaterThanOrEqual(2); // the silent connection was given up for a new one
    const reply = await helpIsAnswered();
    expect(reply.body.content).toContain('hookbot commands');
  });
});
