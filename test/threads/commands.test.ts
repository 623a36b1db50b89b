import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runChatCommand, type CommandContext } from '../../commands/index.js';
import { createHook, updateHook } from '../../src/hooks/manage.js';
import { interactionArgs } from '../../src/discord/slash-commands.js';
import type { Store } from '../../src/store/store.js';
import { testStore } from '../helpers/store.js';

const GUILD = '100000000000000001';
const CHANNEL = '100000000000000002';

/** `!hook <ref> threads on|off` (and `/hook threads`): the `threads` setting, changed through hook management. */
describe('the threads setting', () => {
  let store: Store;
  let close: () => void;
  let kicks = 0;
  const ctx = (over: Partial<CommandContext> = {}): CommandContext => ({
    guildId: GUILD, channelId: CHANNEL, userId: '100000000000000011', canManage: true, prefix: '!hook',
    publicUrl: () => 'https://bot.example', store, clock: { now: () => Date.parse('2026-01-01T00:00:00Z') },
    kick: () => { kicks++; }, newSecret: () => 's'.repeat(43), dockerStatus: () => 'down', ...over,
  });
  const say = async (line: string, over: Partial<CommandContext> = {}) => String((await runChatCommand(line, ctx(over)))!.reply.content);
  const origin = { source: 'chat' as const, guildId: GUILD, userId: 'u' };

  beforeEach(async () => {
    ({ store, close } = testStore());
    kicks = 0;
    await say('!hook github on');
  });
  afterEach(() => close());

  it('turns threads on and off for the channel\'s GitHub hook, and shows the setting', async () => {
    expect(await say('!hook github threads')).toContain('posts every event in the channel');
    const on = await say('!hook github threads on');
    expect(on).toContain('🧵 **hook_001** now opens a thread per pull request and issue');
    expect(on).toContain('**Create Public Threads** and **Send Messages in Threads**');
    expect((await store.getHook('hook_001'))!.threads).toBe(true);
    expect(kicks).toBe(1);
    expect(await say('!hook hook_001 threads')).toContain('opens a thread per pull request and issue');
    expect(await say('!hook github threads on')).toContain('already');
    expect(await say('!hook github threads off')).toContain('posts every event in the channel again');
    expect((await store.getHook('hook_001'))!.threads).toBe(false);
  });

  it('turns them on for a CI hook: one thread per pipeline run', async () => {
    await say('!hook ci on');
    expect(await say('!hook ci threads on')).toContain('per pipeline run: each run\'s live message stays here');
    expect((await store.findHook(CHANNEL, 'ci'))!.threads).toBe(true);
  });

  it('refuses members without Manage Webhooks, other services and other words; nothing changes', async () => {
    expect(await say('!hook github threads on', { canManage: false })).toContain('Manage Webhooks');
    expect(await say('!hook github threads maybe')).toContain('Usage: `!hook <ref> threads on  |  !hook <ref> threads off`');
    const custom = await createHook(ctx(), { service: 'custom', channel_id: CHANNEL }, origin);
    expect(custom.ok).toBe(true);
    expect(await say('!hook custom threads on')).toContain('Threads are for GitHub hooks');
    expect(await say('!hook hook_404 threads on')).toContain('No hook `hook_404`');
    expect((await store.getHook('hook_001'))!.threads).toBe(false);
  });

  it('is one setting for every door: the schema takes `threads: true`, checks its type and the service', async () => {
    const r = await updateHook(ctx(), 'hook_001', { threads: true }, 'api');
    expect(r.ok && r.value.hook.threads).toBe(true);
    const wrong = await updateHook(ctx(), 'hook_001', { threads: 'yes' }, 'api');
    expect(!wrong.ok && wrong.problem.message).toBe('threads: threads must be true or false');
    const custom = await createHook(ctx(), { service: 'custom', channel_id: CHANNEL, threads: true }, origin);
    expect(!custom.ok && custom.problem.message).toContain('threads: threads are for GitHub hooks');
    const fromFile = await createHook(ctx(), { service: 'ci', channel_id: CHANNEL, threads: true }, { ...origin, source: 'file', sourceFile: 'hookbot.yaml' });
    expect(fromFile.ok && fromFile.value.hook.threads).toBe(true);
  });

  it('maps /hook threads to the same command', () => {
    const opts: Record<string, string> = { hook: 'hook_001', state: 'on' };
    expect(interactionArgs('threads', (n) => opts[n] ?? null)).toEqual(['hook_001', 'threads', 'on']);
    expect(interactionArgs('threads', (n) => (n === 'hook' ? 'github' : null))).toEqual(['github', 'threads']);
  });
});
