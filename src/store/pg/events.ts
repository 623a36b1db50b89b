import { and, asc, count, desc, eq, gte, like, lt, notLike, or } from 'drizzle-orm';
import type { NewEvent, Store, Stored } from '../repository.js';
import type { Q } from './open-database.js';
import { webhookEvents } from './schema.js';

const key = (hookId: string, deliveryId: string) => `${hookId}\u0000${deliveryId}`;
/** Rows per INSERT statement (6 parameters each, well under PostgreSQL's 65535). */
const CHUNK = 2_000;

/** The inbox: every accepted delivery, stored before it is acknowledged, until processed and pruned. */
export function createEvents(db: Q) {
  /**
   * Stores deliveries (inside the caller's transaction); results in the order of `rows`, ids in arrival order.
   * One INSERT … ON CONFLICT DO NOTHING per chunk (a row already there, or being stored by another process, is
   * skipped: the statement waits for that process to commit); then the ids of the duplicates.
   */
  const insertMany = async (q: Q, rows: NewEvent[]): Promise<Stored[]> => {
    const values = rows.map((e) => ({
      hookId: e.hookId, deliveryId: e.deliveryId, eventType: e.eventType, payload: e.payload, receivedAt: e.receivedAt,
      headers: e.headers ?? null,
    }));
    const inserted = new Map<string, number>();
    for (let at = 0; at < values.length; at += CHUNK) {
      const chunk = values.slice(at, at + CHUNK);
      const ids = await q.insert(webhookEvents).values(chunk).onConflictDoNothing()
        .returning({ id: webhookEvents.id, hookId: webhookEvents.hookId, deliveryId: webhookEvents.deliveryId });
      for (const r of ids) inserted.set(key(r.hookId, r.deliveryId), r.id);
    }
    const missing = rows.filter((e) => !inserted.has(key(e.hookId, e.deliveryId)));
    const existing = new Map<string, number>();
    for (let at = 0; at < missing.length; at += CHUNK) {
      const found = await q.select({ id: webhookEvents.id, hookId: webhookEvents.hookId, deliveryId: webhookEvents.deliveryId })
        .from(webhookEvents)
        .where(or(...missing.slice(at, at + CHUNK).map((e) => and(eq(webhookEvents.hookId, e.hookId), eq(webhookEvents.deliveryId, e.deliveryId)))));
      for (const r of found) existing.set(key(r.hookId, r.deliveryId), r.id);
    }
    const seen = new Set<string>();
    return rows.map((e) => {
      const k = key(e.hookId, e.deliveryId);
      const id = inserted.get(k);
      if (id !== undefined && !seen.has(k)) {
        seen.add(k);
        return { id, duplicate: false };
      }
      return { id: id ?? existing.get(k)!, duplicate: true };
    });
  };
  /** Marks an unprocessed event processed; false when it already was (or is gone). */
  const markProcessed = async (q: Q, id: number, outcome: string, at: string) =>
    ((await q.update(webhookEvents).set({ processed: true, processedAt: at, outcome })
      .where(and(eq(webhookEvents.id, id), eq(webhookEvents.processed, false)))).rowCount ?? 0) > 0;
  const deleteOfHook = async (q: Q, hookId: string) => {
    await q.delete(webhookEvents).where(eq(webhookEvents.hookId, hookId));
  };
  /** Processed events received before `before`, then the oldest processed ones beyond `maxEvents`; how many. */
  const prune = async (q: Q, before: string, maxEvents: number) => {
    let events = ((await q.delete(webhookEvents)
      .where(and(eq(webhookEvents.processed, true), lt(webhookEvents.receivedAt, before)))).rowCount ?? 0);
    const total = (await q.select({ n: count() }).from(webhookEvents))[0]?.n ?? 0;
    if (total > maxEvents) {
      const [keepFrom] = await q.select({ id: webhookEvents.id }).from(webhookEvents)
        .orderBy(desc(webhookEvents.id)).limit(1).offset(maxEvents - 1);
      if (keepFrom) {
        events += ((await q.delete(webhookEvents)
          .where(and(eq(webhookEvents.processed, true), lt(webhookEvents.id, keepFrom.id)))).rowCount ?? 0);
      }
    }
    return events;
  };

  const methods: Pick<Store, 'insertEvent' | 'countFiltered' | 'latestEvent' | 'unprocessedEvents'> = {
    async insertEvent(e) {
      return (await insertMany(db, [e]))[0];
    },
    async countFiltered(hookId, since) {
      return (await db.select({ n: count() }).from(webhookEvents)
        .where(and(eq(webhookEvents.hookId, hookId), like(webhookEvents.outcome, 'filtered:%'), gte(webhookEvents.processedAt, since))))[0]?.n ?? 0;
    },
    async latestEvent(hookId, opts) {
      const real = opts?.real ? notLike(webhookEvents.deliveryId, 'hookbot-test-%') : undefined;
      return (await db.select().from(webhookEvents).where(and(eq(webhookEvents.hookId, hookId), real))
        .orderBy(desc(webhookEvents.id)).limit(1))[0];
    },
    async unprocessedEvents(limit) {
      return db.select().from(webhookEvents).where(eq(webhookEvents.processed, false)).orderBy(asc(webhookEvents.id)).limit(limit);
    },
  };
  return { insertMany, markProcessed, deleteOfHook, prune, methods };
}
