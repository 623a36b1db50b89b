import { describe, expect, it } from 'vitest';
import { githubHook } from '../helpers/store.js';
import { T0, delivery, type Ctx } from './fixtures.js';

const G = '100000000000000001';
const OTHER_G = '100000000000000099';
const at = (min: number) => new Date(Date.parse(T0) + min * 60_000).toISOString();

/** The delivery log's web page in the store: login links, sessions, a server's deliveries, forwards by event; part of storeContract. */
export function webContract(ctx: Ctx) {
  describe('delivery log web page', () => {
    it('uses a login link once, before it expires, and says why it refuses one', async () => {
      const { store } = ctx;
      await store.createLoginToken({ tokenHash: 'h1', guildId: G, userId: 'u1', createdAt: at(0), expiresAt: at(15) });
      await store.createLoginToken({ tokenHash: 'h2', guildId: G, userId: 'u1', createdAt: at(0), expiresAt: at(15) });
      expect(await store.useLoginToken('h1', at(1))).toEqual({ ok: true, guildId: G, userId: 'u1' });
      expect(await store.useLoginToken('h1', at(2))).toEqual({ ok: false, reason: 'used' });
      expect(await store.useLoginToken('h2', at(15))).toEqual({ ok: false, reason: 'expired' });
      expect(await store.useLoginToken('nope', at(1))).toEqual({ ok: false, reason: 'unknown' });
    });

    it('lets exactly one of two connections use the same link at once', async () => {
      const other = await ctx.other();
      try {
        await ctx.store.createLoginToken({ tokenHash: 'race', guildId: G, userId: 'u1', createdAt: at(0), expiresAt: at(15) });
        const tries = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? other.store : ctx.store).useLoginToken('race', at(1))));
        expect(tries.filter((t) => t.ok)).toHaveLength(1);
      } finally {
        await other.close();
      }
    });

    it('forgets expired links when making a new one', async () => {
      const { store } = ctx;
      await store.createLoginToken({ tokenHash: 'old', guildId: G, userId: 'u1', createdAt: at(0), expiresAt: at(15) });
      await store.createLoginToken({ tokenHash: 'new', guildId: G, userId: 'u1', createdAt: at(30), expiresAt: at(45) });
      expect(await store.useLoginToken('old', at(1))).toEqual({ ok: false, reason: 'unknown' });
    });

    it('keeps sessions for every connection until they expire or are deleted', async () => {
      const other = await ctx.other();
      try {
        const s = { idHash: 's1', guildId: G, userId: 'u1', createdAt: at(0), expiresAt: at(60) };
        await ctx.store.createWebSession(s);
        await ctx.store.createWebSession({ idHash: 'admin', guildId: null, userId: null, createdAt: at(0), expiresAt: at(60) });
        expect(await other.store.getWebSession('s1', at(1))).toEqual(s);
        expect((await other.store.getWebSession('admin', at(1)))?.guildId).toBeNull();
        expect(await other.store.getWebSession('s1', at(60))).toBeUndefined();
        await other.store.deleteWebSession('s1');
        expect(await ctx.store.getWebSession('s1', at(1))).toBeUndefined();
        expect(await ctx.store.getWebSession('unknown', at(1))).toBeUndefined();
      } finally {
        await other.close();
      }
    });

    it('lists the deliveries of a set of hooks within a time range, refused ones too', async () => {
      const { store } = ctx;
      const foreign = await githubHook(store, { guildId: OTHER_G, channelId: '100000000000000098' });
      await store.insertEvent(delivery('a', { receivedAt: at(1) }));
      await store.insertEvent(delivery('b', { hookId: foreign.id, receivedAt: at(2) }));
      await store.insertEvent(delivery('c', { receivedAt: at(3) }));
      const refusal = { service: 'github', status: 401, reason: 'bad signature', sourceIp: null, eventType: 'push', deliveryId: null };
      await store.recordRejections([{ ...refusal, hookId: 'hook_001', receivedAt: at(2) }, { ...refusal, hookId: foreign.id, receivedAt: at(2) }]);

      const mine = await store.listEvents({ hookIds: ['hook_001'], limit: 10 });
      expect(mine.map((e) => e.deliveryId)).toEqual(['c', 'a']);
      expect((await store.listRejections({ hookIds: ['hook_001'], limit: 10 })).map((r) => r.hookId)).toEqual(['hook_001']);
      expect(await store.listEvents({ hookIds: [], limit: 10 })).toEqual([]);
      expect(await store.listRejections({ hookIds: [], limit: 10 })).toEqual([]);
      expect((await store.listEvents({ since: at(2), limit: 10 })).map((e) => e.deliveryId)).toEqual(['c', 'b']);
      expect((await store.listEvents({ until: at(2), limit: 10 })).map((e) => e.deliveryId)).toEqual(['a']);
      expect((await store.listEvents({ hookIds: ['hook_001'], since: at(1), until: at(3), limit: 10 })).map((e) => e.deliveryId)).toEqual(['a']);
      expect(await store.listRejections({ since: at(3), limit: 10 })).toEqual([]);
    });

    it('finds the forwards each event made', async () => {
      const { store } = ctx;
      const e1 = await store.insertEvent(delivery('f1'));
      const e2 = await store.insertEvent(delivery('f2'));
      const fwd = (messageId: string) => ({ hookId: 'hook_001', messageId, url: 'https://example.test/in', body: '{}' });
      await store.completeEvents([
        { eventId: e1.id, outcome: 'posted', messages: [], forwards: [fwd('m1'), fwd('m2')] },
        { eventId: e2.id, outcome: 'posted', messages: [], forwards: [fwd('m3')] },
      ], T0);
      expect((await store.eventForwards([e1.id])).map((f) => f.messageId)).toEqual(['m1', 'm2']);
      expect((await store.eventForwards([e1.id, e2.id])).map((f) => f.eventId)).toEqual([e1.id, e1.id, e2.id]);
      expect(await store.eventForwards([])).toEqual([]);
    });
  });
}
