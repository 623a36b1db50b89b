import { writeTx } from './open-database.js';
import { sql } from 'drizzle-orm';
import type { EventResult, Store } from '../repository.js';
import { createCiRuns } from './ci-runs.js';
import { createDeliveryLog } from './delivery-log.js';
import { createWebSessions } from './web-sessions.js';
import { createDigests } from './digests.js';
import { createEvents } from './events.js';
import { createForwards } from './forwards.js';
import { createHooks, type HookCacheOptions } from './hooks.js';
import { createMeta } from './meta.js';
import type { Db } from './open-database.js';
import { createOutbox } from './outbox.js';
import { createPolls } from './polls.js';
import { createThreads } from './threads.js';

export { openDatabase, type Db } from './open-database.js';

/**
 * The Store on SQLite: one module per aggregate; the transactions that span aggregates (a delivery and its hook,
 * an event's results, a hook's deletion, pruning) are composed here.
 */
export function createSqliteStore(db: Db, opts: HookCacheOptions = {}): Store {
  const meta = createMeta(db);
  const hooks = createHooks(db, meta, opts);
  const events = createEvents(db);
  const ciRuns = createCiRuns(db);
  const threads = createThreads(db);
  const outbox = createOutbox(db, ciRuns, threads);
  const forwards = createForwards(db);
  const digests = createDigests(db, outbox);
  const deliveryLog = createDeliveryLog(db);
  const polls = createPolls(db);

  /** Marks each event processed and stores what it produced; an event already processed is left alone. */
  const completeBatch = (results: EventResult[], at: string) => {
    writeTx(db, () => {
      for (const r of results) {
        if (!events.markProcessed(r.eventId, r.outcome, at)) continue;
        if (r.ci) ciRuns.save(r.ci, at);
        outbox.insert(r.messages, at, r.eventId, r.ci);
        for (const f of r.forwards ?? []) forwards.insert(f, at, r.eventId);
        if (r.digest) digests.add(r.digest, at);
        for (const d of r.routeDigests ?? []) digests.add(d, at);
      }
    });
  };

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
    forgetHook(id) {
      hooks.forget(id);
    },
    async deleteHook(id) {
      return writeTx(db, () => {
        const gone = hooks.deleteRow(id);
        events.deleteOfHook(id);
        outbox.failPendingOfHook(id, 'hook deleted');
        digests.deleteOfHook(id);
        ciRuns.deleteOfHook(id);
        threads.deleteOfHook(id);
        polls.deleteOfHook(id);
        forwards.failPending(id, 'hook deleted');
        return gone;
      });
    },
    async storeDeliveries(rows) {
      const stored = writeTx(db, () => rows.map((e) => {
        const r = events.insert(e);
        if (!r.duplicate) hooks.touchDelivery(e.hookId, e.receivedAt);
        return r;
      }));
      rows.forEach((e, i) => {
        if (!stored[i].duplicate) hooks.cacheDelivery(e.hookId, e.receivedAt);
      });
      return stored;
    },
    async recordPollItems(hookId, itemIds, rows, nowMs, forgetBefore) {
      const stored = writeTx(db, () => {
        const r = rows.map((e) => events.insert(e));
        polls.markSeen(hookId, itemIds, nowMs, forgetBefore);
        rows.forEach((e, i) => { if (!r[i].duplicate) hooks.touchDelivery(e.hookId, e.receivedAt); });
        return r;
      });
      rows.forEach((e, i) => { if (!stored[i].duplicate) hooks.cacheDelivery(e.hookId, e.receivedAt); });
      return stored;
    },
    async completeEvent(eventId, outcome, messages, at) {
      completeBatch([{ eventId, outcome, messages }], at);
    },
    async completeEvents(results, at) {
      completeBatch(results, at);
    },
    async prune(before, maxEvents) {
      return writeTx(db, () => {
        const pruned = { events: events.prune(before, maxEvents), messages: outbox.prune(before) };
        forwards.prune(before);
        ciRuns.prune(before);
        deliveryLog.prune(before);
        return pruned;
      });
    },
    async ping() {
      return db.get<{ ok: number }>(sql`select 1 as ok`)?.ok === 1;
    },
    async queueStats() {
      const r = db.get<{ unprocessed: number; oldest: string | null; pending: number }>(sql`select
        (select count(*) from webhook_events where processed = 0) as unprocessed,
        (select received_at from webhook_events where processed = 0 order by id limit 1) as oldest,
        (select count(*) from outbox where state = 'pending') as pending`);
      return { unprocessed: r?.unprocessed ?? 0, oldestUnprocessedAt: r?.oldest ?? null, outboxPending: r?.pending ?? 0 };
    },
  };
  return store;
}
