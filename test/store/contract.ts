import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { githubHook } from '../helpers/store.js';
import { queueContract } from './contract-queues.js';
import { threadContract } from './contract-threads.js';
import { pollContract } from './contract-polls.js';
import { webContract } from './contract-web.js';
import { C, T0, ciRun, delivery, digestItem, type Ctx, type MakeStore, type TestStore } from './fixtures.js';

export type { MakeStore, TestStore } from './fixtures.js';

/**
 * The behaviour every Store backend must have, run against each (test/store/sqlite.test.ts, test/store/pg.test.ts).
 * Only the Store interface is used: what one backend does, the other must do too.
 */
export function storeContract(name: string, make: MakeStore) {
  describe(`Store contract: ${name}`, () => {
    let t: TestStore;
    const ctx = {} as Ctx;
    beforeEach(async () => {
      t = await make();
      ctx.store = t.store;
      ctx.other = t.other;
      await githubHook(t.store);
    });
    afterEach(async () => {
      await t.close();
    });

    hookContract(ctx);
    deliveryContract(ctx);
    queueContract(ctx);
    threadContract(ctx);
    pollContract(ctx);
    webContract(ctx);
  });
}

function hookContract(ctx: Ctx) {
  describe('hooks', () => {
    it('numbers hooks hook_001, hook_002 … and never reuses a deleted id', async () => {
      const { store } = ctx;
      expect((await githubHook(store)).id).toBe('hook_002');
      expect(await store.deleteHook('hook_002')).toBe(true);
      expect(await store.deleteHook('hook_002')).toBe(false);
      expect((await githubHook(store)).id).toBe('hook_003');
    });

    it('never gives two connections the same hook id', async () => {
      const other = await ctx.other();
      try {
        const made = await Promise.all(Array.from({ length: 10 }, (_, i) => githubHook(i % 2 ? other.store : ctx.store)));
        const ids = made.map((h) => h.id).sort();
        expect(new Set(ids).size).toBe(10);
        expect(ids[0]).toBe('hook_002');
        expect(ids[9]).toBe('hook_011');
      } finally {
        await other.close();
      }
    });

    it('fills defaults and keeps JSON columns as written (key order too)', async () => {
      const h = await ctx.store.getHook('hook_001');
      expect(h).toMatchObject({
        id: 'hook_001', service: 'github', verify: 'github', enabled: true, status: 'ok', statusReason: null, lastDeliveryAt: null,
        url: null, forwardSecret: null, forwardEvents: null, forwardState: null, rateLimit: 60, aggregateSeconds: 0,
        aggregateExcept: 'failed', alertRules: [], filters: {}, templates: {}, createdAt: T0,
      });
      const custom = await githubHook(ctx.store, {
        service: 'custom', verify: 'none', url: 'https://example.test/in', filters: { repo: 'api', branch: 'main' },
        templates: { 'github-push': '{{title}} ✓' }, alertRules: [{ expr: "pr.status == 'approved'", ping: '@ops' }],
        forwardEvents: ['*'], forwardState: 'ok', rateLimit: 5, aggregateSeconds: 300, aggregateExcept: 'none',
      });
      const again = (await ctx.store.getHook(custom.id))!;
      expect(again).toEqual(custom);
      expect(Object.keys(again.filters)).toEqual(['repo', 'branch']);
      expect(again.alertRules).toEqual([{ expr: "pr.status == 'approved'", ping: '@ops' }]);
    });

    it('finds hooks by id, by channel and service, by server, by channel, and all', async () => {
      const { store } = ctx;
      await githubHook(store, { service: 'ci', verify: 'ci', createdAt: '2026-01-02T00:00:00.000Z' });
      await githubHook(store, { createdAt: '2026-01-03T00:00:00.000Z' }); // a second github hook in C: the older one is found
      await githubHook(store, { guildId: '100000000000000009', channelId: '100000000000000008' });
      expect(await store.getHook('hook_999')).toBeUndefined();
      expect((await store.findHook(C, 'github'))?.id).toBe('hook_001');
      expect((await store.findHook(C, 'ci'))?.id).toBe('hook_002');
      expect(await store.findHook(C, 'not a service')).toBeUndefined();
      expect((await store.listHooks('100000000000000001')).map((h) => h.id)).toEqual(['hook_001', 'hook_002', 'hook_003']);
      expect((await store.hooksInChannel('100000000000000008')).map((h) => h.id)).toEqual(['hook_004']);
      expect((await store.allHooks()).map((h) => h.id)).toEqual(['hook_001', 'hook_002', 'hook_003', 'hook_004']);
    });

    it('updates a hook, and another connection reads the change at once', async () => {
      const other = await ctx.other();
      try {
        expect((await other.store.getHook('hook_001'))!.enabled).toBe(true); // read (and maybe cached) there first
        const updated = await ctx.store.updateHook('hook_001', { enabled: false, filters: { branch: 'main' }, events: ['push'] });
        expect(updated).toMatchObject({ enabled: false, filters: { branch: 'main' }, events: ['push'] });
        other.store.forgetHook('hook_001'); // what the other process is told when a hook changes
        expect(await other.store.getHook('hook_001')).toMatchObject({ enabled: false, events: ['push'] });
        expect(await ctx.store.updateHook('hook_999', { enabled: false })).toBeUndefined();
      } finally {
        await other.close();
      }
    });

    it('creates a hook with the id it is given (file hooks), next to numbered ones; keeps its options', async () => {
      const { store } = ctx;
      const named = await githubHook(store, {
        id: 'api-github', source: 'file', sourceFile: 'hookbot.yaml', ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'], rateBurst: 5,
        quietHours: { from: '22:00', to: '07:00', tz: 'Europe/Berlin' },
      });
      expect(named).toMatchObject({ id: 'api-github', source: 'file', rateBurst: 5, quietHours: { from: '22:00', to: '07:00', tz: 'Europe/Berlin' } });
      expect(await store.getHook('api-github')).toEqual(named);
      expect((await store.getHook('hook_001'))).toMatchObject({ ipAllowlist: null, rateBurst: null, quietHours: null });
      expect((await githubHook(store)).id).toBe('hook_002'); // a named hook takes no number
      await expect(githubHook(store, { id: 'api-github' })).rejects.toThrow(); // ids are unique
      expect(await store.updateHook('api-github', { ipAllowlist: null, quietHours: null })).toMatchObject({ ipAllowlist: null, quietHours: null });
    });

    it('turns a forward off or failing once (true only for the call that changed it)', async () => {
      const { store } = ctx;
      const h = await githubHook(store, { service: 'custom', url: 'https://example.test/in', forwardState: 'ok' });
      expect(await store.markForwardFailing(h.id)).toBe(true);
      expect(await store.markForwardFailing(h.id)).toBe(false);
      expect((await store.getHook(h.id))!.forwardState).toBe('failing');
      expect(await store.disableForward(h.id)).toBe(true);
      expect(await store.disableForward(h.id)).toBe(false);
      expect((await store.getHook(h.id))!.forwardState).toBe('disabled');
      expect(await store.markForwardFailing(h.id)).toBe(false);
    });

    it('deletes a hook with its events, digest items and CI runs; its pending messages and forwards fail', async () => {
      const { store } = ctx;
      const [e] = await store.storeDeliveries([delivery('d1')]);
      await store.storeDeliveries([delivery('d2')]);
      await store.completeEvents([{
        eventId: e.id, outcome: 'posted', messages: [{ channelId: C, hookId: 'hook_001', body: { content: 'x' } }],
        forwards: [{ hookId: 'hook_001', messageId: 'msg_1', url: 'https://example.test/f', body: '{}' }],
        digest: { hookId: 'hook_001', windowEnd: 10_000, windowSeconds: 60, item: digestItem('a') },
        ci: { hookId: 'hook_001', runKey: 'r1', state: ciRun('r1'), branch: { key: 'gh:p:main', result: 'passed', streak: 1 } },
      }], T0);
      const second = await githubHook(store, { channelId: '100000000000000005' });
      await store.storeDeliveries([delivery('d3', { hookId: second.id })]);

      expect(await store.deleteHook('hook_001')).toBe(true);
      expect(await store.getHook('hook_001')).toBeUndefined();
      expect(await store.latestEvent('hook_001')).toBeUndefined();
      expect((await store.unprocessedEvents(10)).map((r) => r.deliveryId)).toEqual(['d3']);
      expect(await store.eventMessages([e.id])).toMatchObject([{ state: 'failed', lastError: 'hook deleted' }]);
      expect(await store.queueDepth()).toBe(0);
      expect(await store.forwardCounts('hook_001')).toEqual({ pending: 0, failed: 1, sent: 0 });
      expect(await store.dueDigests(Number.MAX_SAFE_INTEGER)).toEqual([]);
      expect(await store.getCiRun('hook_001', 'r1')).toBeUndefined();
      expect(await store.getCiBranch('hook_001', 'gh:p:main')).toBeUndefined();
    });
  });

  describe('meta', () => {
    it('keeps small settings, overwriting by key', async () => {
      const { store } = ctx;
      expect(await store.getMeta('public_url')).toBeUndefined();
      await store.setMeta('public_url', 'https://a.example');
      await store.setMeta('public_url', 'https://b.example');
      expect(await store.getMeta('public_url')).toBe('https://b.example');
    });

    it('answers ping', async () => {
      expect(await ctx.store.ping()).toBe(true);
    });
  });
}

