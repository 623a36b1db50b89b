import { afterEach, describe, expect, it } from 'vitest';
import { buildSlashCommands, interactionArgs } from '../../src/discord/slash-commands.js';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { startHookbot } from '../helpers/start-hookbot.js';
import { testStore } from '../helpers/store.js';
import { createHook } from '../../src/hooks/manage.js';

const EPHEMERAL = 1 << 6;

describe('/hook slash commands', () => {
  let discord: FakeDiscord;
  let started: Awaited<ReturnType<typeof startHookbot>>;
  afterEach(async () => {
    await started?.bot.stop();
    await discord?.stop();
  });

  async function start(env: Record<string, string> = {}, opts = {}) {
    discord = await new FakeDiscord(opts).start();
    started = await startHookbot(discord, env);
  }
  const done = (id: string, calls = 1) => discord.waitFor(() => {
    const log = discord.interactionLog(id);
    return log.callback && log.calls.length >= calls ? log : undefined;
  });

  it('registers /hook globally, or in DISCORD_GUILD_ID only, with Manage Webhooks as the default permission', async () => {
    await start();
    await discord.waitFor(() => discord.registered);
    expect(discord.registered!.scope).toBe('global');
    const [cmd] = discord.registered!.body;
    expect(cmd.name).toBe('hook');
    expect(cmd.default_member_permissions).toBe(String(1 << 29));
    expect(cmd.options.map((o: any) => o.name)).toEqual(['help', 'github', 'ci', 'list', 'delete', 'off', 'test', 'custom', 'secret', 'filter', 'docker', 'aggregate', 'alert-if', 'threads', 'route', 'poll', 'explain', 'replay', 'dashboard', 'format']);
    await started.bot.stop();
    await discord.stop();
    await start({ DISCORD_GUILD_ID: IDS.guild });
    await discord.waitFor(() => discord.registered);
    expect(discord.registered!.scope).toBe(`guild:${IDS.guild}`);
  });

  it('github on: deferred ephemerally, secret only in the ephemeral reply, setup also shown to the channel', async () => {
    await start();
    const id = discord.slash(IDS.admin, 'github', { state: 'on', events: 'push,pr' });
    const log = await done(id, 2);
    expect(log.callback).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
    const [edit, followUp] = log.calls;
    expect(edit.method).toBe('PATCH');
    const secret = /```\n(.+)\n```/.exec(edit.body.content)![1];
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(followUp.method).toBe('POST');
    expect(followUp.body.flags ?? 0).toBe(0);
    expect(JSON.stringify(followUp.body)).toContain('/webhook/github/hook_001');
    expect(JSON.stringify(followUp.body)).not.toContain(secret);
    expect(discord.channelMessages()).toHaveLength(0); // nothing posted with the bot token
  });

  it('ci on: the secret only in the ephemeral reply, the per-platform setup also shown to the channel', async () => {
    await start();
    const log = await done(discord.slash(IDS.admin, 'ci', { state: 'on' }), 2);
    expect(log.callback).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
    const [edit, followUp] = log.calls;
    const secret = /```\n(.+)\n```/.exec(edit.body.content)![1];
    expect(followUp.body.flags ?? 0).toBe(0);
    expect(JSON.stringify(followUp.body)).toContain('/webhook/ci/hook_001');
    expect(JSON.stringify(followUp.body)).toContain('CircleCI');
    expect(JSON.stringify(followUp.body)).not.toContain(secret);
  });

  it('list is visible to the channel; a member without Manage Webhooks is refused', async () => {
    await start();
    const list = await done(discord.slash(IDS.admin, 'list'));
    expect(list.callback).toMatchObject({ type: 5 });
    expect(list.callback!.data?.flags ?? 0).toBe(0);
    expect(JSON.stringify(list.calls[0].body)).toContain('No hooks yet');
    const refused = await done(discord.slash(IDS.member, 'github', { state: 'on' }));
    expect(refused.calls[0].body.content).toContain('Manage Webhooks');
  });

  it('autocompletes hook ids', async () => {
    await start();
    await done(discord.slash(IDS.admin, 'github', { state: 'on' }), 2);
    const id = discord.slash(IDS.admin, 'test', { id: 'hook' }, 4, 'id');
    const cb = await discord.waitFor(() => discord.interactionLog(id).callback);
    expect(cb.type).toBe(8);
    expect(cb.data!.choices).toEqual([{ name: 'hook_001 · github', value: 'hook_001' }]);
  });

  it('format and test run the shared implementation', async () => {
    await start();
    await done(discord.slash(IDS.admin, 'github', { state: 'on' }), 2);
    const f = await done(discord.slash(IDS.admin, 'format', { hook: 'github-push', template: '📦 {{author}} → {{branch}}' }));
    expect(f.calls[0].body.content).toContain('`push` events');
    await done(discord.slash(IDS.admin, 'test', { id: 'hook_001' }));
    const posted = await discord.waitFor(() => discord.channelMessages().find((m) => m.body.content === '📦 monalisa → main'));
    expect(posted).toBeTruthy();
  });

  it('runs every other verb through an interaction, with the same answers as !hook', async () => {
    await start();
    await done(discord.slash(IDS.admin, 'github', { state: 'on' }), 2);
    const cases: [string, Record<string, string>, RegExp, number][] = [
      ['filter', { hook: 'hook_001', terms: 'branch=main' }, /keeps only events matching `branch=main`/, 0],
      ['filter', { hook: 'hook_001' }, /Filters of \*\*hook_001\*\*/, 0],
      ['docker', { state: 'on', containers: 'web' }, /Docker hook \*\*hook_002\*\* created/, 0],
      ['custom', { verify: 'stripe' }, /Custom hook hook_003 created/, EPHEMERAL],
      ['secret', { hook: 'hook_003', value: 'whsec_abcdefghijkl' }, /Secret of \*\*hook_003\*\*/, EPHEMERAL],
      ['replay', { id: 'hook_003' }, /no forward URL/, 0],
      ['off', { hook: 'hook_002' }, /is off/, 0],
      ['delete', { id: 'hook_002' }, /Deleted docker hook/, 0],
    ];
    for (const [sub, options, expected, flags] of cases) {
      const log = await done(discord.slash(IDS.admin, sub, options));
      expect(log.callback!.data?.flags ?? 0).toBe(flags);
      expect(JSON.stringify(log.calls[0].body)).toMatch(expected);
    }
    // The pasted secret is never echoed, in any reply.
    expect(JSON.stringify([discord.messages, discord.webhookCalls])).not.toContain('whsec_abcdefghijkl');
  });

  it('marks hooks declared in the hooks file in /hook list and refuses to change them', async () => {
    await start();
    const { store, close } = testStore(started.config.DATABASE_PATH);
    await createHook({ store, clock: { now: () => Date.now() }, newSecret: () => 's'.repeat(43) },
      { service: 'github', channel_id: IDS.channel }, { source: 'file', sourceFile: 'hookbot.yaml', guildId: IDS.guild, userId: IDS.admin });
    close();
    const list = await done(discord.slash(IDS.admin, 'list'));
    expect(JSON.stringify(list.calls[0].body)).toContain('📄 from `hookbot.yaml`');
    const off = await done(discord.slash(IDS.admin, 'off', { hook: 'hook_001' }));
    expect(off.calls[0].body.content).toContain('hook_001 is declared in hookbot.yaml');
    const on = await done(discord.slash(IDS.admin, 'github', { state: 'on' }));
    expect(on.calls[0].body.content).toContain('hookbot.yaml');
  });

  it('keeps running with slash commands only when the Message Content intent is refused (4014)', async () => {
    await start({}, { privilegedIntents: false });
    expect(started.bot.messageContent).toBe(false);
    expect(started.lines.some((l) => l.includes('Privileged Gateway Intents') && l.includes('4014'))).toBe(true);
    const log = await done(discord.slash(IDS.admin, 'help'));
    expect(log.calls[0].body.content).toContain('hookbot commands');
  });
});

describe('slash options → command arguments', () => {
  it('maps each sub-command to the !hook grammar', () => {
    const get = (o: Record<string, string>) => (n: string) => o[n] ?? null;
    expect(interactionArgs('github', get({ state: 'on', events: 'push', repo: 'a/b' }))).toEqual(['github', 'on', '--events', 'push', '--repo', 'a/b']);
    expect(interactionArgs('off', get({ hook: 'hook_001' }))).toEqual(['hook_001', 'off']);
    expect(interactionArgs('format', get({ hook: 'github-push', template: 'reset' }))).toEqual(['format', 'github-push', 'reset']);
    expect(interactionArgs('list', get({}))).toEqual(['list']);
    expect(interactionArgs('ci', get({ state: 'on' }))).toEqual(['ci', 'on']);
  });

  it('keeps Discord\'s limits on the registration payload', () => {
    for (const sub of buildSlashCommands()[0].options) {
      expect(sub.name).toMatch(/^[a-z-]{1,32}$/);
      expect(sub.description.length).toBeLessThanOrEqual(100);
      for (const o of (sub as { options?: { description: string }[] }).options ?? []) expect(o.description.length).toBeLessThanOrEqual(100);
    }
  });
});
