import { describe, expect, it } from 'vitest';
import { parseDelivery } from '../../parsers/index.js';
import { hookPatchSchema } from '../../src/hooks/schema.js';
import { routeSettings } from '../../src/hooks/route-settings.js';
import type { Issue } from '../../src/hooks/settings.js';
import { routedMessages } from '../../src/pipeline/routed.js';
import { routeEvent } from '../../src/rules/routes.js';
import type { Hook } from '../../src/store/store.js';
import type { HookRoute } from '../../src/types.js';

const HOOK_CH = '200000000000000001';
const ALERTS = '200000000000000002';
const SALES = '200000000000000003';
const AUDIT = '200000000000000004';

const stripePayload = (type: string, amount = 2000) => ({
  id: 'evt_1', object: 'event', type, livemode: false, created: 1_700_000_000,
  data: { object: { id: 'pi_1', object: 'payment_intent', amount, currency: 'usd', customer: 'cus_9' } },
});
const stripe = (type: string, amount = 2000) => parseDelivery('custom', 'stripe', stripePayload(type, amount), '2026-01-01T00:00:00.000Z', 'stripe');

const hookWith = (routes: HookRoute[], unrouted: Hook['unrouted'] = 'channel') => ({
  id: 'hook_001', channelId: HOOK_CH, routes, unrouted, templates: {} as Record<string, string>,
}) as unknown as Hook;

describe('routeEvent', () => {
  const routes: HookRoute[] = [
    { match: { event: '=payment_intent.payment_failed' }, channelId: ALERTS },
    { match: { event: '=payment_intent.succeeded,charge.succeeded' }, channelId: SALES },
    { match: { event: '=invoice.*' }, channelId: SALES },
  ];

  it('sends an event to the first route that matches, and no further', () => {
    expect(routeEvent(hookWith([...routes, { match: { event: '=payment_intent.*' }, channelId: AUDIT }]), stripe('payment_intent.payment_failed')))
      .toEqual([{ channelId: ALERTS, routeIndex: 0 }]);
  });

  it('matches lists (any of) and * globs, like filters', () => {
    expect(routeEvent(hookWith(routes), stripe('charge.succeeded'))).toEqual([{ channelId: SALES, routeIndex: 1 }]);
    expect(routeEvent(hookWith(routes), stripe('invoice.paid'))).toEqual([{ channelId: SALES, routeIndex: 2 }]);
  });

  it('ANDs the terms of a route, with != and payload paths', () => {
    const big = hookWith([{ match: { event: '=payment_intent.*', 'payload.data.object.amount': '!=2000' }, channelId: AUDIT }]);
    const at = (amount: number) => routeEvent(big, stripe('payment_intent.succeeded', amount), stripePayload('payment_intent.succeeded', amount));
    expect(at(2000)).toEqual([{ channelId: HOOK_CH, routeIndex: null }]);
    expect(at(99_000)).toEqual([{ channelId: AUDIT, routeIndex: 0 }]);
  });

  it('tries later routes after a route that says continue', () => {
    const withAudit: HookRoute[] = [{ match: { event: '=payment_intent.*' }, channelId: AUDIT, continue: true }, ...routes];
    expect(routeEvent(hookWith(withAudit), stripe('payment_intent.payment_failed')))
      .toEqual([{ channelId: AUDIT, routeIndex: 0 }, { channelId: ALERTS, routeIndex: 1 }]);
    // Only the continuing route matched: the event is routed (not also sent to the hook's channel).
    expect(routeEvent(hookWith(withAudit), stripe('payment_intent.canceled'))).toEqual([{ channelId: AUDIT, routeIndex: 0 }]);
  });

  it('posts to a channel once even when two matching routes name it', () => {
    const twice: HookRoute[] = [{ match: { event: '=charge.*' }, channelId: SALES, continue: true }, { match: { event: '=charge.succeeded' }, channelId: SALES }];
    expect(routeEvent(hookWith(twice), stripe('charge.succeeded'))).toEqual([{ channelId: SALES, routeIndex: 0 }]);
  });

  it('sends events no route matches to the hook\'s channel, or nowhere with unrouted: drop', () => {
    expect(routeEvent(hookWith(routes), stripe('customer.created'))).toEqual([{ channelId: HOOK_CH, routeIndex: null }]);
    expect(routeEvent(hookWith(routes, 'drop'), stripe('customer.created'))).toEqual([]);
    // Without routes, drop means nothing: every event goes to the hook's channel.
    expect(routeEvent(hookWith([], 'drop'), stripe('customer.created'))).toEqual([{ channelId: HOOK_CH, routeIndex: null }]);
  });
});

