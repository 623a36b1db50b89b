import { describe, expect, it } from 'vitest';
import type { PollConfig } from '../../src/store/repository.js';
import { githubHook } from '../helpers/store.js';
import { T0, delivery, type Ctx } from './fixtures.js';

const feed: PollConfig = { kind: 'feed', url: 'https://example.test/feed.xml', everySeconds: 300, itemsPath: null, idField: null };
const NOW = Date.parse(T0);

/** Poll sources: setting one up, claims (one caller per due row, also across connections), outcomes, seen items. */
export function pollContract(ctx: Ctx) {
  describe('poll sources', () => {
    const pollHook = async () => githubHook(ctx.store, { service: 'poll', verify: 'none', secret: '', events: ['*'] });

    it('sets a source up, keeps its state when set again unchanged, and starts over when it changes', async () => {
      const { store } = ctx;
      const h = await pollHook();
      const s = await store.setPollSource(h.id, feed, NOW, T0);
      expect(s).toMatchObject({ hookId: h.id, ...feed, baselined: false, nextPollAt: NOW, failures: 0, paused: false, etag: null, createdAt: T0 });
      expect(await store.finishPoll(h.id, NOW, { baselined: true, etag: '"v1"', failures: 3, failingSince: NOW, paused: true, nextPollAt: NOW + 1 })).toBe(true);
      await store.recordPollItems(h.id, ['a', 'b'], [], NOW, 0);

      const again = await store.setPollSource(h.id, { ...feed, everySeconds: 60 }, NOW + 5, T0);
      expect(again).toMatchObject({ everySeconds: 60, baselined: true, etag: '"v1"', failures: 0, failingSince: null, paused: false, nextPollAt: NOW + 5 });
      expect((await store.seenPollItems(h.id, ['a', 'b', 'c'])).sort()).toEqual(['a', 'b']);

      const moved = await store.setPollSource(h.id, { ...feed, url: 'https://example.test/other.xml' }, NOW, T0);
      expect(moved).toMatchObject({ url: 'https://example.test/other.xml', baselined: false, etag: null });
      expect(await store.seenPollItems(h.id, ['a', 'b'])).toEqual([]);
      expect((await store.pollSources([h.id])).map((p) => p.hookId)).toEqual([h.id]);
      expect(await store.pollSources([])).toEqual([]);
    });

    it('claims each due source of an enabled hook once, even when two connections ask at the same time', async () => {
      const other = await ctx.other();
      try {
        const hooks = await Promise.all(Array.from({ length: 6 }, () => pollHook()));
        for (const h of hooks) await ctx.store.setPollSource(h.id, feed, NOW, T0);
        await ctx.store.setPollSource(hooks[5].id, feed, NOW + 60_000, T0); // not due yet
        await ctx.store.updateHook(hooks[4].id, { enabled: false });
        const [a, b] = await Promise.all([ctx.store.claimDuePolls(NOW, NOW + 600_000, 10), other.store.claimDuePolls(NOW, NOW + 600_000, 10)]);
        const claimed = [...a, ...b].map((s) => s.hookId).sort();
        expect(claimed).toEqual(hooks.slice(0, 4).map((h) => h.id).sort());
        expect([...a, ...b].every((s) => s.nextPollAt === NOW + 600_000)).toBe(true);
        expect(await ctx.store.claimDuePolls(NOW + 1000, NOW + 700_000, 10)).toEqual([]);
      } finally {
        await other.close();
      }
    });

    it('writes an outcome only while the claim is the caller\'s, and skips paused sources', async () => {
      const { store } = ctx;
      const h = await pollHook();
      await store.setPollSource(h.id, feed, NOW, T0);
      const [claim] = await store.claimDuePolls(NOW, NOW + 600_000, 5);
      expect(await store.finishPoll(h.id, NOW, { lastResult: 'stale' })).toBe(false);
      expect(await store.finishPoll(h.id, claim.nextPollAt, { lastResult: 'failed: x', paused: true, nextPollAt: NOW })).toBe(true);
      expect(await store.claimDuePolls(NOW + 1, NOW + 600_000, 5)).toEqual([]);
      expect(await store.getPollSource(h.id)).toMatchObject({ lastResult: 'failed: x', paused: true });
    });

    it('stores new items once as the hook\'s events, records them seen, and forgets ids not seen since a time', async () => {
      const { store } = ctx;
      const h = await pollHook();
      await store.setPollSource(h.id, feed, NOW, T0);
      const item = (id: string) => delivery(id, { hookId: h.id, eventType: 'item' });
      const first = await store.recordPollItems(h.id, ['x', 'y'], [item('x'), item('y')], NOW, 0);
      expect(first.map((s) => s.duplicate)).toEqual([false, false]);
      const second = await store.recordPollItems(h.id, ['y', 'z'], [item('y')], NOW + 10, NOW + 5);
      expect(second.map((s) => s.duplicate)).toEqual([true]);
      expect((await store.seenPollItems(h.id, ['x', 'y', 'z'])).sort()).toEqual(['y', 'z']); // x was last seen before NOW + 5
      expect((await store.unprocessedEvents(10)).filter((e) => e.hookId === h.id).map((e) => e.deliveryId)).toEqual(['x', 'y']);
      expect((await store.getHook(h.id))?.lastDeliveryAt).toBe(T0);
    });

    it('deletes a hook\'s source and seen items with the hook', async () => {
      const { store } = ctx;
      const h = await pollHook();
      await store.setPollSource(h.id, feed, NOW, T0);
      await store.recordPollItems(h.id, ['a'], [], NOW, 0);
      await store.deleteHook(h.id);
      expect(await store.getPollSource(h.id)).toBeUndefined();
      expect(await store.seenPollItems(h.id, ['a'])).toEqual([]);
    });
  });
}
