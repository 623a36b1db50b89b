import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hookListSchema, hookSchema, hookWithSecretsSchema } from '../../src/api/schemas.js';
import { createHook } from '../../src/hooks/manage.js';
import { samplePush } from '../../src/samples/github-push.js';
import { IDS } from '../fakes/discord.js';
import { deliverGithub } from '../helpers/sign.js';
import { testStore } from '../helpers/store.js';
import { startApi } from './helpers.js';

describe('HTTP API: hooks', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  beforeEach(async () => { api = await startApi(); });
  afterEach(async () => { await api.stop(); });

  const createGithub = (extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    api.call('POST', '/hooks', { service: 'github', channel_id: IDS.channel, ...extra }, headers);

  it('creates a hook whose secret is shown once, finds its server through Discord, and posts a signed delivery', async () => {
    const r = await createGithub({ events: ['push', 'pr'], filters: { branch: ['main', 'release/*'] }, templates: { push: '📤 {{author}} pushed to {{branch}}' } });
    expect(r.status).toBe(201);
    const hook = hookWithSecretsSchema.parse(r.body);
    expect(r.headers.get('location')).toBe(`/api/v1/hooks/${hook.id}`);
    expect(hook).toMatchObject({
      service: 'github', guild_id: IDS.guild, channel_id: IDS.channel, events: ['push', 'pull_request'], source: 'api', status: 'on',
      filters: { branch: 'main,release/*' }, url: `https://hooks.example.test/webhook/github/${hook.id}`, verify: 'github',
    });
    expect(hook.secret!.length).toBeGreaterThanOrEqual(32);
    expect(api.discord.requests).toContainEqual({ method: 'GET', path: `/channels/${IDS.channel}` });

    // Reading it back never shows the secret.
    const read = await api.call('GET', `/hooks/${hook.id}`);
    expect(hookSchema.strict().parse(read.body)).toMatchObject({ id: hook.id });
    expect(read.text).not.toContain(hook.secret!);
    expect((await api.call('GET', '/hooks')).text).not.toContain(hook.secret!);
    expect(api.lines.join('\n')).not.toContain(hook.secret!);

    const res = await deliverGithub(`${api.base}/webhook/github/${hook.id}`, hook.secret!, 'push', samplePush('acme/api'));
    expect(res.status).toBe(202);
    const posted = await api.discord.waitFor(() => api.discord.channelMessages().find((m) => String(m.body.content ?? '').includes('📤')));
    expect(posted.body.content).toBe('📤 monalisa pushed to main');
  });

  it('refuses settings that are not valid, saying which field and how to fix it, and creates nothing', async () => {
    const r = await api.call('POST', '/hooks', {
      service: 'github', channel_id: '12345', events: ['push', 'deploys'], evnts: ['push'], aggregate: '5 minutes',
    });
    expect(r.status).toBe(422);
    expect(r.body.error).toContain('channel_id');
    expect(r.body.error).toContain('unknown key "evnts"');
    const paths = r.body.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['channel_id', 'aggregate', '']));
    const service = await api.call('POST', '/hooks', { service: 'github', channel_id: IDS.channel, events: ['push', 'deploys'], alert_if: [{ expr: 'pr.nope ==' }] });
    expect(service.status).toBe(422);
    expect(service.body.issues).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: 'events[1]', message: expect.stringContaining('unknown GitHub event "deploys"') }),
      expect.objectContaining({ path: 'alert_if[0].expr' }),
    ]));
    const missing = await api.call('POST', '/hooks', { channel_id: IDS.channel });
    expect(missing.status).toBe(422);
    expect(missing.body.error).toContain('service: is required');
    const unknownChannel = await createGithub({ channel_id: '100000000000000099' });
    expect(unknownChannel.status).toBe(422);
    expect(unknownChannel.body.error).toContain('cannot see channel 100000000000000099');
    const otherGuild = await createGithub({ guild_id: '100000000000000098' });
    expect(otherGuild.status).toBe(422);
    expect(otherGuild.body.error).toContain(`is in server ${IDS.guild}`);
    const forward = await api.call('POST', '/hooks', { service: 'custom', channel_id: IDS.channel, forward: { url: 'http://169.254.169.254/latest' } });
    expect(forward.status).toBe(422);
    expect(forward.body.issues[0]).toMatchObject({ path: 'forward.url', message: expect.stringContaining('link-local') });
    expect(hookListSchema.parse((await api.call('GET', '/hooks')).body).data).toEqual([]);
  });

  it('answers the same Idempotency-Key with the same hook, and refuses the key with another body', async () => {
    const key = crypto.randomUUID();
    const first = await createGithub({}, { 'idempotency-key': key });
    const again = await createGithub({}, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.secret).toBe(first.body.secret);
    const other = await createGithub({ events: ['push'] }, { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect(other.body.error).toContain('Idempotency-Key');
    expect((await api.call('GET', '/hooks')).body.data).toHaveLength(1);
    // A failed creation does not use the key up.
    const bad = await createGithub({ events: ['nope'] }, { 'idempotency-key': 'k2' });
    expect(bad.status).toBe(422);
    expect((await createGithub({}, { 'idempotency-key': 'k2' })).status).toBe(201);
    expect((await api.call('GET', '/hooks')).body.data).toHaveLength(2);
  });

  it('pages through hooks with a cursor, and filters by server', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api.call('POST', '/hooks', { service: 'custom', channel_id: IDS.channel })).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const r = await api.call('GET', `/hooks?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      const list = hookListSchema.parse(r.body);
      expect(list.data.length).toBeLessThanOrEqual(2);
      seen.push(...list.data.map((h) => h.id));
      cursor = list.next_cursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(ids);
    expect(cursor).toBeNull();
    expect((await api.call('GET', `/hooks?guild=${IDS.guild}&limit=10`)).body.data).toHaveLength(5);
    expect((await api.call('GET', '/hooks?guild=100000000000000098')).body).toEqual({ data: [], next_cursor: null });
    expect((await api.call('GET', '/hooks?limit=0')).status).toBe(400);
    const typo = await api.call('GET', '/hooks?gild=1');
    expect(typo.status).toBe(400);
    expect(typo.body.error).toContain('unknown query parameter gild');
    expect((await api.call('GET', '/hooks?cursor=garbage')).status).toBe(400);
  });

  it('changes a hook field by field; an invalid change changes nothing; off answers 404; delete removes it', async () => {
    const { id, secret } = (await createGithub()).body;
    const r = await api.call('PATCH', `/hooks/${id}`, { filters: { branch: 'main', bots: 'include' }, aggregate: { window: '10m', except: 'none' }, alert_if: [{ expr: "pr.status == 'approved'", ping: `<@&${IDS.managersRole}>` }] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ filters: { branch: 'main', bots: 'include' }, aggregate: { window: '10m', except: 'none' }, alert_if: [{ expr: "pr.status == 'approved'" }] });
    expect(r.body.secret).toBeUndefined();
    const bad = await api.call('PATCH', `/hooks/${id}`, { templates: { push: '{{#commits}} never closed' }, filters: {} });
    expect(bad.status).toBe(422);
    expect(bad.body.issues[0]).toMatchObject({ path: 'templates.push', message: expect.stringContaining('does not parse') });
    expect((await api.call('GET', `/hooks/${id}`)).body.filters).toEqual({ branch: 'main', bots: 'include' });
    expect((await api.call('PATCH', `/hooks/${id}`, { service: 'custom' })).status).toBe(422);
    expect((await api.call('PATCH', `/hooks/${id}`, { forward: { url: 'http://127.0.0.1:9/in' } })).body.error).toContain('custom hooks');

    expect((await api.call('PATCH', `/hooks/${id}`, { enabled: false })).body.status).toBe('off');
    const off = await deliverGithub(`${api.base}/webhook/github/${id}`, secret, 'push', samplePush());
    expect(off.status).toBe(404);
    expect((await api.call('PATCH', `/hooks/${id}`, { enabled: true })).body.status).toBe('on');

    expect((await api.call('DELETE', `/hooks/${id}`)).status).toBe(204);
    expect((await api.call('GET', `/hooks/${id}`)).status).toBe(404);
    expect((await api.call('DELETE', `/hooks/${id}`)).status).toBe(404);
    expect((await deliverGithub(`${api.base}/webhook/github/${id}`, secret, 'push', samplePush())).status).toBe(404);
  });

  it('registers a subscriber: a custom hook with a forward, its signing secret shown once', async () => {
    const r = await api.call('POST', '/hooks', {
      service: 'custom', channel_id: IDS.channel, verify: 'stripe', secret: 'whsec_abcdefghijklmnop',
      forward: { url: 'http://127.0.0.1:9/in', events: ['*'], headers: { 'X-Team': 'payments' }, retry: { max_attempts: 5, initial_delay: '1s', backoff_multiplier: 2, max_delay: '5m' } },
    });
    expect(r.status).toBe(201);
    expect(r.body.forward_secret).toMatch(/^whsec_/);
    expect(r.body.secret).toBe('whsec_abcdefghijklmnop');
    expect(r.body.forward).toEqual({
      url: 'http://127.0.0.1:9/in', events: ['*'], headers: { 'X-Team': 'payments' }, state: 'ok',
      retry: { max_attempts: 5, initial_delay: '1s', backoff_multiplier: 2, max_delay: '5m' },
    });
    const read = await api.call('GET', `/hooks/${r.body.id}`);
    expect(read.text).not.toContain(r.body.forward_secret);
    const reserved = await api.call('PATCH', `/hooks/${r.body.id}`, { forward: { url: 'http://127.0.0.1:9/in', headers: { 'Webhook-Signature': 'x' } } });
    expect(reserved.status).toBe(422);
    const scheme = await api.call('PATCH', `/hooks/${r.body.id}`, { verify: 'hmac' });
    expect(scheme.body.secret).toHaveLength(43); // a new scheme gets a new secret, shown in that answer only
    const removed = await api.call('PATCH', `/hooks/${r.body.id}`, { forward: null });
    expect(removed.body.forward).toBeNull();
  });

  it('refuses to change or delete a hook declared in the hooks file, naming the file', async () => {
    const { store, close } = testStore(api.config.DATABASE_PATH);
    const made = await createHook({ store, clock: { now: () => Date.now() }, newSecret: () => 'f'.repeat(43) },
      { service: 'github', channel_id: IDS.channel }, { source: 'file', sourceFile: 'hookbot.yaml', guildId: IDS.guild, userId: IDS.admin });
    close();
    expect(made.ok).toBe(true);
    const id = made.ok ? made.value.hook.id : '';
    const read = await api.call('GET', `/hooks/${id}`);
    expect(read.body).toMatchObject({ source: 'file', source_file: 'hookbot.yaml' });
    for (const [method, body] of [['PATCH', { events: ['push'] }], ['DELETE', undefined]] as const) {
      const r = await api.call(method, `/hooks/${id}`, body);
      expect(r.status).toBe(409);
      expect(r.body.error).toContain('hookbot.yaml');
    }
    expect((await api.call('GET', `/hooks/${id}`)).body.events).toEqual(read.body.events);
    // Testing is not a change: allowed.
    expect((await api.call('POST', `/hooks/${id}/test`)).status).toBe(202);
  });
  it('shows threads, and no URL for hooks that receive nothing over HTTP', async () => {
    const created = hookWithSecretsSchema.parse((await createGithub({ threads: true })).body);
    expect(created.threads).toBe(true);
    expect((await api.call('GET', `/hooks/${created.id}`)).body.threads).toBe(true);
    const docker = await api.call('POST', '/hooks', { service: 'docker', channel_id: IDS.channel });
    expect(docker.status).toBe(201);
    expect(docker.body.url).toBeNull();
    expect(docker.body.threads).toBe(false);
  });
});
