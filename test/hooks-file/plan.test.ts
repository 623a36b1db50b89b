import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHook, type ManageDeps } from '../../src/hooks/manage.js';
import { applyHooksFilePlan, planHooksFile, type PlanDeps } from '../../src/hooks-file/plan.js';
import type { Store } from '../../src/store/store.js';
import { testStore } from '../helpers/store.js';

const ENV: Record<string, string> = {
  GITHUB_WEBHOOK_SECRET: 'gh-secret-0123456789abcdef', STRIPE_WEBHOOK_SECRET: 'whsec_c3RyaXBlLXNlY3JldC0wMTIz',
  FORWARD_SECRET: 'whsec_Zm9yd2FyZC1zZWNyZXQtMDEyMzQ1',
};

/** A valid file; line numbers in the tests below count from its first line. */
const VALID = `defaults:
  channel: "100000000000000002"
  guild: "100000000000000001"
hooks:
  - name: api-github
    service: github
    secret_env: GITHUB_WEBHOOK_SECRET
    events: [push, pr]
    filters: { branch: [main, "release/*"], "payload.head_commit.message": { regex: "^fix" } }
    template: "📤 {{author}} pushed to {{branch}}"
    quiet_hours: { from: "22:00", to: "07:00", tz: Europe/Berlin }
  - name: payments
    service: custom
    channel: 100000000000000003
    verify: stripe
    secret_env: STRIPE_WEBHOOK_SECRET
    ip_allowlist: ["3.18.12.63/32", "10.0.0.0/8"]
    rate_limit: { per_minute: 60, burst: 10 }
    forward:
      url: http://127.0.0.1:9/in
      headers: { X-Team: payments }
      retry: { max_attempts: 5, initial_delay: 1s, backoff_multiplier: 2, max_delay: 5m }
      secret_env: FORWARD_SECRET
  - name: servers
    service: docker
    enabled: false
`;

