import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord, IDS } from '../fakes/discord.js';
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

  /** Sends `!hook help` until it is answered (events sent while disconnected are lost, as on Discord). */
  async function commandsWork(): Promise<void> {
    await discord.waitFor(() => {
      const id = discord.userSays(IDS.admin, '!hook help');
      return discord.channelMessages().length > 0 && id;
    }, 10_000);
    await discord.waitFor(() => discord.channelMessages().some((m) => String(m.body.content).includes('hookbot commands')), 10_000);
  }

  it('resumes after a dropped connection', async () => {
    discord.dropGateway();
    await discord.waitFor(() => discord.resumes >= 1, 10_000);
    await commandsWork();
  });

  it('identifies again after an invalid session', async () => {
    expect(discord.identifies).toBe(1);
    discord.invalidateSession();
    await discord.waitFor(() => discord.identifies >= 2, 15_000);
    await commandsWork();
  });

  it('reconnects a zombie connection (no heartbeat ACK)', async () => {
    discord.ackHeartbeats = false;
    await discord.waitFor(() => discord.resumes + discord.identifies >= 2, 10_000);
    discord.ackHeartbeats = true;
    await commandsWork();
  });
});
