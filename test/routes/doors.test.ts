import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { HooksFileError } from '../../src/hooks-file/loader.js';
import { ADMIN_TOKEN, startApi } from '../api/helpers.js';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { startHookbot } from '../helpers/start-hookbot.js';

const UNKNOWN_CHANNEL = '100000000000000777';
const STRIPE_SECRET = 'whsec_routes0123456789abcdef';
const stripe = new Stripe('sk_test_unused');

type Api = Awaited<ReturnType<typeof startApi>>;
let api: Api | undefined;
afterEach(async () => {
  await api?.stop();
  api = undefined;
});

const titles = (a: Api, channelId: string) => a.discord.channelMessages(channelId).flatMap((m) => (m.body.embeds ?? []).map((e: any) => e.title as string));
const contents = (a: Api, channelId: string) => a.discord.channelMessages(channelId).map((m) => m.body.content as string | undefined).filter(Boolean);
const say = async (a: Api, content: string) => {
  const id = a.discord.userSays(IDS.admin, content);
  const m = await a.discord.waitFor(() => a.discord.repliesTo(id)[0]);
  return String(m.body.content);
};
const sendStripe = async (a: Api, hookId: string, type: string, n: number, status = 202) => {
  const payload = JSON.stringify({ id: `evt_${n}`, object: 'event', type, livemode: false, created: 1_700_000_000 + n, data: { object: { id: `pi_${n}`, object: 'payment_intent', amount: 1000 * n, currency: 'usd' } } });
  const res = await fetch(`${a.base}/webhook/custom/${hookId}`, {
    method: 'POST', body: payload, headers: { 'content-type': 'application/json', 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET }) },
  });
  expect(res.status).toBe(status);
};