describe('hooks file: plan and apply', () => {
  let store: Store;
  let close: () => void;
  let deps: PlanDeps & ManageDeps;
  beforeEach(() => {
    ({ store, close } = testStore());
    deps = {
      store, clock: { now: () => Date.parse('2026-01-01T00:00:00Z') }, newSecret: () => 'n'.repeat(43), env: (n) => ENV[n],
      forwardPolicy: { privateAddresses: 'allow', allowLinkLocal: false },
    };
  });
  afterEach(() => close());

  const plan = (text: string) => planHooksFile(deps, 'hookbot.yaml', text);
  const apply = async (text: string) => {
    const p = await plan(text);
    if (!p.ok) throw new Error(p.problems.join('\n'));
    return applyHooksFilePlan(deps, p, 'hookbot.yaml');
  };

  it('adds the hooks of a valid file, named by the file, with defaults merged and secrets from the environment', async () => {
    const p = await plan(VALID);
    expect(p).toMatchObject({ ok: true, problems: [], declared: 3 });
    expect(p.planned.map((x) => `${x.action} ${x.id}`)).toEqual(['add api-github', 'add payments', 'add servers']);
    expect(await apply(VALID)).toEqual({ added: ['api-github', 'payments', 'servers'], changed: [], removed: [] });
    expect(await store.getHook('api-github')).toMatchObject({
      service: 'github', source: 'file', sourceFile: 'hookbot.yaml', guildId: '100000000000000001', channelId: '100000000000000002',
      secret: ENV.GITHUB_WEBHOOK_SECRET, events: ['push', 'pull_request'], templates: { '*': '📤 {{author}} pushed to {{branch}}' },
      filters: { branch: '=main,release/*', 'payload.head_commit.message': '~=^fix' }, quietHours: { from: '22:00', to: '07:00', tz: 'Europe/Berlin' },
    });
    expect(await store.getHook('payments')).toMatchObject({
      channelId: '100000000000000003', verify: 'stripe', secret: ENV.STRIPE_WEBHOOK_SECRET, ipAllowlist: ['3.18.12.63/32', '10.0.0.0/8'],
      rateLimit: 60, rateBurst: 10, url: 'http://127.0.0.1:9/in', forwardHeaders: { 'X-Team': 'payments' }, forwardSecret: ENV.FORWARD_SECRET,
      forwardState: 'ok', forwardRetry: { maxAttempts: 5, initialDelayMs: 1000, backoffMultiplier: 2, maxDelayMs: 300_000 },
    });
    expect(await store.getHook('servers')).toMatchObject({ service: 'docker', enabled: false, secret: '' });
    // Applied again: nothing to do.
    expect((await plan(VALID)).planned.map((x) => x.action)).toEqual(['same', 'same', 'same']);
  });

  it('plans an edit as hooks added, changed (naming the settings) and removed, and touches no other hook', async () => {
    await apply(VALID);
    const chat = await createHook(deps, { service: 'github', channel_id: '100000000000000002' }, { source: 'chat', guildId: '100000000000000001', userId: '1' });
    if (!chat.ok) throw new Error(chat.problem.message);
    const edited = VALID
      .replace('events: [push, pr]', 'events: [push]')
      .replace(/ {2}- name: servers\n {4}service: docker\n {4}enabled: false\n/, '  - name: ci\n    service: ci\n    secret_env: GITHUB_WEBHOOK_SECRET\n');
    ENV.STRIPE_WEBHOOK_SECRET = 'whsec_bmV3LXN0cmlwZS1zZWNyZXQ=';
    try {
      const p = await plan(edited);
      expect(p.planned.map((x) => `${x.action} ${x.id}${x.action === 'change' ? `: ${x.changes.join(', ')}` : ''}`))
        .toEqual(['change api-github: events', 'change payments: secret', 'add ci', 'remove servers']);
      expect(await applyHooksFilePlan(deps, p, 'hookbot.yaml')).toEqual({
        added: ['ci'], changed: [{ id: 'api-github', settings: ['events'] }, { id: 'payments', settings: ['secret'] }], removed: ['servers'],
      });
    } finally {
      ENV.STRIPE_WEBHOOK_SECRET = 'whsec_c3RyaXBlLXNlY3JldC0wMTIz';
    }
    expect((await store.getHook('api-github'))!.events).toEqual(['push']);
    expect(await store.getHook('servers')).toBeUndefined();
    expect((await store.getHook(chat.value.hook.id))!.source).toBe('chat');
    // A setting left out goes back to its default; a new service makes the hook again.
    const reset = (await plan(edited.replace(/ {4}quiet_hours: .*\n/, '').replace('name: ci\n    service: ci', 'name: ci\n    service: custom'))).planned;
    expect(reset.map((x) => `${x.action} ${x.id}${x.action === 'change' ? `: ${x.changes.join(', ')}` : ''}`))
      .toEqual(['change api-github: quiet_hours', 'change payments: secret', 'replace ci']); // the secret is the old one again
  });

  it('reports every problem with its file:line, in file order, and plans nothing', async () => {
    const text = `defaults:
  channel: "100000000000000002"
  colour: red
hooks:
  - name: api-github
    service: github
    secret: hunter2hunter2
    events: [push, deploys]
  - name: Bad Name
    service: custom
    secret_env: NOT_SET_ANYWHERE
  - name: ci
    service: ci
    secret_env: GITHUB_WEBHOOK_SECRET
    filters: { colour: red, "payload.x": { regex: "(a" } }
    quiet_hours: { from: "22:00", to: "25:00", tz: Mars/Olympus }
`;
    const p = await plan(text);
    expect(p.ok).toBe(false);
    expect(p.planned).toEqual([]);
    // Shape errors come first (the rest is checked once the file has the right shape).
    expect(p.problems).toEqual([
      expect.stringMatching(/^hookbot\.yaml:3: defaults\.colour: unknown key "colour"; valid keys: service, channel, /),
      'hookbot.yaml:7: hooks[0].secret: secrets are never written in the file: put the secret in an environment variable and name it with secret_env (e.g. secret_env: GITHUB_WEBHOOK_SECRET)',
      expect.stringMatching(/^hookbot\.yaml:9: hooks\[1\]\.name: a name is 1 to 63 lower-case letters/),
      'hookbot.yaml:16: hooks[2].quiet_hours.to: to is a local time from 00:00 to 23:59, like "22:00"',
      'hookbot.yaml:16: hooks[2].quiet_hours.tz: "Mars/Olympus" is not a time zone: use an IANA name like Europe/Berlin, America/New_York or UTC',
    ]);
    const fixed = text.replace('  colour: red\n', '').replace('    secret: hunter2hunter2\n', '').replace('Bad Name', 'bad').replace('"25:00", tz: Mars/Olympus', '"07:00"');
    expect((await plan(fixed)).problems).toEqual([
      'hookbot.yaml:4: hooks[0]: secret_env is required: a github hook needs its secret (name the environment variable that holds it)',
      expect.stringMatching(/^hookbot\.yaml:6: hooks\[0\]\.events\[1\]: unknown GitHub event "deploys"; valid: push, pr, /),
      'hookbot.yaml:9: hooks[1].secret_env: NOT_SET_ANYWHERE is not set in hookbot\'s environment (or is empty)',
      expect.stringMatching(/^hookbot\.yaml:13: hooks\[2\]\.filters\.colour: "colour" is not a ci field/),
      expect.stringMatching(/^hookbot\.yaml:13: hooks\[2\]\.filters\.payload\.x\.regex: "\(a" is not a regular expression hookbot runs/),
    ]);
    expect(await store.allHooks()).toEqual([]);
  });

  it('asks Discord which server a channel is in: an unknown channel is a problem on its line, no answer is not', async () => {
    const text = 'hooks:\n  - name: a\n    service: docker\n    channel: "100000000000000002"\n  - name: b\n    service: docker\n    channel: "100000000000000009"\n';
    deps.channelGuild = async (id) => (id === '100000000000000002' ? { ok: true, guildId: '100000000000000001' }
      : { ok: false, reason: 'unknown', message: `the bot cannot see channel ${id}` });
    expect((await plan(text)).problems).toEqual(['hookbot.yaml:7: hooks[1].channel: the bot cannot see channel 100000000000000009']);
    deps.channelGuild = async () => ({ ok: false, reason: 'unreachable', message: 'no answer' });
    await apply(text);
    expect((await store.getHook('b'))!.guildId).toBe(''); // works; listed in its server once Discord answers
    deps.channelGuild = async () => ({ ok: true, guildId: '100000000000000001' });
    expect((await plan(text)).planned.map((x) => `${x.action} ${x.id}${x.action === 'change' ? `: ${x.changes.join(', ')}` : ''}`))
      .toEqual(['change a: guild', 'change b: guild']);
  });

  it('points at YAML syntax errors, a missing hooks list, duplicate names, a default that is wrong, and a name taken in chat', async () => {
    expect((await plan('hooks:\n  - name: a\n    service: "docker\n')).problems).toEqual(['hookbot.yaml:4: YAML: Missing closing "quote']);
    expect((await plan('hooks:\n  - name: a\n    name: b\n')).problems).toEqual(['hookbot.yaml:3: YAML: Map keys must be unique']);
    expect((await plan('defaults: {}\n')).problems).toEqual(['hookbot.yaml:1: hooks: hooks is required: a list of hooks (hooks: [] removes every hook this file made)']);
    const dup = 'hooks:\n  - { name: a, service: docker, channel: "100000000000000002" }\n  - { name: a, service: docker, channel: "100000000000000002" }\n';
    expect((await plan(dup)).problems).toEqual(['hookbot.yaml:3: hooks[1].name: another hook above is named a: names are ids and must differ']);
    const badDefault = 'defaults:\n  channel: "100000000000000002"\n  events: [nope]\nhooks:\n  - { name: a, service: docker }\n';
    expect((await plan(badDefault)).problems).toEqual([expect.stringMatching(/^hookbot\.yaml:3: defaults\.events: unknown Docker event "nope"/)]);
    await store.createHook({
      id: 'taken', guildId: '1', channelId: '100000000000000002', userId: '1', service: 'docker', secret: '', events: ['die'],
      filters: {}, templates: {}, createdAt: '2026-01-01T00:00:00Z', source: 'chat',
    });
    const taken = 'hooks:\n  - name: taken\n    service: docker\n    channel: "100000000000000002"\n';
    expect((await plan(taken)).problems).toEqual(['hookbot.yaml:2: hooks[0].name: the name taken is taken by a hook made in chat: give this one another name']);
    expect((await plan('hooks: []\n')).planned).toEqual([]); // the chat hook is not the file's to remove
  });
});
