import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runChatCommand, type CommandContext } from '../../commands/index.js';
import { loadConfig } from '../../src/config.js';
import { retryDelayMs } from '../../src/forward/forwarder.js';
import { createRateLimiter } from '../../src/http/rate-limit.js';
import { createHook, updateHook, type ManageDeps, type Origin } from '../../src/hooks/manage.js';
import { filterSettings } from '../../src/hooks/settings.js';
import { cidrProblem, inAllowlist } from '../../src/lib/cidr.js';
import { quietSeconds, quietUntil } from '../../src/lib/quiet-hours.js';
import { decide } from '../../src/rules/decide.js';
import { matchStored, parseFilterTerm, regexProblem } from '../../src/rules/filters.js';
import type { Store } from '../../src/store/store.js';
import type { NormalizedEvent } from '../../src/types.js';
import { testStore } from '../helpers/store.js';

const CHANNEL = '100000000000000002';
const chat: Origin = { source: 'chat', guildId: '100000000000000001', userId: '100000000000000011' };

describe('ip_allowlist ranges', () => {
  it('matches IPv4 and IPv6 ranges and single addresses; an IPv4 address seen as IPv6 counts as IPv4', () => {
    const list = ['10.0.0.0/8', '3.18.12.63', '2001:db8::/32'];
    expect(inAllowlist(list, '10.200.1.2')).toBe(true);
    expect(inAllowlist(list, '::ffff:10.200.1.2')).toBe(true);
    expect(inAllowlist(list, '3.18.12.63')).toBe(true);
    expect(inAllowlist(list, '3.18.12.64')).toBe(false);
    expect(inAllowlist(list, '2001:db8:1::5')).toBe(true);
    expect(inAllowlist(list, '2001:db9::1')).toBe(false);
    expect(inAllowlist(list, '127.0.0.1')).toBe(false);
    expect(inAllowlist(list, undefined)).toBe(false);
    expect(inAllowlist(['0.0.0.0/0'], '203.0.113.9')).toBe(true);
  });

  it('says what is wrong with an entry', () => {
    expect(cidrProblem('10.0.0.0/8')).toBeNull();
    expect(cidrProblem('10.0.0.0/33')).toMatch(/0 to 32/);
    expect(cidrProblem('fe80::/129')).toMatch(/0 to 128/);
    expect(cidrProblem('example.com')).toMatch(/not an address or range/);
    expect(cidrProblem('10.0.0.0/8/8')).toMatch(/not an address or range/);
  });
});

describe('TRUST_PROXY', () => {
  it('is off by default, and takes true, a number of hops, or the proxies\' addresses', () => {
    const trust = (v?: string) => {
      const r = loadConfig({ DISCORD_TOKEN: 't', ...(v === undefined ? {} : { TRUST_PROXY: v }) });
      return r.ok ? r.config.TRUST_PROXY : r.errors;
    };
    expect([trust(), trust(''), trust('false'), trust('true'), trust('2'), trust('loopback, 10.0.0.0/8')]).toEqual([false, false, false, true, 2, 'loopback, 10.0.0.0/8']);
    expect(trust('yes please')).toEqual([expect.stringMatching(/^TRUST_PROXY: must be false, true, a number of proxies/)]);
  });
});

describe('quiet hours', () => {
  const berlin = { from: '22:00', to: '07:00', tz: 'Europe/Berlin' };
  it('knows when a window that spans midnight ends, in the zone\'s local time', () => {
    // 23:30 in Berlin (CET, UTC+1) → quiet until 07:00 Berlin = 06:00 UTC the next day.
    expect(new Date(quietUntil(berlin, Date.parse('2026-01-15T22:30:00Z'))!).toISOString()).toBe('2026-01-16T06:00:00.000Z');
    // 05:00 Berlin → the same morning's 07:00.
    expect(new Date(quietUntil(berlin, Date.parse('2026-01-16T04:00:00Z'))!).toISOString()).toBe('2026-01-16T06:00:00.000Z');
    // 12:00 Berlin: not quiet.
    expect(quietUntil(berlin, Date.parse('2026-01-16T11:00:00Z'))).toBeUndefined();
    // Exactly at the end: not quiet any more; exactly at the start: quiet.
    expect(quietUntil(berlin, Date.parse('2026-01-16T06:00:00Z'))).toBeUndefined();
    expect(quietUntil(berlin, Date.parse('2026-01-15T21:00:00Z'))).toBe(Date.parse('2026-01-16T06:00:00Z'));
    expect(quietSeconds(berlin)).toBe(9 * 3600);
  });

  it('follows daylight saving time: in summer Berlin is UTC+2', () => {
    expect(new Date(quietUntil(berlin, Date.parse('2026-07-01T21:00:00Z'))!).toISOString()).toBe('2026-07-02T05:00:00.000Z');
    // The night the clocks go forward (29 March 2026, 02:00 → 03:00): 07:00 is then UTC+2.
    expect(new Date(quietUntil(berlin, Date.parse('2026-03-28T22:00:00Z'))!).toISOString()).toBe('2026-03-29T05:00:00.000Z');
  });

  it('handles a window within one day, in UTC', () => {
    const lunch = { from: '12:00', to: '13:30', tz: 'UTC' };
    expect(quietUntil(lunch, Date.parse('2026-01-01T12:10:00Z'))).toBe(Date.parse('2026-01-01T13:30:00Z'));
    expect(quietUntil(lunch, Date.parse('2026-01-01T13:31:00Z'))).toBeUndefined();
    expect(quietUntil(null, Date.parse('2026-01-01T12:10:00Z'))).toBeUndefined();
  });
});

