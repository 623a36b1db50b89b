import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDS } from '../fakes/discord.js';
import { httpLogin, startWeb, type Web } from './helpers.js';

const EPHEMERAL = 1 << 6;
const LINK = /<(https:\/\/hooks\.example\.test\/ui\/login\?token=([\w-]{43}))>/;

/** `!hook dashboard` and `/hook dashboard`: a one-time login link for the invoker only. */
describe('dashboard command', () => {
  let web: Web;
  beforeEach(async () => {
    web = await startWeb();
  });
  afterEach(async () => {
    await web.stop();
  });

  it('!hook dashboard DMs the invoker a link to PUBLIC_URL/ui/login; the channel only hears that it was sent', async () => {
    const { discord } = web;
    const said = discord.userSays(IDS.admin, '!hook dashboard');
    const reply = await discord.waitFor(() => discord.repliesTo(said)[0]);
    const dm = await discord.waitFor(() => discord.dms.find((d) => d.userId === IDS.admin));
    const [, url, token] = LINK.exec(dm.body.content)!;
    expect(url).toContain('/ui/login?token=');
    expect(dm.body.content).toContain('15 minutes');
    expect(reply.body.content).toContain('by DM');
    expect(JSON.stringify(discord.messages)).not.toContain(token);
    expect(web.lines.join('\n')).not.toContain(token);
    // The link logs in to this server's hooks.
    const { res, cookie } = await httpLogin(web.base, { token });
    expect(res.status).toBe(303);
    const page = await (await fetch(`${web.base}/ui`, { headers: { cookie: cookie! } })).text();
    expect(page).toContain(`server ${IDS.guild}`);
  });

  it('refuses a member without Manage Webhooks, and sends no link', async () => {
    const { discord } = web;
    const said = discord.userSays(IDS.member, '!hook dashboard');
    const reply = await discord.waitFor(() => discord.repliesTo(said)[0]);
    expect(reply.body.content).toContain('Manage Webhooks');
    expect(discord.dms).toHaveLength(0);
  });

  it('says how to get the link when DMs are closed, without putting it in the channel', async () => {
    const { discord } = web;
    const said = discord.userSays(IDS.closedDms, '!hook dashboard');
    const reply = await discord.waitFor(() => discord.repliesTo(said)[0]);
    expect(reply.body.content).toContain('/hook dashboard');
    expect(JSON.stringify(discord.messages)).not.toContain('/ui/login?token=');
  });

  it('/hook dashboard answers with the link ephemerally, and nothing in the channel', async () => {
    const { discord } = web;
    const id = discord.slash(IDS.admin, 'dashboard');
    const log = await discord.waitFor(() => {
      const l = discord.interactionLog(id);
      return l.callback && l.calls.length >= 1 ? l : undefined;
    });
    expect(log.callback).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
    expect(log.calls).toHaveLength(1);
    expect(log.calls[0].method).toBe('PATCH');
    const token = LINK.exec(log.calls[0].body.content)![2];
    expect(discord.channelMessages()).toHaveLength(0);
    expect((await httpLogin(web.base, { token })).res.status).toBe(303);
  });
});