describe('routes end to end', () => {
  it('a Stripe hook with two routes posts each event once, in its route\'s channel', async () => {
    api = await startApi();
    const created = await api.call('POST', '/hooks', {
      service: 'custom', channel_id: IDS.channel, verify: 'stripe', secret: STRIPE_SECRET, unrouted: 'drop',
      routes: [
        { match: { event: ['payment_intent.payment_failed', 'charge.failed'] }, channel: IDS.otherChannel, template: '🚨 {{event}} {{amount}}' },
        { match: { event: 'payment_intent.succeeded' }, channel: IDS.channel },
      ],
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await sendStripe(api, id, 'payment_intent.payment_failed', 1);
    await sendStripe(api, id, 'payment_intent.succeeded', 2);
    await sendStripe(api, id, 'customer.created', 3); // no route: dropped
    await sendStripe(api, id, 'payment_intent.payment_failed', 1, 200); // the same delivery again: stored once
    await api.bot.drain();
    expect(contents(api, IDS.otherChannel)).toEqual(['🚨 payment_intent.payment_failed 10.00 USD']);
    expect(titles(api, IDS.channel)).toEqual(['💳 payment_intent.succeeded — 20.00 USD']);
    const log = await api.call('GET', `/deliveries?hook=${id}`);
    const reasons = Object.fromEntries(log.body.data.map((d: any) => [d.event, `${d.outcome}: ${d.reason}`]));
    expect(reasons).toMatchObject({
      'payment_intent.payment_failed': expect.stringContaining(`posted: posted via route 1 (event=payment_intent.payment_failed,charge.failed) → <#${IDS.otherChannel}>`),
      'customer.created': 'filtered: no route matched and this hook drops unrouted events (2 routes)',
    });
  });
});

describe('routes through the HTTP API', () => {
  it('are set with POST and PATCH, shown by GET and in the OpenAPI document, and a route to a channel the bot cannot see is refused', async () => {
    api = await startApi();
    const route = { match: { event: 'release', tag: 'v*' }, channel: IDS.otherChannel, continue: true };
    const created = await api.call('POST', '/hooks', { service: 'github', channel_id: IDS.channel, routes: [route] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ routes: [route], unrouted: 'channel' });
    const id = created.body.id as string;

    const refused = await api.call('PATCH', `/hooks/${id}`, { routes: [route, { match: { event: 'push' }, channel: UNKNOWN_CHANNEL }] });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(JSON.stringify(refused.body)).toContain(`routes[1].channel: that route is refused: the bot cannot see channel ${UNKNOWN_CHANNEL} (Discord answered 404)`);
    expect((await api.call('GET', `/hooks/${id}`)).body.routes).toEqual([route]); // nothing changed

    const badShape = await api.call('PATCH', `/hooks/${id}`, { routes: [{ match: { event: 'push' } }] });
    expect(badShape.status).toBe(422);
    expect(JSON.stringify(badShape.body)).toContain('routes[0].channel');

    const patched = await api.call('PATCH', `/hooks/${id}`, { routes: [], unrouted: 'drop' });
    expect(patched.status).toBe(200);
    expect((await api.call('GET', `/hooks/${id}`)).body).toMatchObject({ routes: [], unrouted: 'drop' });

    const doc = (await api.call('GET', '/openapi.json')).body;
    expect(JSON.stringify(doc)).toContain('the first matching route takes the event unless it says continue');
  });
});

describe('routes in chat', () => {
  it('route add, list, remove, a refused route, and explain', async () => {
    api = await startApi();
    const setup = api.discord.userSays(IDS.admin, '!hook custom');
    expect(JSON.stringify((await api.discord.waitFor(() => api!.discord.repliesTo(setup)[0])).body)).toContain('/webhook/custom/hook_001');
    const dm = await api.discord.waitFor(() => api!.discord.dms.find((d) => d.userId === IDS.admin));
    const secret = /```\n(.+)\n```/.exec(dm.body.content)![1];

    expect(await say(api, '!hook hook_001 route list')).toBe(`**hook_001** has no routes: every event goes to <#${IDS.channel}>.`);
    const added = await say(api, `!hook hook_001 route add "event=deploy* env!=staging" <#${IDS.otherChannel}> --template "🚀 {{event}}" --continue`);
    expect(added).toContain(`🔀 Route 1 of **hook_001**: events matching \`event=deploy* env!=staging\` go to <#${IDS.otherChannel}> (and later routes are tried too).`);
    expect(await say(api, `!hook hook_001 route add "event=alert" <#${IDS.channel}>`)).toContain('Route 2 of **hook_001**');
    expect(await say(api, `!hook hook_001 route add "event=x" <#${UNKNOWN_CHANNEL}>`))
      .toBe(`⚠️ routes[2].channel: that route is refused: the bot cannot see channel ${UNKNOWN_CHANNEL} (Discord answered 404): check the id, and that the bot may view that channel\nUsage: \`!hook <ref> route add "event=release" #channel [--template "…"] [--continue] [--ping @role] [--aggregate 5m]  |  route list  |  route remove <n>  |  route unrouted channel|drop\``);
    expect(await say(api, '!hook hook_001 route add "event" #general')).toContain('is not `key=value`');
    const member = api.discord.userSays(IDS.member, '!hook hook_001 route remove 1');
    expect(String((await api.discord.waitFor(() => api!.discord.repliesTo(member)[0])).body.content)).toContain('Manage Webhooks');

    const listed = await say(api, '!hook hook_001 route list');
    expect(listed).toContain(`1. \`event=deploy* env!=staging\` → <#${IDS.otherChannel}> (own template) · continue`);
    expect(listed).toContain(`2. \`event=alert\` → <#${IDS.channel}>`);
    expect(listed).toContain(`Events no route matches go to <#${IDS.channel}>.`);

    const body = JSON.stringify({ event: 'deploy.finished', env: 'prod', message: 'v2 is live' });
    const res = await fetch(`${api.base}/webhook/custom/hook_001`, {
      method: 'POST', body, headers: { 'content-type': 'application/json', 'x-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` },
    });
    expect(res.status).toBe(202);
    await api.bot.drain();
    expect(contents(api, IDS.otherChannel)).toEqual(['🚀 deploy.finished']);
    const explained = await say(api, '!hook hook_001 explain');
    expect(explained).toContain(`🔀 Route: route 1 (\`event=deploy* env!=staging\`) → <#${IDS.otherChannel}>.`);
    expect(explained).toContain(`When it arrived: posted via route 1 (event=deploy* env!=staging) → <#${IDS.otherChannel}>.`);

    expect(await say(api, '!hook hook_001 route remove 1')).toContain('🗑️ Route 1 of **hook_001** removed.');
    expect(await say(api, '!hook hook_001 route unrouted drop')).toContain('Events no route matches are dropped.');
    const after = await say(api, '!hook hook_001 explain');
    expect(after).toContain('🔀 Route: none matched, and **hook_001** drops unrouted events.');
    expect((await api.call('GET', '/hooks/hook_001')).body.routes).toEqual([{ match: { event: 'alert' }, channel: IDS.channel }]);
  });
});

describe('routes in the hooks file', () => {
  let discord: FakeDiscord | undefined;
  let started: Awaited<ReturnType<typeof startHookbot>> | undefined;
  afterEach(async () => {
    await started?.bot.stop();
    await discord?.stop();
    started = undefined;
  });
  const fileWith = (channel: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'hookbot-routes-')), 'hookbot.yaml');
    writeFileSync(file, `hooks:
  - name: payments
    service: custom
    verify: stripe
    secret_env: STRIPE_SECRET
    channel: "${IDS.channel}"
    unrouted: drop
    routes:
      - match: { event: payment_intent.payment_failed }
        channel: "${channel}"
        template: "🚨 {{event}}"
`);
    return file;
  };

  it('are declared under a hook with the same schema', async () => {
    discord = await new FakeDiscord().start();
    started = await startHookbot(discord, { HOOKS_FILE: fileWith(IDS.otherChannel), ADMIN_TOKEN, STRIPE_SECRET });
    const res = await fetch(`${started.base}/api/v1/hooks/payments`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(await res.json()).toMatchObject({
      unrouted: 'drop', routes: [{ match: { event: 'payment_intent.payment_failed' }, channel: IDS.otherChannel, template: '🚨 {{event}}' }],
    });
  });

  it('refuse a route to a channel the bot cannot see', async () => {
    discord = await new FakeDiscord().start();
    const file = fileWith(UNKNOWN_CHANNEL);
    const err = await startHookbot(discord, { HOOKS_FILE: file, ADMIN_TOKEN, STRIPE_SECRET }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HooksFileError);
    expect((err as HooksFileError).problems.join('\n')).toContain(`that route is refused: the bot cannot see channel ${UNKNOWN_CHANNEL}`);
  });
});