describe('rate limit with burst', () => {
  it('lets a burst through at once, then the per-minute rate, and says how long to wait', () => {
    let now = 0;
    const limiter = createRateLimiter(() => now);
    expect([1, 2, 3].map(() => limiter.take('h', 60, 3))).toEqual([0, 0, 0]);
    expect(limiter.take('h', 60, 3)).toBe(1); // one token a second at 60/min
    now += 1000;
    expect(limiter.take('h', 60, 3)).toBe(0);
    expect(limiter.take('h', 60, 3)).toBe(1);
    expect(limiter.take('slow', 1, 1)).toBe(0);
    expect(limiter.take('slow', 1, 1)).toBe(60);
  });
});

describe('forward retry policy', () => {
  it('backs off as stated: initial × multiplier^(n-1), at most max_delay, max_attempts tries in all', () => {
    const policy = { maxAttempts: 5, initialDelayMs: 1000, backoffMultiplier: 2, maxDelayMs: 5000 };
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(policy, n, Math.random))).toEqual([1000, 2000, 4000, 5000, undefined]);
    expect(retryDelayMs({ ...policy, maxAttempts: 1 }, 1, Math.random)).toBeUndefined();
    // Without a policy: the built-in schedule (5 s after the first failure, ±10 %).
    expect(retryDelayMs(null, 1, () => 0.5)).toBe(5000);
    expect(retryDelayMs(null, 8, () => 0.5)).toBeUndefined();
  });
});

describe('content filters', () => {
  const push = (message: string): NormalizedEvent => ({
    source: 'github', kind: 'github.push', event: 'push', title: 'push', status: 'info', fields: {}, occurredAt: '2026-01-01T00:00:00Z',
  } as unknown as NormalizedEvent);
  const payload = (message: string) => ({ head_commit: { message }, commits: [{ message }] });

  it('matches a regex or a contained text at a path of the payload', () => {
    const hook = { events: ['push'], filters: { 'payload.commits[0].message': '~=^fix(\\(.+\\))?:' } };
    expect(decide(hook, push(''), { payload: payload('fix(api): null check') }).keep).toBe(true);
    const dropped = decide(hook, push(''), { payload: payload('feat: new thing') });
    expect(dropped).toEqual({ keep: false, reason: 'filter `payload.commits[0].message~=^fix(\\(.+\\))?:` does not match (payload.commits[0].message is feat: new thing)' });
    const contains = { events: ['push'], filters: { 'payload.head_commit.message': '*=HOTFIX' } };
    expect(decide(contains, push(''), { payload: payload('a hotfix for prod') }).keep).toBe(true);
    expect(decide(contains, push(''), { payload: { head_commit: null } }).keep).toBe(false);
  });

  it('runs a catastrophic pattern on a long input in linear time (RE2), so it returns', () => {
    const subject = `${'a'.repeat(200_000)}!`;
    const event = { ...push(''), fields: { text: subject } } as unknown as NormalizedEvent;
    expect(matchStored(event, 'text', '~=(a+)+$')).toBe(false);
    expect(matchStored(event, 'payload.text', '~=(a+)+$', { text: subject })).toBe(false);
    expect(matchStored(event, 'text', '=*a*a*a*a*a*a*a*a*a*a*b')).toBe(false); // globs too
    expect(matchStored(event, 'text', '~=a+!$')).toBe(true);
  });

  it('refuses patterns RE2 cannot run, saying why', () => {
    expect(regexProblem('(a)\\1')).toMatch(/RE2 syntax; no backreferences or lookarounds/);
    expect(regexProblem('(?=x)')).toMatch(/not a regular expression/);
    expect(regexProblem('^fix')).toBeNull();
    expect(parseFilterTerm('payload.commits[0].Message~=^Fix')).toEqual({ key: 'payload.commits[0].Message', op: '~=', value: '^Fix' });
    expect(parseFilterTerm('title*=deploy')).toEqual({ key: 'title', op: '*=', value: 'deploy' });
  });
});

