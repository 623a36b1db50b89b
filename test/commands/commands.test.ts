import { helpText } from '../../commands/help.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runChatCommand, type CommandContext } from '../../commands/index.js';
import type { Store } from '../../src/store/store.js';
import { createHook } from '../../src/hooks/manage.js';
import { testStore } from '../helpers/store.js';

const GUILD = '100000000000000001';
const CHANNEL = '100000000000000002';

describe('chat commands', () => {
  let store: Store;
  let close: () => void;
  let kicks = 0;
  const ctx = (over: Partial<CommandContext> = {}): CommandContext => ({
    guildId: GUILD, channelId: CHANNEL, userId: '100000000000000011', canManage: true, prefix: '!hook',
    publicUrl: () => 'https://bot.example', store, clock: { now: () => Date.parse('2026-01-01T00:00:00Z') },
    kick: () => { kicks++; }, newSecret: () => 's'.repeat(43), dockerStatus: () => 'down', ...over,
  });
  const run = async (line: string, over: Partial<CommandContext> = {}) => {
    const r = await runChatCommand(line, ctx(over));
    if (!r) throw new Error('not a command');
    return r;
  };
  const say = (r: Awaited<ReturnType<typeof run>>) => JSON.stringify(r.reply);

  beforeEach(() => { ({ store, close } = testStore()); kicks = 0; });
  afterEach(() => close());

  it('ignores lines that are not hookbot commands', async () => {
    expect(await runChatCommand('hello', ctx())).toBeNull();
    expect(await runChatCommand('!hooks list', ctx())).toBeNull();
  });

  it('creates a GitHub hook: id and URL for the channel, secret only for the invoker', async () => {
    const r = await run('!hook github on --events push,pr --repo acme/api');
    expect(say(r)).toContain('https://bot.example/webhook/github/hook_001');
    expect(say(r)).toContain('Pushes, Pull requests');
    expect(say(r)).not.toContain('s'.repeat(43));
    expect(r.secret!.content).toContain('s'.repeat(43));
    const hook = await store.getHook('hook_001');
    expect(hook).toMatchObject({ events: ['push', 'pull_request'], filters: { repo: 'acme/api' }, channelId: CHANNEL });
  });

  it('re-enables the same hook instead of creating a second one', async () => {
    await run('!hook github on');
    await run('!hook github off');
    expect((await store.getHook('hook_001'))!.enabled).toBe(false);
    const r = await run('!hook github on');
    expect(say(r)).toContain('re-enabled');
    expect((await store.listHooks(GUILD))).toHaveLength(1);
  });

  it('refuses members without Manage Webhooks and changes nothing', async () => {
    const r = await run('!hook github on', { canManage: false });
    expect(say(r)).toContain('Manage Webhooks');
    expect(await store.listHooks(GUILD)).toHaveLength(0);
    await run('!hook github on');
    for (const line of ['!hook github off', '!hook delete hook_001', '!hook format github "x"', '!hook test hook_001', '!hook hook_001 off']) {
      expect(say(await run(line, { canManage: false }))).toContain('Manage Webhooks');
    }
    expect((await store.getHook('hook_001'))!.enabled).toBe(true);
  });

  it('refuses unknown events with the list of valid ones', async () => {
    const r = await run('!hook github on --events push,deploys');
    expect(say(r)).toContain('`deploys`');
    expect(say(r)).toContain('valid: push, pr, issues');
    expect(await store.listHooks(GUILD)).toHaveLength(0);
  });

  it('refuses unknown options and bad repository names', async () => {
    expect(say(await run('!hook github on --evnts push'))).toContain('unknown option --evnts');
    expect(say(await run('!hook github on --repo not-a-repo'))).toContain('owner/name');
    expect(say(await run('!hook github on --events'))).toContain('--events needs a value');
    expect(await store.listHooks(GUILD)).toHaveLength(0);
  });

  it('sets, refuses and resets templates', async () => {
    await run('!hook github on');
    expect(say(await run('!hook format github-push "📦 {{author}} pushed {{commit_count}}"'))).toContain('`push` events');
    expect((await store.getHook('hook_001'))!.templates).toEqual({ push: '📦 {{author}} pushed {{commit_count}}' });
    const bad = await run('!hook format hook_001 "{{#commits}} never closed"');
    expect(say(bad)).toContain('does not parse');
    expect(say(bad)).toContain('Unclosed section');
    expect((await store.getHook('hook_001'))!.templates).toEqual({ push: '📦 {{author}} pushed {{commit_count}}' });
    await run('!hook format hook_001 "{{title}}"');
    await run('!hook format github-push reset');
    expect((await store.getHook('hook_001'))!.templates).toEqual({ '*': '{{title}}' });
  });

  it('explains an unclosed quote', async () => {
    expect(say(await run('!hook format github "oops'))).toContain('never closed');
  });

  it('lists hooks with status, events and URL', async () => {
    await run('!hook github on');
    const r = await run('!hook list');
    expect(say(r)).toContain('hook_001');
    expect(say(r)).toContain('✅ on');
    expect(say(r)).toContain('https://bot.example/webhook/github/hook_001');
    expect(say(r)).toContain('Docker: down');
  });

  it('deletes a hook by id, and only in its own server', async () => {
    await run('!hook github on');
    expect(say(await run('!hook delete hook_001', { guildId: '100000000000000009' }))).toContain('No hook');
    expect(say(await run('!hook delete hook_001'))).toContain('Deleted');
    expect(await store.getHook('hook_001')).toBeUndefined();
    expect(say(await run('!hook delete hook_001'))).toContain('No hook');
  });

  it('stores a sample push for test and wakes the pipeline', async () => {
    await run('!hook github on --events pr');
    const r = await run('!hook test hook_001');
    expect(say(r)).toContain('sample push');
    expect(kicks).toBe(1);
    const ev = await store.latestEvent('hook_001');
    expect(ev!.eventType).toBe('push');
  });

  it('shows hooks declared in the hooks file and refuses to change them, naming the file', async () => {
    const made = await createHook(ctx(), { service: 'github', channel_id: CHANNEL, events: ['push'] },
      { source: 'file', sourceFile: 'deploy/hookbot.yaml', guildId: GUILD, userId: '100000000000000011' });
    expect(made.ok).toBe(true);
    expect(say(await run('!hook list'))).toContain('📄 from `deploy/hookbot.yaml`');
    for (const line of [
      '!hook github on', '!hook hook_001 off', '!hook delete hook_001', '!hook github filter branch=main', '!hook format github "{{title}}"',
      '!hook github aggregate 5m', '!hook github alert-if "event == \'push\'"', '!hook hook_001 secret abcdefghijkl',
    ]) {
      const r = await run(line);
      expect(say(r), line).toContain('hook_001 is declared in deploy/hookbot.yaml: change it there');
    }
    expect(await store.getHook('hook_001')).toMatchObject({ enabled: true, events: ['push'], filters: {}, templates: {}, aggregateSeconds: 0, alertRules: [] });
    expect(say(await run('!hook test hook_001'))).toContain('sample push');
  });

  it('changes hooks through hook management: the same checks as the API', async () => {
    await run('!hook github on');
    expect(say(await run('!hook github filter branch=main status!=failure'))).toContain('`branch=main` `status!=failure`');
    expect((await store.getHook('hook_001'))!.filters).toEqual({ branch: '=main', status: '!=failure' });
    await run('!hook github aggregate 90s --except none');
    expect(await store.getHook('hook_001')).toMatchObject({ aggregateSeconds: 90, aggregateExcept: 'none' });
    const custom = await run('!hook custom http://127.0.0.1:9/in --events push --verify standard');
    expect(custom.secret!.content).toMatch(/whsec_/);
    expect(await store.getHook('hook_002')).toMatchObject({ url: 'http://127.0.0.1:9/in', forwardEvents: ['push'], verify: 'standard', source: 'chat', forwardState: 'ok' });
  });

  it('help names every verb and fits one Discord message, even with a long prefix', async () => {
    for (const prefix of ['!hook', '!notifications-bot']) {
      const text = helpText(prefix);
      expect(`❓ I don't know \`something-long\`.\n\n${text}`.length).toBeLessThanOrEqual(2000);
      expect(text).toContain(`${prefix} github on`);
      for (const verb of ['ci on', 'docker on', 'docker updates', 'poll', 'custom', 'list', 'test', 'delete', 'off', 'explain',
        'format', 'filter', 'aggregate', 'alert-if', 'route add', 'threads on', 'secret', 'replay', 'dashboard']) {
        expect(text).toContain(verb);
      }
    }
  });

  it('answers unknown sub-commands with the help text', async () => {
    const r = await run('!hook frobnicate');
    expect(say(r)).toContain("don't know");
    expect(say(r)).toContain('github on');
    expect(say(await run('!hook'))).toContain('hookbot commands');
    expect(say(await run('!hook help'))).toContain('format');
  });
});
