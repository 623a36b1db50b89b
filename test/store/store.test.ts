import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { githubHook, testStore } from '../helpers/store.js';

describe('store', () => {
  let store: Store;
  let close: () => void;
  let path: string;
  beforeEach(async () => {
    ({ store, close, path } = testStore());
    await githubHook(store);
  });
  afterEach(() => close());

  const event = (i: number, receivedAt: string) => store.insertEvent({
    hookId: 'hook_001', deliveryId: `d-${i}`, eventType: 'push', payload: '{}', receivedAt,
  });

  it('numbers hooks hook_001, hook_002 … and never reuses a deleted id', async () => {
    const second = await githubHook(store);
    expect(second.id).toBe('hook_002');
    await store.deleteHook('hook_002');
    expect((await githubHook(store)).id).toBe('hook_003');
  });

  it('commits each stored event at once (another connection sees it)', async () => {
    const other = testStore(path);
    try {
      await event(1, '2026-01-01T00:00:00Z');
      await store.storeDeliveries([{ hookId: 'hook_001', deliveryId: 'd-2', eventType: 'push', payload: '{}', receivedAt: '2026-01-01T00:00:00Z' }]);
      await store.createHook({ ...(await store.getHook('hook_001'))!, id: undefined } as never);
      expect(await other.store.unprocessedEvents(10)).toHaveLength(2);
      expect(await other.store.getHook('hook_002')).toBeTruthy();
    } finally {
      other.close();
    }
  });

  it('stores a delivery id once per hook', async () => {
    expect((await event(1, '2026-01-01T00:00:00Z')).duplicate).toBe(false);
    expect((await event(1, '2026-01-01T00:00:00Z')).duplicate).toBe(true);
  });

  it('prunes processed events past the retention and beyond the row cap, never unprocessed ones', async () => {
    const old = await event(1, '2025-01-01T00:00:00.000Z');
    await event(2, '2025-01-02T00:00:00.000Z'); // old but unprocessed: kept
    for (let i = 3; i <= 10; i++) {
      const e = await event(i, '2026-06-01T00:00:00.000Z');
      await store.completeEvent(e.id, 'posted', [], '2026-06-01T00:00:00.000Z');
    }
    await store.completeEvent(old.id, 'posted', [{ channelId: 'c', body: { content: 'x' } }], '2025-01-01T00:00:00.000Z');
    await store.markSent(1, 'm1', '2025-01-01T00:00:00.000Z');
    const r = await store.prune('2026-01-01T00:00:00.000Z', 5);
    const left = await store.unprocessedEvents(100);
    expect(left.map((e) => e.deliveryId)).toEqual(['d-2']);
    expect(r.messages).toBe(1);
    expect(r.events).toBe(1 + 3); // the old one, then the processed ones older than the 5 newest rows
    expect(await store.latestEvent('hook_001')).toMatchObject({ deliveryId: 'd-10' });
  });

  it('stores many deliveries in one transaction, reports duplicates, and records each as its hook\'s last delivery', async () => {
    const second = await githubHook(store, { channelId: '100000000000000003' });
    await store.getHook(second.id); // cached: the cache must follow
    const delivery = (hookId: string, deliveryId: string, receivedAt: string) =>
      ({ hookId, deliveryId, eventType: 'push', payload: '{}', receivedAt });
    await store.insertEvent(delivery('hook_001', 'seen', '2026-01-01T00:00:00.000Z'));
    const other = testStore(path);
    try {
      const stored = await store.storeDeliveries([
        delivery('hook_001', 'a', '2026-01-02T00:00:00.000Z'),
        delivery('hook_001', 'seen', '2026-01-03T00:00:00.000Z'),
        delivery(second.id, 'b', '2026-01-04T00:00:00.000Z'),
        delivery('hook_001', 'a', '2026-01-05T00:00:00.000Z'),
      ]);
      expect(stored.map((r) => r.duplicate)).toEqual([false, true, false, true]);
      expect(stored[3].id).toBe(stored[0].id);
      expect(stored[2].id).toBeGreaterThan(stored[0].id);
      expect((await other.store.unprocessedEvents(10)).map((e) => e.deliveryId)).toEqual(['seen', 'a', 'b']);
      // A duplicate is not a delivery: hook_001's last one is 'a', not the later duplicates.
      expect((await store.getHook('hook_001'))!.lastDeliveryAt).toBe('2026-01-02T00:00:00.000Z');
      expect((await store.getHook(second.id))!.lastDeliveryAt).toBe('2026-01-04T00:00:00.000Z');
      expect((await other.store.getHook(second.id))!.lastDeliveryAt).toBe('2026-01-04T00:00:00.000Z');
    } finally {
      other.close();
    }
  });

  it('stores a batch all or nothing', async () => {
    const ok = { hookId: 'hook_001', deliveryId: 'ok', eventType: 'push', payload: '{}', receivedAt: '2026-01-01T00:00:00.000Z' };
    const bad = { ...ok, deliveryId: 'bad', get payload(): string { throw new Error('unreadable'); } }; // fails mid-batch
    await expect(store.storeDeliveries([ok, bad])).rejects.toThrow('unreadable');
    expect(await store.unprocessedEvents(10)).toEqual([]);
    expect((await store.getHook('hook_001'))!.lastDeliveryAt).toBeNull();
  });
});