describe('per-hook options through hook management', () => {
  let store: Store;
  let close: () => void;
  let deps: ManageDeps;
  beforeEach(() => {
    ({ store, close } = testStore());
    deps = { store, clock: { now: () => Date.parse('2026-01-01T00:00:00Z') }, newSecret: () => 's'.repeat(43) };
  });
  afterEach(() => close());

  it('stores the options in the hook row and writes them back as they were given', async () => {
    const r = await createHook(deps, {
      service: 'custom', channel_id: CHANNEL, ip_allowlist: ['10.0.0.0/8', '10.0.0.0/8', '::1'], rate_limit: { per_minute: 30, burst: 5 },
      quiet_hours: { from: '22:00', to: '07:00', tz: 'Europe/Berlin' },
      filters: { 'payload.data.type': { regex: '^charge\\.' }, title: { contains: 'refund' }, severity: 'high' },
    }, chat);
    if (!r.ok) throw new Error(r.problem.message);
    expect(r.value.hook).toMatchObject({
      ipAllowlist: ['10.0.0.0/8', '::1'], rateLimit: 30, rateBurst: 5, quietHours: { from: '22:00', to: '07:00', tz: 'Europe/Berlin' },
      filters: { 'payload.data.type': '~=^charge\\.', title: '*=refund', severity: '=high' },
    });
    expect(filterSettings(r.value.hook.filters)).toEqual({ 'payload.data.type': { regex: '^charge\\.' }, title: { contains: 'refund' }, severity: 'high' });
    const off = await updateHook(deps, r.value.hook, { ip_allowlist: [], quiet_hours: null }, 'api');
    expect(off.ok && off.value.hook).toMatchObject({ ipAllowlist: null, quietHours: null });
    const utc = await updateHook(deps, r.value.hook, { quiet_hours: { from: '01:00', to: '02:00' } }, 'api');
    expect(utc.ok && utc.value.hook.quietHours).toEqual({ from: '01:00', to: '02:00', tz: 'UTC' });
  });

  it('takes content filters in chat too: key~=regex and key*=text, on payload paths', async () => {
    await createHook(deps, { service: 'github', channel_id: CHANNEL }, chat);
    const ctx: CommandContext = {
      guildId: chat.guildId, channelId: CHANNEL, userId: 'u', canManage: true, prefix: '!hook', publicUrl: () => 'https://x',
      store, clock: deps.clock, kick: () => {}, newSecret: deps.newSecret, dockerStatus: () => 'down',
    };
    const r = await runChatCommand('!hook github filter payload.head_commit.message~=^fix branch=main', ctx);
    expect(r!.reply.content).toContain('`payload.head_commit.message~=^fix` `branch=main`');
    expect((await store.getHook('hook_001'))!.filters).toEqual({ 'payload.head_commit.message': '~=^fix', branch: '=main' });
    expect((await runChatCommand('!hook github filter payload.x~=(a', ctx))!.reply.content).toContain('not a regular expression hookbot runs');
    await runChatCommand('!hook github filter payload.pusher.name*=bot', ctx);
    expect((await store.getHook('hook_001'))!.filters['payload.pusher.name']).toBe('*=bot');
  });

  it('reports each wrong option with its path and changes nothing', async () => {
    const r = await createHook(deps, {
      service: 'github', channel_id: CHANNEL, ip_allowlist: ['10.0.0.0/99'], rate_limit: { per_minute: 10, burst: 0 },
      quiet_hours: { from: '7:00', to: '07:00', tz: 'Nowhere/City' }, filters: { 'payload.commits[0].message': { regex: '(?<=x)y' } },
    }, chat);
    expect(r.ok).toBe(false);
    if (r.ok || r.problem.kind !== 'invalid') return;
    expect(r.problem.issues.map((i) => i.path.join('.')).sort()).toEqual(['ip_allowlist.0', 'quiet_hours.from', 'quiet_hours.tz', 'rate_limit.burst']);
    const again = await createHook(deps, { service: 'github', channel_id: CHANNEL, rate_limit: { per_minute: 10 }, filters: { 'payload.x': { regex: '(?<=x)y' } } }, chat);
    expect(again.ok ? [] : again.problem.message).toMatch(/filters\.payload\.x\.regex: .*RE2 syntax.*; rate_limit: rate_limit applies to custom hooks only/);
    expect(await store.allHooks()).toEqual([]);
  });
});
