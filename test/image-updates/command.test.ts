import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { startHookbot } from '../helpers/start-hookbot.js';

/** `!hook docker updates` where Docker cannot be reached (the real-engine flow is in real-registry.test.ts). */
describe('!hook docker updates without a reachable Docker Engine', () => {
  let discord: FakeDiscord;
  let started: Awaited<ReturnType<typeof startHookbot>>;
  beforeEach(async () => {
    discord = await new FakeDiscord().start();
    started = await startHookbot(discord, {}, { poll: { intervalMs: 0 } });
  });
  afterEach(async () => {
    await started.bot.stop();
    await discord.stop();
  });
  const say = async (who: string, line: string) => {
    const id = discord.userSays(who, line);
    return (await discord.waitFor(() => discord.repliesTo(id)[0])).body;
  };

  it('turns image updates on anyway, says Docker is down, records the failed check, and turns them off', async () => {
    const on = await say(IDS.admin, '!hook docker updates --every 12h');
    expect(on.content).toContain('🐳 Image updates **hook_001** on: every 12h');
    expect(on.content).toContain('⚠️ Docker is not reachable at unix:///nonexistent/docker.sock');
    await started.bot.poller.tick();
    const [status] = await started.bot.poller.status();
    expect(status).toMatchObject({ hook: 'hook_001', kind: 'images', source: 'Docker image updates', every_s: 43_200, failures: 1, paused: false });
    expect(status.last_result).toMatch(/^failed: Docker is not reachable/);
    const list = JSON.stringify(await say(IDS.admin, '!hook list'));
    expect(list).toContain("polls running containers' image tags every 12h · last: failed: Docker is not reachable");

    expect((await say(IDS.admin, '!hook docker updates --every 10s')).content).toContain('"10s" is not an interval from 30s to 24h');
    expect((await say(IDS.member, '!hook docker updates')).content).toContain('Manage Webhooks');
    expect((await say(IDS.admin, '!hook docker updates off')).content).toContain('Image updates (**hook_001**) are off');
    expect((await say(IDS.admin, '!hook docker updates')).content).toContain('Image updates **hook_001** back on: every 6h');
    expect(await started.bot.poller.status()).toHaveLength(1);
  });
});
