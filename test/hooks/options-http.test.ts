import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { samplePush } from '../../src/samples/github-push.js';
import { ADMIN_TOKEN, startApi } from '../api/helpers.js';
import { IDS } from '../fakes/discord.js';
import { deliverGithub } from '../helpers/sign.js';

/** A signed delivery to a custom hook (`hmac`: X-Signature-256 over the raw body). */
function deliverCustom(base: string, id: string, secret: string, payload: unknown, headers: Record<string, string> = {}) {
  const body = JSON.stringify(payload);
  return fetch(`${base}/webhook/custom/${id}`, {
    method: 'POST', body,
    headers: { 'content-type': 'application/json', 'x-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`, ...headers },
  });
}

/** A loopback receiver that answers each forward with the next status of `plan` (then 200), recording when. */
async function receiver(plan: number[]) {
  const requests: { at: number; headers: Record<string, string>; raw: string }[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      requests.push({ at: performance.now(), headers: req.headers as Record<string, string>, raw });
      res.writeHead(plan.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/in`, requests,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

describe('per-hook options with real signed deliveries over HTTP', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
    await api?.stop();
  });

  const create = async (body: Record<string, unknown>) => {
    const r = await api.call('POST', '/hooks', { channel_id: IDS.channel, ...body });
    expect(r.status, r.text).toBe(201);
    return r.body as { id: string; secret: string; forward_secret?: string } & Record<string, unknown>;
  };
  const deliveries = async (hook: string) => (await api.call('GET', `/deliveries?hook=${hook}`)).body.data as Record<string, any>[];

  it('ip_allowlist: other senders get 403, nothing is stored, and the refusal is recorded with the address', async () => {
    api = await startApi({ ADMIN_TOKEN });
    const hook = await create({ service: 'custom', ip_allowlist: ['10.0.0.0/8', '2001:db8::/32'] });
    expect(hook.ip_allowlist).toEqual(['10.0.0.0/8', '2001:db8::/32']);
    const refused = await deliverCustom(api.base, hook.id, hook.secret, { event: 'deploy' }, { 'x-forwarded-for': '10.1.2.3' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: 'deliveries from 127.0.0.1 are not accepted by this hook (its ip_allowlist)' });
    await api.bot.drain();
    const [row] = await api.discord.waitFor(async () => { const d = await deliveries(hook.id); return d.length ? d : undefined; });
    expect(row).toMatchObject({ outcome: 'rejected', status: 403, reason: 'sender 127.0.0.1 is not in the ip_allowlist', source_ip: '127.0.0.1' });
    expect((await api.call('PATCH', `/hooks/${hook.id}`, { ip_allowlist: ['127.0.0.0/8'] })).status).toBe(200);
    expect((await deliverCustom(api.base, hook.id, hook.secret, { event: 'deploy' })).status).toBe(202);
  });

  it('ip_allowlist believes X-Forwarded-For only from the proxies TRUST_PROXY names', async () => {
    api = await startApi({ ADMIN_TOKEN, TRUST_PROXY: 'loopback' });
    const hook = await create({ service: 'custom', ip_allowlist: ['10.0.0.0/8'] });
    expect((await deliverCustom(api.base, hook.id, hook.secret, { event: 'a' }, { 'x-forwarded-for': '10.1.2.3' })).status).toBe(202);
    const outside = await deliverCustom(api.base, hook.id, hook.secret, { event: 'b' }, { 'x-forwarded-for': '192.0.2.7' });
    expect(outside.status).toBe(403);
    expect((await outside.json()).error).toContain('192.0.2.7');
  });

  it('rate_limit: a burst, then 429 with Retry-After; the refused delivery is not stored', async () => {
    api = await startApi({ ADMIN_TOKEN });
    const hook = await create({ service: 'custom', rate_limit: { per_minute: 1, burst: 2 } });
    expect(hook.rate_limit).toEqual({ per_minute: 1, burst: 2 });
    const statuses = [];
    for (const n of [1, 2, 3]) statuses.push(await deliverCustom(api.base, hook.id, hook.secret, { event: `e${n}` }));
    expect(statuses.map((r) => r.status)).toEqual([202, 202, 429]);
    expect(Number(statuses[2].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await statuses[2].json()).error).toMatch(/^over this hook's limit of 1 deliveries per minute: retry after \d+ s$/);
    await api.bot.drain();
    const rows = await api.discord.waitFor(async () => { const d = await deliveries(hook.id); return d.length === 3 ? d : undefined; });
    expect(rows.map((r) => r.outcome).sort()).toEqual(['posted', 'posted', 'rejected']);
  });

  it('forward headers and retry policy: sent with each try, retried on the policy\'s schedule, the last failure told', async () => {
    api = await startApi({ ADMIN_TOKEN, FORWARD_PRIVATE_ADDRESSES: 'allow' });
    const flaky = await receiver([500, 503]);
    const down = await receiver([500, 500, 500]);
    cleanups.push(flaky.close, down.close);
    const retry = { max_attempts: 3, initial_delay: '200ms', backoff_multiplier: 2, max_delay: '1s' };
    const hook = await create({ service: 'custom', forward: { url: flaky.url, headers: { 'X-Team': 'payments' }, retry } });
    expect((hook.forward as Record<string, unknown>).retry).toEqual(retry);
    expect((await deliverCustom(api.base, hook.id, hook.secret, { event: 'payment', message: 'paid' })).status).toBe(202);
    await api.discord.waitFor(() => flaky.requests.length === 3, 10_000);
    expect(flaky.requests.map((r) => r.headers['x-team'])).toEqual(['payments', 'payments', 'payments']);
    expect(new Set(flaky.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    // The gaps follow the policy: 200 ms, then 400 ms (never sooner).
    expect(flaky.requests[1].at - flaky.requests[0].at).toBeGreaterThanOrEqual(190);
    expect(flaky.requests[2].at - flaky.requests[1].at).toBeGreaterThanOrEqual(390);
    const last = flaky.requests[2];
    expect(() => new Webhook(hook.forward_secret!).verify(last.raw, last.headers)).not.toThrow();

    // Another channel's forward that never succeeds: 2 tries in all, then its channel is told.
    const other = await create({ service: 'custom', channel_id: IDS.otherChannel, forward: { url: down.url, retry: { max_attempts: 2, initial_delay: '100ms' } } });
    expect((await deliverCustom(api.base, other.id, other.secret, { event: 'payment' })).status).toBe(202);
    await api.discord.waitFor(() => api.discord.channelMessages(IDS.otherChannel).find((m) => JSON.stringify(m.body).includes(down.url)), 10_000);
    expect(down.requests).toHaveLength(2);
  });

  it('content filters: a regex on a payload path keeps or drops a push, and a catastrophic pattern returns promptly', async () => {
    api = await startApi({ ADMIN_TOKEN });
    const hook = await create({ service: 'github', events: ['push'], filters: { 'payload.head_commit.message': { regex: '^fix(\\(.+\\))?:' } } });
    expect(hook.filters).toEqual({ 'payload.head_commit.message': { regex: '^fix(\\(.+\\))?:' } });
    const push = (message: string) => {
      const p = samplePush('acme/api');
      p.head_commit!.message = message;
      return p;
    };
    expect((await deliverGithub(`${api.base}/webhook/github/${hook.id}`, hook.secret, 'push', push('fix(api): null check'))).status).toBe(202);
    expect((await deliverGithub(`${api.base}/webhook/github/${hook.id}`, hook.secret, 'push', push('feat: shiny'))).status).toBe(202);
    const evil = await create({ service: 'custom', filters: { 'payload.text': { regex: '(a+)+$' } } });
    expect((await deliverCustom(api.base, evil.id, evil.secret, { event: 'x', text: `${'a'.repeat(100_000)}!` })).status).toBe(202);
    await api.bot.drain();
    const rows = await deliveries(hook.id);
    expect(rows.map((r) => r.outcome)).toEqual(['filtered', 'posted']);
    expect(rows[0].reason).toBe('filter `payload.head_commit.message~=^fix(\\(.+\\))?:` does not match (payload.head_commit.message is feat: shiny)');
    expect((await deliveries(evil.id))[0]).toMatchObject({ outcome: 'filtered' });
    const refused = await api.call('POST', '/hooks', { service: 'custom', channel_id: IDS.channel, filters: { text: { regex: '(a)\\1' } } });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/^invalid hook settings: filters\.text\.regex: "\(a\)\\1" is not a regular expression hookbot runs/);
  });

  it('quiet hours: a delivery in the window is stored and waits for the digest, nothing is posted now', async () => {
    api = await startApi({ ADMIN_TOKEN });
    const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
    const now = Date.now();
    const hook = await create({ service: 'custom', quiet_hours: { from: hhmm(now - 3_600_000), to: hhmm(now + 7_200_000), tz: 'UTC' } });
    expect((await deliverCustom(api.base, hook.id, hook.secret, { event: 'night deploy', message: 'shh' })).status).toBe(202);
    await api.bot.drain();
    const [row] = await deliveries(hook.id);
    expect(row.outcome).toBe('aggregated');
    expect(row.reason).toMatch(/quiet hours, digest at \d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z/);
    expect(api.discord.channelMessages().filter((m) => JSON.stringify(m.body).includes('night deploy'))).toEqual([]);
  });
});