function deliveryContract(ctx: Ctx) {
  describe('deliveries', () => {
    it('stores a delivery id once per hook, without touching the hook\'s last delivery', async () => {
      const { store } = ctx;
      const first = await store.insertEvent(delivery('d1'));
      expect(first).toEqual({ id: expect.any(Number), duplicate: false });
      expect(await store.insertEvent(delivery('d1', { payload: '{"n":2}' }))).toEqual({ id: first.id, duplicate: true });
      const other = await githubHook(store);
      expect((await store.insertEvent(delivery('d1', { hookId: other.id }))).duplicate).toBe(false); // another hook: not a duplicate
      expect((await store.getHook('hook_001'))!.lastDeliveryAt).toBeNull();
      expect((await store.unprocessedEvents(10)).map((e) => e.payload)).toEqual(['{"n":1}', '{"n":1}']);
    });

    it('stores many deliveries in one transaction, reports duplicates, and records each as its hook\'s last delivery', async () => {
      const { store } = ctx;
      const second = await githubHook(store, { channelId: '100000000000000003' });
      await store.getHook(second.id);
      await store.insertEvent(delivery('seen'));
      const other = await ctx.other();
      try {
        const stored = await store.storeDeliveries([
          delivery('a', { receivedAt: '2026-01-02T00:00:00.000Z' }),
          delivery('seen', { receivedAt: '2026-01-03T00:00:00.000Z' }),
          delivery('b', { hookId: second.id, receivedAt: '2026-01-04T00:00:00.000Z' }),
          delivery('a', { receivedAt: '2026-01-05T00:00:00.000Z' }),
        ]);
        expect(stored.map((r) => r.duplicate)).toEqual([false, true, false, true]);
        expect(stored[3].id).toBe(stored[0].id);
        expect(stored[2].id).toBeGreaterThan(stored[0].id);
        expect((await other.store.unprocessedEvents(10)).map((e) => e.deliveryId)).toEqual(['seen', 'a', 'b']);
        expect((await store.getHook('hook_001'))!.lastDeliveryAt).toBe('2026-01-02T00:00:00.000Z');
        expect((await store.getHook(second.id))!.lastDeliveryAt).toBe('2026-01-04T00:00:00.000Z');
        expect((await other.store.getHook(second.id))!.lastDeliveryAt).toBe('2026-01-04T00:00:00.000Z');
        expect(await store.storeDeliveries([])).toEqual([]);
      } finally {
        await other.close();
      }
    });

    it('stores a batch all or nothing', async () => {
      const { store } = ctx;
      const bad = { ...delivery('bad'), get payload(): string { throw new Error('unreadable'); } };
      await expect(store.storeDeliveries([delivery('ok'), bad])).rejects.toThrow('unreadable');
      expect(await store.unprocessedEvents(10)).toEqual([]);
      expect((await store.getHook('hook_001'))!.lastDeliveryAt).toBeNull();
    });

    it('stores the same deliveries from two connections at once exactly once', async () => {
      const other = await ctx.other();
      try {
        const batch = Array.from({ length: 20 }, (_, i) => delivery(`d${i}`));
        const [a, b] = await Promise.all([ctx.store.storeDeliveries(batch), other.store.storeDeliveries([...batch].reverse())]);
        const fresh = [...a, ...b].filter((r) => !r.duplicate);
        expect(fresh).toHaveLength(20);
        expect(a.map((r) => r.id)).toEqual([...b].reverse().map((r) => r.id));
        expect(await ctx.store.unprocessedEvents(100)).toHaveLength(20);
      } finally {
        await other.close();
      }
    });

    it('keeps the request headers, and finds the latest event (real: not a !hook test sample)', async () => {
      const { store } = ctx;
      await store.storeDeliveries([delivery('d1', { headers: { 'x-github-event': 'push', 'user-agent': 'GitHub-Hookshot/1' } })]);
      await store.storeDeliveries([delivery('hookbot-test-1')]);
      expect(await store.latestEvent('hook_001')).toMatchObject({ deliveryId: 'hookbot-test-1', headers: null, processed: false });
      expect(await store.latestEvent('hook_001', { real: true })).toMatchObject({
        deliveryId: 'd1', headers: { 'x-github-event': 'push', 'user-agent': 'GitHub-Hookshot/1' },
      });
      expect(await store.latestEvent('hook_999')).toBeUndefined();
    });

    it('lists unprocessed events oldest first; completing marks them and queues their messages once', async () => {
      const { store } = ctx;
      const stored = await store.storeDeliveries([delivery('d1'), delivery('d2'), delivery('d3')]);
      expect((await store.unprocessedEvents(2)).map((e) => e.deliveryId)).toEqual(['d1', 'd2']);
      const msg = { channelId: C, hookId: 'hook_001', body: { content: 'one' }, line: '[one](u)' };
      await store.completeEvent(stored[0].id, 'posted', [msg], '2026-01-01T00:01:00.000Z');
      await store.completeEvent(stored[0].id, 'posted', [msg], '2026-01-01T00:02:00.000Z'); // again: left alone
      await store.completeEvents([
        { eventId: stored[1].id, outcome: 'filtered:branch', messages: [] },
        { eventId: stored[2].id, outcome: 'posted', messages: [{ channelId: C, body: { content: 'three' } }] },
      ], '2026-01-01T00:03:00.000Z');
      expect(await store.unprocessedEvents(10)).toEqual([]);
      expect(await store.getEvent(stored[0].id)).toMatchObject({ processed: true, processedAt: '2026-01-01T00:01:00.000Z', outcome: 'posted' });
      expect(await store.queueDepth()).toBe(2);
      const due = await store.unpackedInChannel(C, 0, 10);
      expect(due).toMatchObject([
        { eventId: stored[0].id, hookId: 'hook_001', channelId: C, body: { content: 'one' }, line: '[one](u)', state: 'pending', attempts: 0,
          nextAttemptAt: 0, packId: null, packBody: null, messageId: null, editOf: null, lastError: null, createdAt: '2026-01-01T00:01:00.000Z', sentAt: null },
        { eventId: stored[2].id, hookId: null, body: { content: 'three' }, line: null },
      ]);
      expect(await store.countFiltered('hook_001', T0)).toBe(1);
      expect(await store.countFiltered('hook_001', '2026-01-01T00:04:00.000Z')).toBe(0);
    });

    it('completes the same event from two connections at once with its messages queued once', async () => {
      const other = await ctx.other();
      try {
        const [e] = await ctx.store.storeDeliveries([delivery('d1')]);
        const result = { eventId: e.id, outcome: 'posted', messages: [{ channelId: C, body: { content: 'once' } }] };
        await Promise.all([ctx.store.completeEvents([result], T0), other.store.completeEvents([result], T0)]);
        expect(await ctx.store.queueDepth()).toBe(1);
      } finally {
        await other.close();
      }
    });

    it('tells a CI run as a live message and edits of it: the newest untried edit replaces older ones', async () => {
      const { store } = ctx;
      const ev = await store.storeDeliveries(['c1', 'c2', 'c3', 'c4', 'c5'].map((d) => delivery(d)));
      const ci = (status: string) => ({ hookId: 'hook_001', runKey: 'gh:1', state: ciRun('gh:1', status) });
      const live = { channelId: C, body: { content: 'run started' }, ci: 'live' as const };
      const edit = (n: number) => ({ channelId: C, body: { content: `progress ${n}` }, ci: 'edit' as const });
      // An edit before the live message was queued (it was filtered out) is skipped.
      await store.completeEvents([{ eventId: ev[0].id, outcome: 'posted', messages: [edit(0)], ci: ci('running') }], T0);
      expect(await store.queueDepth()).toBe(0);
      await store.completeEvents([{ eventId: ev[1].id, outcome: 'posted', messages: [live], ci: ci('running') }], T0);
      const [liveRow] = await store.unpackedInChannel(C, 0, 10);
      await store.completeEvents([{ eventId: ev[2].id, outcome: 'posted', messages: [edit(1)], ci: ci('running') }], T0);
      const [, firstEdit] = await store.unpackedInChannel(C, 0, 10);
      expect(firstEdit).toMatchObject({ editOf: liveRow.id, body: { content: 'progress 1' } });
      await store.markRetry(firstEdit.id, 1, 0, 'HTTP 500'); // tried once: no longer replaceable
      await store.completeEvents([{ eventId: ev[3].id, outcome: 'posted', messages: [edit(2)], ci: ci('running') }], T0);
      await store.completeEvents([{
        eventId: ev[4].id, outcome: 'posted', messages: [edit(3)],
        ci: { ...ci('success'), branch: { key: 'github:p:main', result: 'passed', streak: 2 } },
      }], '2026-01-01T00:05:00.000Z');
      const rows = await Promise.all([liveRow.id, firstEdit.id, firstEdit.id + 1, firstEdit.id + 2].map((id) => store.getOutbox(id)));
      expect(rows.map((r) => [r?.state, r?.editOf, r?.body.content])).toEqual([
        ['pending', null, 'run started'], ['pending', liveRow.id, 'progress 1'],
        ['superseded', liveRow.id, 'progress 2'], ['pending', liveRow.id, 'progress 3'],
      ]);
      expect(await store.getCiRun('hook_001', 'gh:1')).toMatchObject({ runKey: 'gh:1', status: 'success' });
      expect(await store.getCiBranch('hook_001', 'github:p:main')).toEqual({ result: 'passed', streak: 2 });
      expect(await store.getCiBranch('hook_001', 'github:p:dev')).toBeUndefined();
      expect(await store.getCiRun('hook_001', 'gh:2')).toBeUndefined();
    });
  });
}
