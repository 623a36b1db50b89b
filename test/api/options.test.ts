import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDS } from '../fakes/discord.js';
import { startApi } from './helpers.js';

describe('HTTP API: per-hook options', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.stop();
  });

  it('creates a hook with every option and shows each back in the keys requests use', async () => {
    const options = {
      ip_allowlist: ['3.18.12.63/32', '10.0.0.0/8'],
      rate_limit: { per_minute: 60, burst: 10 },
      quiet_hours: { from: '22:00', to: '07:00', tz: 'Europe/Berlin' },
      filters: { 'payload.data.object.description': { contains: 'subscription' }, 'payload.type': { regex: '^payment_intent\\.' }, livemode: 'true' },
    };
    const r = await api.call('POST', '/hooks', { service: 'custom', channel_id: IDS.channel, ...options });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject(options);
    const read = await api.call('GET', `/hooks/${r.body.id}`);
    expect(read.body).toMatchObject(options);

    const changed = await api.call('PATCH', `/hooks/${r.body.id}`, { quiet_hours: null, ip_allowlist: [], rate_limit: { per_minute: 30 } });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({ quiet_hours: null, ip_allowlist: null, rate_limit: { per_minute: 30 } });
    expect(changed.body.rate_limit).not.toHaveProperty('burst');
  });

  it('refuses wrong options with 422, one issue per field, and changes nothing', async () => {
    const before = (await api.call('GET', '/hooks')).body.data.length;
    const r = await api.call('POST', '/hooks', {
      service: 'custom', channel_id: IDS.channel, ip_allowlist: ['10.0.0.0/40', 'not-an-ip'], rate_limit: { per_minute: 5, burst: -1 },
      quiet_hours: { from: '22:00', to: '22:00' }, filters: { message: { regex: '(?<=x)y' } },
    });
    expect(r.status).toBe(422);
    expect(r.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['ip_allowlist[0]', 'ip_allowlist[1]', 'quiet_hours', 'rate_limit.burst']);
    const regex = await api.call('POST', '/hooks', { service: 'custom', channel_id: IDS.channel, filters: { message: { regex: '(?<=x)y' } } });
    expect(regex.status).toBe(422);
    expect(regex.body.issues).toEqual([{ path: 'filters.message.regex', message: expect.stringContaining('RE2 syntax') }]);
    const github = await api.call('POST', '/hooks', { service: 'github', channel_id: IDS.channel, rate_limit: { per_minute: 5 } });
    expect(github.body.issues).toEqual([{ path: 'rate_limit', message: expect.stringContaining('GitHub and CI senders do not retry a 429') }]);
    expect((await api.call('GET', '/hooks')).body.data.length).toBe(before);
  });

  it('describes the options in the OpenAPI document, from the same schemas', async () => {
    const doc = (await api.call('GET', '/openapi.json')).body;
    const create = doc.components.schemas.HookCreate.properties;
    expect(Object.keys(create)).toEqual(expect.arrayContaining(['ip_allowlist', 'quiet_hours', 'rate_limit', 'filters', 'forward']));
    expect(Object.keys(create.rate_limit.properties)).toEqual(['per_minute', 'burst']);
    expect(JSON.stringify(create.filters)).toContain('"regex"');
    expect(JSON.stringify(create.filters)).toContain('"contains"');
    expect(JSON.stringify(create.quiet_hours)).toContain('"tz"');
  });
});
