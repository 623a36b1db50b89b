import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHook, deleteHook, describeIssues, enableChannelHook, updateHook, type ManageDeps, type Origin } from '../../src/hooks/manage.js';
import { filterSettings } from '../../src/hooks/settings.js';
import type { Store } from '../../src/store/store.js';
import { testStore } from '../helpers/store.js';

const GUILD = '100000000000000001';
const CHANNEL = '100000000000000002';
const chat: Origin = { source: 'chat', guildId: GUILD, userId: '100000000000000011' };

describe('hook management', () => {
  let store: Store;
  let close: () => void;
  let deps: ManageDeps;
  let n = 0;
  beforeEach(() => {
    ({ store, close } = testStore());
    deps = { store, clock: { now: () => Date.parse('2026-01-01T00:00:00Z') }, newSecret: () => `${++n}`.padStart(43, 's') };
  });
  afterEach(() => close());

  const create = async (input: Record<string, unknown>, origin: Origin = chat) => {
    const r = await createHook(deps, { channel_id: CHANNEL, ...input }, origin);
    if (!r.ok) throw new Error(r.problem.message);
    return r.value;
  };

  it('gives each service its defaults: events, verification, secret and rate limit', async () => {
    expect((await create({ service: 'github' })).hook).toMatchObject({
      events: ['push', 'pull_request', 'issues', 'release', 'workflow_run'], verify: 'github', rateLimit: 60, source: 'chat', sourceFile: null,
    });
    expect((await create({ service: 'ci' })).hook).toMatchObject({ events: ['*'], verify: 'ci' });
    const docker = await create({ service: 'docker' });
    expect(docker.hook).toMatchObject({ verify: 'none', secret: '', rateLimit: 0, events: ['build', 'start', 'stop', 'die', 'oom', 'health'] });
    expect((await create({ service: 'custom' })).secret).toHaveLength(43);
    expect((await create({ service: 'custom', verify: 'standard' })).secret).toMatch(/^whsec_/);
    expect((await create({ service: 'custom', verify: 'stripe' })).secret).toBe(''); // the provider issues it
  });

  it('turns what users write into the stored form, and back', async () => {
    const { hook } = await create({
      service: 'github', events: ['pr', 'push', 'pull_request'], templates: { pr: '{{title}}' },
      filters: { Branch: ['main', 'release/*'], status: '!=failure', repo: 'acme/api', bots: 'include' }, aggregate: '2h',
    });
    expect(hook).toMatchObject({
      events: ['pull_request', 'push'], templates: { pull_request: '{{title}}' }, aggregateSeconds: 7200, aggregateExcept: 'failed',
      filters: { branch: '=main,release/*', status: '!=failure', repo: 'acme/api', bots: 'include' },
    });
    const again = await updateHook(deps, hook, { filters: filterSettings(hook.filters) }, 'chat');
    expect(again.ok && again.value.hook.filters).toEqual(hook.filters);
    // Custom JSON keeps the case of its keys.
    expect((await create({ service: 'custom', filters: { 'data.Type': 'charge' } })).hook.filters).toEqual({ 'data.Type': '=charge' });
  });

  it('reports every problem at once, each with its path', async () => {
    const r = await createHook(deps, {
      service: 'ci', channel_id: CHANNEL, events: ['push'], filters: { colour: 'red' }, verify: 'github', rate_limit: { per_minute: 5 },
      alert_if: [{ expr: 'ci.nope == 1' }], aggregate: '10s', forward: { url: 'http://127.0.0.1:9/' },
    }, chat);
    expect(r.ok).toBe(false);
    if (r.ok || r.problem.kind !== 'invalid') return;
    expect(r.problem.issues.map((i) => i.path.join('.')).sort()).toEqual(['aggregate', 'alert_if.0.expr', 'events', 'filters.colour', 'forward', 'rate_limit', 'verify']);
    expect(r.problem.message).toContain('events: a CI hook takes every event');
    expect(r.problem.message).toContain('alert_if[0].expr: that rule is refused');
    expect(await store.listHooks(GUILD)).toEqual([]);
    expect(describeIssues([{ path: ['hooks', 2, 'filters', 'branch'], message: 'x' }])).toBe('hooks[2].filters.branch: x');
  });

  it('refuses changes to a file hook except from the file loader', async () => {
    const { hook } = await create({ service: 'github' }, { ...chat, source: 'file', sourceFile: 'hookbot.yaml' });
    for (const door of ['chat', 'api'] as const) {
      const r = await updateHook(deps, hook.id, { events: ['push'] }, door);
      expect(r.ok ? '' : r.problem).toMatchObject({ kind: 'file_hook', file: 'hookbot.yaml', message: `${hook.id} is declared in hookbot.yaml: change it there (hookbot applies the file when it changes)` });
      expect((await deleteHook(deps, hook.id, door)).ok).toBe(false);
    }
    const on = await enableChannelHook(deps, { ...chat, channelId: CHANNEL }, 'github', () => ({}));
    expect(on.ok).toBe(false);
    expect((await updateHook(deps, hook.id, { events: ['push'] }, 'file')).ok).toBe(true);
    expect((await deleteHook(deps, hook.id, 'file')).ok).toBe(true);
    expect(await store.getHook(hook.id)).toBeUndefined();
  });

  it('gives a hook a new secret when its scheme changes, and checks a given secret against the scheme', async () => {
    const { hook, secret } = await create({ service: 'custom' });
    const toStripe = await updateHook(deps, hook, { verify: 'stripe' }, 'api');
    expect(toStripe.ok && toStripe.value.hook.secret).toBe('');
    const bad = await updateHook(deps, hook.id, { secret: 'not-a-whsec-secret' }, 'api');
    expect(bad.ok ? '' : bad.problem.message).toContain('secret: a Stripe secret starts with "whsec_"');
    const back = await updateHook(deps, hook.id, { verify: 'hmac' }, 'api');
    expect(back.ok && back.value.secret).toHaveLength(43);
    expect(back.ok && back.value.secret).not.toBe(secret);
    const same = await updateHook(deps, hook.id, { verify: 'hmac', enabled: false }, 'api');
    expect(same.ok && same.value.secret).toBeUndefined(); // the same scheme keeps its secret
    expect((await store.getHook(hook.id))!.secret).toBe(back.ok ? back.value.secret : '');
  });

  it('says a hook is not there', async () => {
    const r = await updateHook(deps, 'hook_404', { enabled: false }, 'api');
    expect(r.ok ? '' : r.problem.kind).toBe('not_found');
  });
});
