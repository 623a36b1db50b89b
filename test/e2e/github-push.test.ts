import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { deliverGithub } from '../helpers/sign.js';
import { startHookbot } from '../helpers/start-hookbot.js';
import { samplePush } from '../../src/samples/github-push.js';

describe('a signed GitHub push reaches Discord', () => {
  let discord: FakeDiscord;
  let started: Awaited<ReturnType<typeof startHookbot>>;

  beforeEach(async () => {
    discord = await new FakeDiscord().start();
    started = await startHookbot(discord);
  });
  afterEach(async () => {
    await started.bot.stop();
    await discord.stop();
  });

  it('creates a hook from chat, DMs the secret, and posts the push', async () => {
    discord.userSays(IDS.admin, '!hook github on --events push,pr,issues,release,workflow');
    const setup = await discord.waitFor(() => discord.channelMessages().find((m) => m.body.embeds?.[0]?.title?.includes('hook_001')));
    const text = JSON.stringify(setup.body);
    expect(text).toContain('https://hooks.example.test/webhook/github/hook_001');
    expect(text).toContain('application/json');
    const dm = await discord.waitFor(() => discord.dms.find((d) => d.userId === IDS.admin));
    const secret = /```\n(.+)\n```/.exec(dm.body.content)![1];
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(text).not.toContain(secret);
    expect(started.lines.join('\n')).not.toContain(secret);

    const res = await deliverGithub(`${started.base}/webhook/github/hook_001`, secret, 'push', samplePush('acme/api'));
    expect(res.status).toBe(202);
    const posted = await discord.waitFor(() => discord.channelMessages().find((m) => m.body.embeds?.[0]?.title?.includes('acme/api')));
    const embed = posted.body.embeds[0];
    expect(embed.title).toBe('[acme/api:main] 2 new commits');
    expect(JSON.stringify(embed.fields)).toContain('Fix token refresh race (#41)');
    expect(posted.body.nonce).toMatch(/^hookbot-\d+$/);
    expect(posted.body.enforce_nonce).toBe(true);
  });
});
