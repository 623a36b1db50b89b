import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveOutcome, listDeliveries, type Delivery } from '../../src/hooks/deliveries.js';
import type { OutboxRow, Store, StoredEvent } from '../../src/store/store.js';
import { githubHook, testStore } from '../helpers/store.js';

const event = (over: Partial<StoredEvent> = {}): StoredEvent => ({
  id: 1, hookId: 'hook_001', deliveryId: 'd', eventType: 'push', payload: '{}', receivedAt: '2026-01-01T00:00:00.000Z',
  processed: true, processedAt: '2026-01-01T00:00:01.000Z', outcome: 'posted', headers: null, ...over,
});
const row = (over: Partial<OutboxRow> = {}): OutboxRow => ({
  id: 1, eventId: 1, hookId: 'hook_001', channelId: 'c', body: { content: 'x' }, state: 'sent', attempts: 0, nextAttemptAt: 0, line: null,
  packId: 1, packBody: null, messageId: 'm', editOf: null, lastError: null, createdAt: '', sentAt: '', threadKey: null, thread: null, ...over,
});

describe('delivery outcomes', () => {
  it('derives the outcome from the stored outcome text and the messages made', () => {
    expect(deriveOutcome(event({ processed: false, outcome: null }), [])).toEqual({ outcome: 'pending', reason: 'stored, not processed yet' });
    expect(deriveOutcome(event(), [row()])).toMatchObject({ outcome: 'posted' });
    expect(deriveOutcome(event(), [row({ state: 'pending', lastError: '503 Service Unavailable' })])).toEqual({ outcome: 'pending', reason: 'retrying: 503 Service Unavailable' });
    expect(deriveOutcome(event(), [row(), row({ state: 'failed', lastError: 'Missing Permissions' })])).toEqual({ outcome: 'failed', reason: 'Discord refused the message: Missing Permissions' });
    expect(deriveOutcome(event({ outcome: 'filtered: branch is not main' }), [])).toEqual({ outcome: 'filtered', reason: 'branch is not main' });
    expect(deriveOutcome(event({ outcome: 'dropped: hook removed or disabled' }), [])).toEqual({ outcome: 'filtered', reason: 'hook removed or disabled' });
    expect(deriveOutcome(event({ outcome: 'aggregated: digest at 2026-01-01T00:05:00.000Z' }), [])).toMatchObject({ outcome: 'aggregated' });
    expect(deriveOutcome(event({ outcome: 'error: malformed payload' }), [])).toEqual({ outcome: 'failed', reason: 'malformed payload' });
    // A superseded CI edit is not a message of its own.
    expect(deriveOutcome(event({ outcome: 'run updated, nothing to post' }), [row({ state: 'superseded' })])).toMatchObject({ outcome: 'filtered' });
  });
});

describe('delivery log pages', () => {
  let store: Store;
  let close: () => void;
  beforeEach(async () => {
    ({ store, close } = testStore());
    await githubHook(store);
  });
  afterEach(() => close());

  const at = (i: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + i * 1000).toISOString();

  async function walk(q: { outcome?: Delivery['outcome']; limit: number }): Promise<Delivery[]> {
    const out: Delivery[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const r = await listDeliveries(store, { ...q, cursor });
      out.push(...r.data);
      if (!r.next_cursor) return out;
      cursor = r.next_cursor;
    }
    throw new Error('did not finish');
  }

  it('finds a rare outcome among many deliveries, across pages, newest first and each once', async () => {
    const filtered: number[] = [];
    for (let i = 0; i < 450; i++) {
      const { id } = await store.insertEvent({ hookId: 'hook_001', deliveryId: `d${i}`, eventType: 'push', payload: '{}', receivedAt: at(i) });
      const drop = i % 97 === 0;
      if (drop) filtered.push(id);
      await store.completeEvents([{ eventId: id, outcome: drop ? 'filtered: not main' : 'posted', messages: drop ? [] : [{ channelId: 'c', hookId: 'hook_001', body: { content: 'x' } }] }], at(i));
      if (i % 50 === 0) await store.recordRejections([{ hookId: 'hook_001', service: 'github', status: 401, reason: 'bad signature', sourceIp: '127.0.0.1', eventType: 'push', deliveryId: null, receivedAt: at(i) }]);
    }
    const found = await walk({ outcome: 'filtered', limit: 2 });
    expect(found.map((d) => d.id)).toEqual(filtered.reverse().map((id) => `evt_${id}`));
    const everything = await walk({ limit: 37 });
    expect(everything).toHaveLength(450 + 9);
    expect(new Set(everything.map((d) => d.id)).size).toBe(everything.length);
    const times = everything.map((d) => d.received_at);
    expect([...times].sort().reverse()).toEqual(times);
    expect((await walk({ outcome: 'rejected', limit: 4 })).map((d) => d.reason)).toEqual(Array(9).fill('bad signature'));
  });
});
