import { and, asc, count, desc, eq, gte, like, lt, notLike, sql } from 'drizzle-orm';
import type { NewEvent, Store, Stored } from '../repository.js';
import type { Db } from './open-database.js';
import { webhookEvents } from './schema.js';

/** The inbox: every accepted delivery, stored before it is acknowledged, until processed and pruned. */
export function createEvents(db: Db) {
  // Prepared once: the ingest path runs these for every delivery.
  const insertEventStmt = db.insert(webhookEvents).values({
    hookId: sql.placeholder('hookId'), deliveryId: sql.placeholder('deliveryId'), eventType: sql.placeholder('eventType'),
    payload: sql.placeholder('payload'), receivedAt: sql.placeholder('receivedAt'), headers: sql`${sql.placeholder('headers')}`,
  }).onConflictDoNothing().returning({ id: webhookEvents.id }).prepare();
  const findEventStmt = db.select({ id: webhookEvents.id }).from(webhookEvents)
    .where(and(eq(webhookEvents.hookId, sql.placeholder('hookId')), eq(webhookEvents.deliveryId, sql.placeholder('deliveryId')))).prepare();
  const markProcessedStmt = db.update(webhookEvents)
    .set({ processed: true, processedAt: sql`${sql.placeholder('at')}`, outcome: sql`${sql.placeholder('outcome')}` })
    .where(and(eq(webhookEvents.id, sql.placeholder('id')), eq(webhookEvents.processed, false))).prepare();
  const unprocessedStmt = db.select().from(webhookEvents).where(eq(webhookEvents.processed, false))
    .orderBy(asc(webhookEvents.id)).limit(sql.placeholder('limit')).prepare();

  const insert = (e: NewEvent): Stored => {
    // all(), not get(): get() leaves an INSERT … RETURNING statement unfinished, which keeps its implicit
    // transaction open (nothing committed, WAL never checkpointed) until the statement is next reset.
    const [row] = insertEventStmt.all({
      hookId: e.hookId, deliveryId: e.deliveryId, eventType: e.eventType, payload: e.payload, receivedAt: e.receivedAt,
      headers: e.headers ? JSON.stringify(e.headers) : null,
    });
    if (row) return { id: row.id, duplicate: false };
    return { id: findEventStmt.get({ hookId: e.hookId, deliveryId: e.deliveryId })!.id, duplicate: true };
  };
  /** Marks an unprocessed event processed; false when it already was (or is gone). */
  const markProcessed = (id: number, outcome: string, at: string) => markProcessedStmt.run({ id, at, outcome }).changes > 0;
  const deleteOfHook = (hookId: string) => {
    db.delete(webhookEvents).where(eq(webhookEvents.hookId, hookId)).run();
  };
  /** Processed events received before `before`, then the oldest processed ones beyond `maxEvents`; how many. */
  const prune = (before: string, maxEvents: number) => {
    let events = db.delete(webhookEvents)
      .where(and(eq(webhookEvents.processed, true), lt(webhookEvents.receivedAt, before))).run().changes;
    const total = db.select({ n: count() }).from(webhookEvents).get()?.n ?? 0;
    if (total > maxEvents) {
      const keepFrom = db.select({ id: webhookEvents.id }).from(webhookEvents)
        .orderBy(desc(webhookEvents.id)).limit(1).offset(maxEvents - 1).get();
      if (keepFrom) {
        events += db.delete(webhookEvents)
          .where(and(eq(webhookEvents.processed, true), lt(webhookEvents.id, keepFrom.id))).run().changes;
      }
    }
    return events;
  };

  const methods: Pick<Store, 'insertEvent' | 'countFiltered' | 'latestEvent' | 'unprocessedEvents'> = {
    async insertEvent(e) {
      return insert(e);
    },
    async countFiltered(hookId, since) {
      return db.select({ n: count() }).from(webhookEvents)
        .where(and(eq(webhookEvents.hookId, hookId), like(webhookEvents.outcome, 'filtered:%'), gte(webhookEvents.processedAt, since)))
        .get()?.n ?? 0;
    },
    async latestEvent(hookId, opts) {
      const real = opts?.real ? notLike(webhookEvents.deliveryId, 'hookbot-test-%') : undefined;
      return db.select().from(webhookEvents).where(and(eq(webhookEvents.hookId, hookId), real))
        .orderBy(desc(webhookEvents.id)).limit(1).get();
    },
    async unprocessedEvents(limit) {
      return unprocessedStmt.all({ limit });
    },
  };
  return { insert, markProcessed, deleteOfHook, prune, methods };
}