describe('routed messages', () => {
  it('renders each destination with its route\'s template, else the hook\'s', () => {
    const hook = hookWith([
      { match: { event: '=payment_intent.*' }, channelId: ALERTS, template: '🚨 {{event}} {{amount}}', continue: true },
      { match: { event: '=payment_intent.*' }, channelId: SALES },
    ]);
    hook.templates = { '*': 'hook: {{event}}' };
    const r = routedMessages(hook, stripe('payment_intent.payment_failed'), {});
    expect(r.ok && r.rows.map((m) => [m.channelId, m.body.content])).toEqual([
      [ALERTS, '🚨 payment_intent.payment_failed 20.00 USD'], [SALES, 'hook: payment_intent.payment_failed'],
    ]);
    expect(r.ok && r.outcome).toBe(`posted via route 1 (event=payment_intent.*) → <#${ALERTS}>, route 2 (event=payment_intent.*) → <#${SALES}>`);
    const dropped = routedMessages(hookWith([{ match: { event: '=x' }, channelId: SALES }], 'drop'), stripe('charge.succeeded'), {});
    expect(dropped).toEqual({ ok: false, reason: 'no route matched and this hook drops unrouted events (1 route)' });
  });
});

describe('the routes setting', () => {
  const settle = async (routes: unknown, check?: (ch: string) => Promise<string | null>) => {
    const parsed = hookPatchSchema.safeParse({ routes });
    if (!parsed.success) return { schema: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
    const issues: Issue[] = [];
    const asked: string[] = [];
    const out = await routeSettings({ routeChannel: check && (async (ch) => { asked.push(ch); return check(ch); }) }, 'github', parsed.data,
      { channelId: HOOK_CH, routes: [{ match: { event: '=push' }, channelId: SALES }] }, issues);
    return { out, issues, asked };
  };

  it('stores a route\'s match in the filter grammar\'s stored form', async () => {
    const r = await settle([{ match: { event: 'release', branch: ['main', 'release/*'], status: '!=failure' }, channel: ALERTS, continue: true }]);
    expect(r.out?.routes).toEqual([{ match: { event: '=release', branch: '=main,release/*', status: '!=failure' }, channelId: ALERTS, continue: true }]);
    expect(r.issues).toEqual([]);
  });

  it('refuses what filters refuse, bad templates, and bad shapes — each with its path', async () => {
    const r = await settle([{ match: { colour: 'red', bots: 'include' }, channel: ALERTS, template: '{{#x}}' }]);
    expect(r.issues?.map((i) => i.path.join('.'))).toEqual(['routes.0.match.colour', 'routes.0.match.bots', 'routes.0.template']);
    expect((await settle([{ match: {}, channel: '12' }])).schema).toEqual([
      'routes.0.match: match at least one field, e.g. {"event": "release"}',
      'routes.0.channel: must be a channel id: 17–20 digits (in Discord: right-click → Copy Channel ID)',
    ]);
    expect((await settle([{ match: { event: 'push' }, channel: ALERTS, to: 'x' }])).schema?.[0]).toMatch(/^routes\.0: /);
  });

  it('asks about each new channel once, and refuses one the bot may not post in', async () => {
    const r = await settle([
      { match: { event: 'push' }, channel: SALES }, { match: { event: 'release' }, channel: ALERTS }, { match: { event: 'pr' }, channel: ALERTS },
    ], async (ch) => (ch === ALERTS ? 'the bot may not post there' : null));
    expect(r.asked).toEqual([ALERTS]); // SALES was routed to already
    expect(r.issues).toEqual([
      { path: ['routes', 1, 'channel'], message: 'that route is refused: the bot may not post there' },
      { path: ['routes', 2, 'channel'], message: 'that route is refused: the bot may not post there' },
    ]);
  });
});
