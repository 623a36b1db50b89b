import { sql } from 'drizzle-orm';
import type { EventResult, Store } from '../repository.js';
import { createCiRuns } from './ci-runs.js';
import { createDeliveryLog } from './delivery-log.js';
import { createWebSessions } from './web-sessions.js';
import { createDigests } from './digests.js';
import { createEvents } from './events.js';
import { createForwards } from './forwards.js';
import { createHooks } from './hooks.js';
import { createMeta } from './meta.js';
import type { Db, Tx } from './open-database.js';
import { createOutbox } from './outbox.js';
import { createPolls } from './polls.js';
import { createThreads } from './threads.js';

export { openPgDatabase, type Db, type PgLog } from './open-database.js';

/**
 * The Store on PostgreSQL: the same aggregates as ../sqlite/, each module taking the connection or transaction it
 * runs on; the transactions that span aggregates are composed here. Several processes may share the database:
 * nothing is cached between calls, and counters and claims are single statements the database serializes.
 */
export function createPgStore(db: Db): Store {
  /**
   * A transaction, tried again (up to 5 times) when PostgreSQL aborted it to break a deadlock or a serialization
   * conflict with another process, e.g. two processes storing the same redelivered deliveries in another order.
   */
  const transaction = async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction(fn);
      } catch (err) {
        if (attempt >= 5 || !retryable(err)) throw err;
      }
    }
  };

  const meta = createMeta(db);
  const hooks = createHooks(db, meta);
  const events = createEvents(db);
  const ciRuns = createCiRuns(db);
  const threads = createThreads(db);
  const outbox = createOutbox(db, ciRuns, threads);
  const forwards = createForwards(db);
  const digests = createDigests(db, outbox);
  const deliveryLog = createDeliveryLog(db);
  const polls = createPolls(db, transaction);

  /** Marks each event processed and stores what it produced; an event already processed is left alone. */
  const completeBatch = (results: EventResult[], at: string) => transaction(async (tx) => {
    for (const r of results) {
      if (!(await events.markProcessed(tx, r.eventId, r.outcome, at))) continue;
      if (r.ci) await ciRuns.save(tx, r.ci, at);
      await outbox.insert(tx, r.messages, at, r.eventId, r.ci);
      for (const f of r.forwards ?? []) await forwards.insert(tx, f, at, r.eventId);
      if (r.digest) await digests.add(tx, r.digest, at);
      for (const d of r.routeDigests ?? []) await digests.add(tx, d, at);
    }
  });

  const store: Store = {
    ...meta.methods,
    ...hooks.methods,
    ...events.methods,
    ...ciRuns.methods,
    ...outbox.methods,
    ...forwards.methods,
    ...digests.methods,
    ...deliveryLog.methods,
    ...createWebSessions(db).methods,
    ...threads.methods,
    ...polls.methods,
    forgetHook() {
      // Nothing to forget: hooks are read from the database every time.
    },
    async deleteHook(id) {
      return transaction(async (tx) => {
        const gone = await hooks.deleteRow(tx, id);
        await events.deleteOfHook(tx, id);
        await outbox.failPendingOfHook(tx, id, 'hook deleted');
        await digests.deleteOfHook(tx, id);
        await ciRuns.deleteOfHook(tx, id);
        await threads.deleteOfHook(tx, id);
        await polls.deleteOfHook(tx, id);
        await forwards.failPending(tx, id, 'hook deleted');
        return gone;
      });
    },
    async storeDeliveries(rows) {
      if (rows.length === 0) return [];
      return transaction(async (tx) => {
        const stored = await events.insertMany(tx, rows);
        const last = new Map<string, string>();
        rows.forEach((e, i) => {
          if (!stored[i].duplicate) last.set(e.hookId, e.receivedAt);
        });
        await hooks.touchDeliveries(tx, last);
        return stored;
      });
    },
    async recordPollItems(hookId, itemIds, rows, nowMs, forgetBefore) {
      return transaction(async (tx) => {
        const stored = rows.length ? await events.insertMany(tx, rows) : [];
        await polls.markSeen(tx, hookId, itemIds, nowMs, forgetBefore);
        const last = rows.filter((_, i) => !stored[i].duplicate).at(-1);
        if (last) await hooks.touchDeliveries(tx, new Map([[hookId, last.receivedAt]]));
        return stored;
      });
    },
    async completeEvent(eventId, outcome, messages, at) {
      await completeBatch([{ eventId, outcome, messages }], at);
    },
    async completeEvents(results, at) {
      if (results.length > 0) await completeBatch(results, at);
    },
    async prune(before, maxEvents) {
      return transaction(async (tx) => {
        const pruned = { events: await events.prune(tx, before, maxEvents), messages: await outbox.prune(tx, before) };
        await forwards.prune(tx, before);
        await ciRuns.prune(tx, before);
        await deliveryLog.prune(tx, before);
        return pruned;
      });
    },
    async queueStats() {
      const r = await db.execute<{ unprocessed: string; oldest: string | null; pending: string }>(sql`select
        (select count(*) from webhook_events where not processed) as unprocessed,
        (select received_at from webhook_events where not processed order by id limit 1) as oldest,
        (select count(*) from outbox where state = 'pending') as pending`);
      const row = r.rows[0];
      return { unprocessed: Number(row?.unprocessed ?? 0), oldestUnprocessedAt: row?.oldest ?? null, outboxPending: Number(row?.pending ?? 0) };
    },
    async ping() {
      try {
        const r = await db.execute<{ ok: number }>(sql`select 1 as ok`);
        return r.rows[0]?.ok === 1;
      } catch {
        return false;
      }
    },
  };
  return store;
}

/** PostgreSQL's deadlock_detected and serialization_failure: the transaction did nothing and may simply run again. */
function retryable(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === '40P01' || e.code === '40001') return true;
  }
  return false;
}
