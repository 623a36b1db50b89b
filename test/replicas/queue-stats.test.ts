import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type OpenedStore } from '../../src/store/open-store.js';
import { pgSkipReason, testDatabase } from '../helpers/postgres.js';
import { githubHook, testStore } from '../helpers/store.js';

const skip = pgSkipReason();
const C = '100000000000000002';

/** What `/healthz` shows as `queue`: the same on both engines. */
async function queueBehaviour(store: OpenedStore['store']) {
  const hook = await githubHook(store);
  expect(await store.queueStats()).toEqual({ unprocessed: 0, oldestUnprocessedAt: null, outboxPending: 0 });
  const ev = (id: string, receivedAt: string) => ({ hookId: hook.id, deliveryId: id, eventType: 'push', payload: '{}', receivedAt });
  const [first] = await store.storeDeliveries([ev('q1', '2026-01-01T00:00:01.000Z'), ev('q2', '2026-01-01T00:00:02.000Z')]);
  expect(await store.queueStats()).toEqual({ unprocessed: 2, oldestUnprocessedAt: '2026-01-01T00:00:01.000Z', outboxPending: 0 });
  await store.completeEvent(first.id, 'posted', [{ channelId: C, hookId: hook.id, body: { content: 'x' } }], '2026-01-01T00:00:03.000Z');
  expect(await store.queueStats()).toEqual({ unprocessed: 1, oldestUnprocessedAt: '2026-01-01T00:00:02.000Z', outboxPending: 1 });
  const [row] = await store.dueOutbox(Date.now(), 10);
  await store.markSent(row.id, '1', '2026-01-01T00:00:04.000Z');
  expect((await store.queueStats()).outboxPending).toBe(0);
}

describe('queue stats', () => {
  it('on SQLite', async () => {
    const { store, close } = testStore();
    await queueBehaviour(store);
    close();
  });

  describe.skipIf(skip)(`on PostgreSQL${skip ? ` (skipped: ${skip})` : ''}`, () => {
    let db: Awaited<ReturnType<typeof testDatabase>>;
    beforeAll(async () => { db = await testDatabase(); }, 60_000);
    afterAll(async () => { await db?.drop(); });
    it('counts the same', async () => {
      const opened = await openStore({ databaseUrl: db.url, databasePath: 'unused', poolSize: 2 });
      try {
        await queueBehaviour(opened.store);
      } finally {
        await opened.close();
      }
    });
  });
});
