import { afterEach, describe, expect, it } from 'vitest';
import type { Tunnel } from '../../src/tunnel.js';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { startHookbot, tempDbPath } from '../helpers/start-hookbot.js';

/** A tunnel that hands out the next URL of a list, or fails. */
function fakeTunnel(urls: (string | Error)[]): Tunnel & { opened: { port: number; domain?: string }[] } {
  const opened: { port: number; domain?: string }[] = [];
  return {
    opened,
    async open(port, { domain }) {
      opened.push({ port, domain });
      const next = urls.shift();
      if (!next || next instanceof Error) throw next ?? new Error('no more URLs');
      return { url: next, close: async () => {} };
    },
  };
}

describe('ngrok tunnel', () => {
  let discord: FakeDiscord;
  let started: Awaited<ReturnType<typeof startHookbot>> | undefined;
  afterEach(async () => {
    await started?.bot.stop();
    await discord?.stop();
  });

  it('uses the tunnel URL in setup replies when NGROK_AUTHTOKEN is set and PUBLIC_URL is not', async () => {
    discord = await new FakeDiscord().start();
    const tunnel = fakeTunnel(['https://abc123.ngrok-free.app']);
    started = await startHookbot(discord, { PUBLIC_URL: '', NGROK_AUTHTOKEN: 'tok', NGROK_DOMAIN: 'hooks.example.ngrok.app' }, { tunnel });
    expect(tunnel.opened).toEqual([{ port: started.bot.port, domain: 'hooks.example.ngrok.app' }]);
    const id = discord.userSays(IDS.admin, '!hook github on');
    const reply = await discord.waitFor(() => discord.repliesTo(id)[0]);
    expect(JSON.stringify(reply.body)).toContain('https://abc123.ngrok-free.app/webhook/github/hook_001');
    expect(await (await fetch(`${started.base}/healthz`)).json()).toMatchObject({ tunnel: 'up' });
  });

  it('falls back to the local URL, says why in one log line and in /healthz', async () => {
    discord = await new FakeDiscord().start();
    const tunnel = fakeTunnel([new Error('authentication failed: ERR_NGROK_105')]);
    started = await startHookbot(discord, { PUBLIC_URL: '', NGROK_AUTHTOKEN: 'bad' }, { tunnel });
    expect(started.bot.publicUrl).toBe(`http://localhost:${started.bot.port}`);
    const lines = started.lines.filter((l) => l.includes('ngrok tunnel failed'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('ERR_NGROK_105');
    expect(await (await fetch(`${started.base}/healthz`)).json()).toMatchObject({ tunnel: 'failed: authentication failed: ERR_NGROK_105' });
  });

  it('does not open a tunnel when PUBLIC_URL is set', async () => {
    discord = await new FakeDiscord().start();
    const tunnel = fakeTunnel(['https://never.ngrok-free.app']);
    started = await startHookbot(discord, { NGROK_AUTHTOKEN: 'tok' }, { tunnel });
    expect(tunnel.opened).toHaveLength(0);
    expect(started.bot.publicUrl).toBe('https://hooks.example.test');
  });

  it('tells each channel with hooks once when the URL changed since the last run', async () => {
    discord = await new FakeDiscord().start();
    const dbPath = tempDbPath();
    const env = { PUBLIC_URL: '', NGROK_AUTHTOKEN: 'tok', DATABASE_PATH: dbPath };
    started = await startHookbot(discord, env, { tunnel: fakeTunnel(['https://first.ngrok-free.app']) });
    const id = discord.userSays(IDS.admin, '!hook github on');
    await discord.waitFor(() => discord.repliesTo(id)[0]);
    await started.bot.stop();
    started = await startHookbot(discord, env, { tunnel: fakeTunnel(['https://second.ngrok-free.app']) });
    const notice = await discord.waitFor(() => discord.channelMessages().find((m) => String(m.body.content).includes('public URL changed')));
    expect(notice.body.content).toContain('https://second.ngrok-free.app/webhook/github/hook_001');
    await started.bot.stop();
    started = await startHookbot(discord, env, { tunnel: fakeTunnel(['https://second.ngrok-free.app']) });
    // Drain: the channel's posts keep their order, so once a sample sent now is posted, a notice queued at start would be too.
    const test = discord.userSays(IDS.admin, '!hook test hook_001');
    await discord.waitFor(() => discord.repliesTo(test)[0]);
    await discord.waitFor(() => discord.visibleEvents().some((t) => t.includes('new commits')));
    expect(discord.channelMessages().filter((m) => JSON.stringify(m.body).includes('public URL changed'))).toHaveLength(1);
  });
});
