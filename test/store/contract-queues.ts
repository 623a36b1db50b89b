import { describe, expect, it } from 'vitest';
import type { NewOutboxRow } from '../../src/store/repository.js';
import { C, T0, ciRun, delivery, digestItem, type Ctx } from './fixtures.js';

const D = '100000000000000004';
const msg = (content: string, channelId = C, line: string | null = null): NewOutboxRow => ({ channelId, body: { content }, line, hookId: 'hook_001' });

/** The store's queues (outbox, forwards, digests), pruning, and the delivery log; part of storeContract. */
export function queueContract(ctx: Ctx) {
  describe('outbox', () => {
    it('offers the oldest pending row of each channel, when it is due', async () => {
      const { store } = ctx;
      await store.enqueue([msg('c1'), msg('d1', D), msg('c2'), msg('d2', D)], T0);
      const [c1, c2] = await store.unpackedInChannel(C, 0, 10);
      const [d1, d2] = await store.unpackedInChannel(D, 0, 10);
      expect((await store.dueOutbox(1_000, 10)).map((r) => r.body.content)).toEqual(['c1', 'd1']);
      expect(await store.dueOutbox(1_000, 1)).toHaveLength(1);
      expect(await store.nextDueAt()).toBe(0);
      expect(await store.queueDepth()).toBe(4);

      await store.markRetry(c1.id, 1, 5_000, 'HTTP 429');
      expect(await store.getOutbox(c1.id)).toMatchObject({ attempts: 1, nextAttemptAt: 5_000, lastError: 'HTTP 429', state: 'pending' });
      // C's head waits: nothing behind it goes first.
      expect((await store.dueOutbox(1_000, 10)).map((r) => r.body.content)).toEqual(['d1']);
      expect((await store.dueOutbox(5_000, 10)).map((r) => r.body.content)).toEqual(['c1', 'd1']);

      await store.markSent(c1.id, 'm-1', '2026-01-01T00:00:05.000Z');
      expect(await store.getOutbox(c1.id)).toMatchObject({ state: 'sent', messageId: 'm-1', sentAt: '2026-01-01T00:00:05.000Z', lastError: null });
      await store.markFailed(d1.id, 'HTTP 403 Missing Access');
      expect(await store.getOutbox(d1.id)).toMatchObject({ state: 'failed', lastError: 'HTTP 403 Missing Access' });
      expect((await store.dueOutbox(1_000, 10)).map((r) => r.id)).toEqual([c2.id, d2.id]);
      expect(await store.queueDepth()).toBe(2);
      expect(await store.getOutbox(999_999)).toBeUndefined();
    });

    it('freezes a pack (members and combined body) and marks the whole pack sent or failed', async () => {
      const { store } = ctx;
      await store.enqueue([1, 2, 3, 4, 5].map((n) => msg(`m${n}`, C, `[m${n}](u)`)), T0);
      const rows = await store.unpackedInChannel(C, 0, 10);
      expect(rows.map((r) => r.line)).toEqual(['[m1](u)', '[m2](u)', '[m3](u)', '[m4](u)', '[m5](u)']);
      expect((await store.unpackedInChannel(C, rows[2].id, 2)).map((r) => r.id)).toEqual([rows[2].id, rows[3].id]);
      const [head, ...members] = rows.slice(0, 3);
      await store.assignPack(head.id, members.map((r) => r.id), { content: 'm1\nm2\nm3' });
      expect((await store.packMembers(head.id)).map((r) => r.id)).toEqual([head.id, members[0].id, members[1].id]);
      expect(await store.getOutbox(head.id)).toMatchObject({ packId: head.id, packBody: { content: 'm1\nm2\nm3' } });
      expect(await store.getOutbox(members[0].id)).toMatchObject({ packId: head.id, packBody: null });
      expect((await store.unpackedInChannel(C, 0, 10)).map((r) => r.id)).toEqual([rows[3].id, rows[4].id]);
      await store.markSent(head.id, 'm-pack', T0);
      expect((await store.packMembers(head.id)).map((r) => [r.state, r.messageId])).toEqual([['sent', 'm-pack'], ['sent', 'm-pack'], ['sent', 'm-pack']]);

      await store.assignPack(rows[3].id, [rows[4].id], null); // a pack of two, sent as its rows' bodies
      await store.markFailed(rows[3].id, 'gave up');
      expect((await store.packMembers(rows[3].id)).map((r) => r.state)).toEqual(['failed', 'failed']);
      expect(await store.queueDepth()).toBe(0);
      expect(await store.nextDueAt()).toBeUndefined();
      expect(await store.dueOutbox(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    });

    it('keeps epoch-ms times past 2^31 and numeric ids as numbers', async () => {
      const { store } = ctx;
      await store.enqueue([msg('late')], T0);
      const [row] = await store.unpackedInChannel(C, 0, 1);
      const at = Date.UTC(2030, 0, 1);
      await store.markRetry(row.id, 2, at, 'later');
      expect(await store.nextDueAt()).toBe(at);
      const again = (await store.getOutbox(row.id))!;
      expect(typeof again.id).toBe('number');
      expect(again.nextAttemptAt).toBe(at);
      expect(await store.dueOutbox(at - 1, 10)).toEqual([]);
    });
  });

  describe('forwards', () => {
    it('queues forwards once per message id, offers the due ones, and counts them by state', async () => {
      const { store } = ctx;
      const [e1, e2] = await store.storeDeliveries([delivery('d1'), delivery('d2')]);
      const fwd = (messageId: string) => ({ hookId: 'hook_001', messageId, url: 'https://example.test/f', body: `{"id":"${messageId}"}` });
      await store.completeEvents([
        { eventId: e1.id, outcome: 'posted', messages: [], forwards: [fwd('msg_1'), fwd('msg_2')] },
        { eventId: e2.id, outcome: 'posted', messages: [], forwards: [fwd('msg_1')] }, // same message id: already queued
      ], T0);
      const due = await store.dueForwards(0, 10);
      expect(due).toMatchObject([
        { hookId: 'hook_001', eventId: e1.id, messageId: 'msg_1', url: 'https://example.test/f', body: '{"id":"msg_1"}', state: 'pending',
          attempts: 0, nextAttemptAt: 0, lastStatus: null, lastError: null, createdAt: T0, sentAt: null },
        { messageId: 'msg_2' },
      ]);
      expect(await store.dueForwards(0, 1)).toHaveLength(1);
      await store.markForward(due[0].id, { attempts: 1, nextAttemptAt: 60_000, lastStatus: 502, lastError: 'HTTP 502' });
      expect((await store.dueForwards(1_000, 10)).map((f) => f.messageId)).toEqual(['msg_2']);
      expect(await store.nextForwardDueAt()).toBe(0);
      await store.markForward(due[1].id, { state: 'sent', lastStatus: 200, sentAt: T0 });
      expect(await store.nextForwardDueAt()).toBe(60_000);
      expect(await store.forwardCounts('hook_001')).toEqual({ pending: 1, failed: 0, sent: 1 });

      expect(await store.failPendingForwards('hook_001', 'HTTP 410 Gone')).toBe(1);
      expect(await store.nextForwardDueAt()).toBeUndefined();
      expect(await store.forwardCounts('hook_001')).toEqual({ pending: 0, failed: 1, sent: 1 });
      expect(await store.replayForwards('hook_001', 5_000)).toBe(1);
      expect(await store.dueForwards(5_000, 10)).toMatchObject([{ messageId: 'msg_1', attempts: 0, nextAttemptAt: 5_000, lastError: null, lastStatus: 502 }]);
      expect(await store.replayForwards('hook_001', 5_000)).toBe(0);
    });
  });

  describe('digests', () => {
    it('keeps items per hook and window until the window closes, then replaces them by one message', async () => {
      const { store } = ctx;
      const other = await githubHook2(ctx);
      const ev = await store.storeDeliveries(['a', 'b', 'c', 'd'].map((d) => delivery(d)));
      const item = (i: number, hookId: string, windowEnd: number) =>
        ({ eventId: ev[i].id, outcome: 'digest', messages: [], digest: { hookId, windowEnd, windowSeconds: 60, item: digestItem(`t${i}`) } });
      await store.completeEvents([item(0, 'hook_001', 60_000), item(1, other, 60_000), item(2, 'hook_001', 60_000), item(3, 'hook_001', 120_000)], T0);
      expect(await store.openDigestWindow('hook_001', 10_000)).toBe(60_000);
      expect(await store.openDigestWindow('hook_001', 60_000)).toBe(120_000);
      expect(await store.openDigestWindow('hook_001', 120_000)).toBeUndefined();
      expect(await store.nextDigestAt()).toBe(60_000);
      expect(await store.dueDigests(59_999)).toEqual([]);
      const due = await store.dueDigests(60_000);
      expect(due.map((d) => [d.hookId, d.windowEnd, d.windowSeconds, d.items.map((i) => i.title)])).toEqual([
        ['hook_001', 60_000, 60, ['t0', 't2']], [other, 60_000, 60, ['t1']],
      ]);
      await store.completeDigest('hook_001', 60_000, { channelId: C, hookId: 'hook_001', body: { content: '2 events' } }, T0);
      expect((await store.dueDigests(60_000)).map((d) => d.hookId)).toEqual([other]);
      expect(await store.nextDigestAt()).toBe(60_000);
      expect((await store.dueOutbox(0, 10)).map((r) => r.body.content)).toEqual(['2 events']);
    });

    it('keeps a route channel\'s window apart from the hook\'s own', async () => {
      const { store } = ctx;
      const ev = await store.storeDeliveries(['a', 'b'].map((d) => delivery(d)));
      const R = '100000000000000099';
      await store.completeEvents([
        { eventId: ev[0].id, outcome: 'digest', messages: [], digest: { hookId: 'hook_001', windowEnd: 60_000, windowSeconds: 60, item: digestItem('own') } },
        { eventId: ev[1].id, outcome: 'digest', messages: [], routeDigests: [{ hookId: 'hook_001', channelId: R, windowEnd: 300_000, windowSeconds: 300, item: digestItem('routed') }] },
      ], T0);
      expect(await store.openDigestWindow('hook_001', 10_000)).toBe(60_000);
      expect(await store.openDigestWindow('hook_001', 10_000, R)).toBe(300_000);
      expect(await store.openDigestWindow('hook_001', 10_000, '100000000000000098')).toBeUndefined();
      expect((await store.dueDigests(300_000)).map((d) => [d.channelId, d.windowEnd, d.items.map((i) => i.title)])).toEqual([
        [null, 60_000, ['own']], [R, 300_000, ['routed']],
      ]);
      await store.completeDigest('hook_001', 300_000, { channelId: R, hookId: 'hook_001', body: { content: 'routed digest' } }, T0, R);
      expect((await store.dueDigests(300_000)).map((d) => d.channelId)).toEqual([null]);
      expect((await store.dueOutbox(0, 10)).map((r) => [r.channelId, r.body.content])).toEqual([[R, 'routed digest']]);
    });
  });

  describe('pruning', () => {
    it('prunes processed events past the retention and beyond the row cap, never unprocessed ones', async () => {
      const { store } = ctx;
      const [old] = await store.storeDeliveries([delivery('d-1', { receivedAt: '2025-01-01T00:00:00.000Z' })]);
      await store.storeDeliveries([delivery('d-2', { receivedAt: '2025-01-02T00:00:00.000Z' })]); // old but unprocessed: kept
      for (let i = 3; i <= 10; i++) {
        const [e] = await store.storeDeliveries([delivery(`d-${i}`, { receivedAt: '2026-06-01T00:00:00.000Z' })]);
        await store.completeEvent(e.id, 'posted', [], '2026-06-01T00:00:00.000Z');
      }
      await store.completeEvent(old.id, 'posted', [msg('old sent'), msg('old pending')], '2025-01-01T00:00:00.000Z');
      const [sent, pending] = await store.unpackedInChannel(C, 0, 2);
      await store.markSent(sent.id, 'm1', '2025-01-01T00:00:00.000Z');
      const r = await store.prune('2026-01-01T00:00:00.000Z', 5);
      expect(r).toEqual({ events: 1 + 3, messages: 1 }); // the old one, then the processed ones older than the 5 newest rows
      expect((await store.unprocessedEvents(100)).map((e) => e.deliveryId)).toEqual(['d-2']);
      expect(await store.latestEvent('hook_001')).toMatchObject({ deliveryId: 'd-10' });
      expect(await store.getOutbox(sent.id)).toBeUndefined();
      expect(await store.getOutbox(pending.id)).toMatchObject({ state: 'pending' }); // pending messages are never pruned
    });

    it('prunes sent forwards, idle CI runs and refusals past the retention; keeps branch results', async () => {
      const { store } = ctx;
      const [e] = await store.storeDeliveries([delivery('d1')]);
      const fwd = (messageId: string) => ({ hookId: 'hook_001', messageId, url: 'https://example.test/f', body: '{}' });
      await store.completeEvents([{
        eventId: e.id, outcome: 'posted', messages: [], forwards: [fwd('sent'), fwd('pending')],
        ci: { hookId: 'hook_001', runKey: 'r1', state: ciRun('r1', 'success'), branch: { key: 'b', result: 'passed', streak: 1 } },
      }], '2025-01-01T00:00:00.000Z');
      const [f1] = await store.dueForwards(0, 1);
      await store.markForward(f1.id, { state: 'sent', sentAt: '2025-01-01T00:00:00.000Z' });
      await store.recordRejections([
        { hookId: 'hook_001', service: 'github', status: 401, reason: 'bad signature', sourceIp: '127.0.0.1', eventType: 'push', deliveryId: 'x', receivedAt: '2025-01-01T00:00:00.000Z' },
        { hookId: 'hook_001', service: 'github', status: 401, reason: 'bad signature', sourceIp: null, eventType: null, deliveryId: null, receivedAt: '2026-06-01T00:00:00.000Z' },
      ]);
      await store.prune('2026-01-01T00:00:00.000Z', 1000);
      expect(await store.forwardCounts('hook_001')).toEqual({ pending: 1, failed: 0, sent: 0 });
      expect(await store.getCiRun('hook_001', 'r1')).toBeUndefined();
      expect(await store.getCiBranch('hook_001', 'b')).toEqual({ result: 'passed', streak: 1 });
      expect((await store.listRejections({ limit: 10 })).map((x) => x.receivedAt)).toEqual(['2026-06-01T00:00:00.000Z']);
    });
  });

  describe('delivery log', () => {
    it('pages stored deliveries newest first, with the messages they made', async () => {
      const { store } = ctx;
      const second = await githubHook2(ctx);
      const ev = await store.storeDeliveries([delivery('a'), delivery('b', { hookId: second }), delivery('c'), delivery('d')]);
      await store.completeEvent(ev[0].id, 'posted', [msg('a1'), msg('a2')], T0);
      expect((await store.listEvents({ limit: 10 })).map((e) => e.deliveryId)).toEqual(['d', 'c', 'b', 'a']);
      expect((await store.listEvents({ limit: 2 })).map((e) => e.deliveryId)).toEqual(['d', 'c']);
      expect((await store.listEvents({ limit: 10, beforeId: ev[2].id, hookId: 'hook_001' })).map((e) => e.deliveryId)).toEqual(['a']);
      expect(await store.getEvent(ev[1].id)).toMatchObject({ deliveryId: 'b', hookId: second });
      expect(await store.getEvent(999_999)).toBeUndefined();
      expect((await store.eventMessages([ev[0].id, ev[1].id])).map((m) => m.body.content)).toEqual(['a1', 'a2']);
      expect(await store.eventMessages([])).toEqual([]);
    });

    it('records refused deliveries and pages them newest first', async () => {
      const { store } = ctx;
      const refusal = (hookId: string, status: number) =>
        ({ hookId, service: 'github', status, reason: `HTTP ${status}`, sourceIp: '127.0.0.1', eventType: 'push', deliveryId: null, receivedAt: T0 });
      await store.recordRejections([refusal('hook_001', 401), refusal('hook_404', 404), refusal('hook_001', 413)]);
      await store.recordRejections([]);
      const all = await store.listRejections({ limit: 10 });
      expect(all.map((r) => r.status)).toEqual([413, 404, 401]);
      expect((await store.listRejections({ limit: 10, hookId: 'hook_001', beforeId: all[0].id })).map((r) => r.status)).toEqual([401]);
      expect(await store.getRejection(all[1].id)).toEqual({ id: all[1].id, ...refusal('hook_404', 404) });
      expect(await store.getRejection(999_999)).toBeUndefined();
    });

    it('claims an idempotency key once; completes or releases it', async () => {
      const { store } = ctx;
      expect(await store.claimIdempotencyKey('k1', 'fp1', T0)).toEqual({ claimed: true });
      expect(await store.claimIdempotencyKey('k1', 'fp2', T0)).toEqual({ claimed: false, hookId: null, fingerprint: 'fp1' });
      await store.completeIdempotencyKey('k1', 'hook_001');
      await store.releaseIdempotencyKey('k1'); // completed keys stay
      expect(await store.claimIdempotencyKey('k1', 'fp1', T0)).toEqual({ claimed: false, hookId: 'hook_001', fingerprint: 'fp1' });
      expect(await store.claimIdempotencyKey('k2', 'fp', T0)).toEqual({ claimed: true });
      await store.releaseIdempotencyKey('k2');
      expect(await store.claimIdempotencyKey('k2', 'fp', T0)).toEqual({ claimed: true });
    });
  });
}

/** A second hook (hook_002) in another channel. */
async function githubHook2(ctx: Ctx): Promise<string> {
  const h = await ctx.store.createHook({
    guildId: '100000000000000001', channelId: D, userId: '100000000000000011', service: 'github', secret: 's'.repeat(32),
    events: ['push'], filters: {}, templates: {}, createdAt: T0,
  });
  return h.id;
}
