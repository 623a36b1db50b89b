import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runChatCommand, type CommandContext } from '../commands/index.js';
import { parseGithub } from '../parsers/github.js';
import { parseDocker } from '../parsers/docker.js';
import { decide } from '../src/rules/decide.js';
import { parseFilterTerm } from '../src/rules/filters.js';
import { samplePush } from '../src/samples/github-push.js';
import { sampleDockerDie } from '../src/samples/docker-die.js';
import type { Store } from '../src/store/store.js';
import { githubHook, testStore } from './helpers/store.js';

const AT = '2026-01-01T00:00:00.000Z';
const push = (branch = 'main', sender = 'monalisa') => {
  const p = samplePush('acme/api');
  p.ref = `refs/heads/${branch}`;
  p.sender.login = sender;
  return parseGithub('push', p, AT);
};
const hook = (filters: Record<string, string>) => ({ events: ['push'], filters });

describe('filter grammar and matching', () => {
  it('parses key=value and key!=value, refuses anything else', () => {
    expect(parseFilterTerm('branch=main')).toEqual({ key: 'branch', op: '=', value: 'main' });
    expect(parseFilterTerm('status!=failure')).toEqual({ key: 'status', op: '!=', value: 'failure' });
    expect(parseFilterTerm('branch')).toHaveProperty('error');
    expect(parseFilterTerm('=main')).toHaveProperty('error');
  });

  it('ANDs terms, with negation, lists and globs', () => {
    expect(decide(hook({ branch: '=main' }), push('main')).keep).toBe(true);
    expect(decide(hook({ branch: '=main' }), push('dev')).keep).toBe(false);
    expect(decide(hook({ branch: '=release/*' }), push('release/1.2')).keep).toBe(true);
    expect(decide(hook({ branch: '=main,dev' }), push('dev')).keep).toBe(true);
    expect(decide(hook({ branch: '!=dev' }), push('dev')).keep).toBe(false);
    expect(decide(hook({ branch: '=main', pusher: '=someone-else' }), push('main')).keep).toBe(false);
    const why = decide(hook({ branch: '=main' }), push('dev'));
    expect(why.reason).toContain('branch is dev');
  });

  it('drops bot senders by default for GitHub, unless bots=include', () => {
    expect(decide(hook({}), push('main', 'dependabot[bot]')).keep).toBe(false);
    expect(decide(hook({ bots: 'include' }), push('main', 'dependabot[bot]')).keep).toBe(true);
  });

  it('filters Docker events on compose fields', () => {
    const e = parseDocker(sampleDockerDie(Date.parse(AT)), AT);
    expect(decide({ events: ['die'], filters: { compose_project: '=shop' } }, e).keep).toBe(true);
    expect(decide({ events: ['die'], filters: { compose_project: '=other' } }, e).keep).toBe(false);
  });
});

describe('!hook <ref> filter', () => {
  let store: Store;
  let close: () => void;
  const ctx = (over: Partial<CommandContext> = {}): CommandContext => ({
    guildId: '100000000000000001', channelId: '100000000000000002', userId: 'u', canManage: true, prefix: '!hook',
    publicUrl: () => 'https://x', store, clock: { now: () => Date.parse(AT) }, kick: () => {}, newSecret: () => 's',
    dockerStatus: () => 'down', ...over,
  });
  const say = async (line: string, over: Partial<CommandContext> = {}) => JSON.stringify((await runChatCommand(line, ctx(over)))!.reply);
  beforeEach(async () => { ({ store, close } = testStore()); await githubHook(store); });
  afterEach(() => close());

  it('sets, shows and clears filters', async () => {
    expect(await say('!hook github filter branch=main "status!=failure"')).toContain('`branch=main` `status!=failure`');
    expect((await store.getHook('hook_001'))!.filters).toEqual({ branch: '=main', status: '!=failure' });
    expect(await say('!hook hook_001 filter')).toContain('0 filtered out today');
    expect(await say('!hook github filter clear')).toContain('cleared');
    expect((await store.getHook('hook_001'))!.filters).toEqual({});
  });

  it('refuses unknown keys with the valid ones, and bad terms; nothing changes', async () => {
    const r = await say('!hook github filter colour=red');
    expect(r).toContain('`colour` is not a github field');
    expect(r).toContain('branch');
    expect(await say('!hook github filter branch')).toContain('key=value');
    expect((await store.getHook('hook_001'))!.filters).toEqual({});
  });

  it('needs Manage Webhooks to change filters, not to read them', async () => {
    expect(await say('!hook github filter branch=main', { canManage: false })).toContain('Manage Webhooks');
    expect(await say('!hook github filter', { canManage: false })).toContain('Filters of');
  });

  it('counts events dropped by filters in list', async () => {
    await store.updateHook('hook_001', { filters: { branch: '=main' } });
    const e = await store.insertEvent({ hookId: 'hook_001', deliveryId: 'd', eventType: 'push', payload: '{}', receivedAt: AT });
    await store.completeEvent(e.id, 'filtered: branch', [], AT);
    expect(await say('!hook list')).toContain('1 filtered out today');
  });
});

describe('!hook <ref> explain', () => {
  let store: Store;
  let close: () => void;
  const ctx = (): CommandContext => ({
    guildId: '100000000000000001', channelId: '100000000000000002', userId: 'u', canManage: false, prefix: '!hook',
    publicUrl: () => 'https://x', store, clock: { now: () => Date.parse(AT) }, kick: () => {}, newSecret: () => 's',
    dockerStatus: () => 'down',
  });
  beforeEach(async () => { ({ store, close } = testStore()); await githubHook(store); });
  afterEach(() => close());

  it('says which filter dropped the latest real event and what it would have looked like; ignores test samples', async () => {
    const p = samplePush('acme/api');
    p.ref = 'refs/heads/dev';
    await store.insertEvent({ hookId: 'hook_001', deliveryId: 'real-1', eventType: 'push', payload: JSON.stringify(p), receivedAt: AT });
    await store.insertEvent({ hookId: 'hook_001', deliveryId: 'hookbot-test-x', eventType: 'push', payload: JSON.stringify(samplePush()), receivedAt: AT });
    await store.updateHook('hook_001', { filters: { branch: '=main' } });
    const r = (await runChatCommand('!hook github explain', ctx()))!;
    expect(r.reply.content).toContain('Dropped: filter `branch=main` does not match (branch is dev)');
    expect(r.reply.embeds![0].title).toBe('[acme/api:dev] 2 new commits');
    await store.updateHook('hook_001', { filters: {} });
    expect((await runChatCommand('!hook hook_001 explain', ctx()))!.reply.content).toContain('✅ Kept');
    expect((await runChatCommand('!hook test hook_001 --last', ctx()))!.reply.content).toContain('✅ Kept');
  });

  it('says so when there is no event yet', async () => {
    expect((await runChatCommand('!hook github explain', ctx()))!.reply.content).toContain('has not received an event yet');
  });
});
