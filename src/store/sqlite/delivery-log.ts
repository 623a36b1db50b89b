import { writeTx } from './open-database.js';
import { and, asc, desc, eq, gte, inArray, isNull, lt } from 'drizzle-orm';
import type { PageQuery, Store } from '../repository.js';
import type { Db } from './open-database.js';
import { forwards, idempotencyKeys, outbox, rejectedDeliveries, webhookEvents } from './schema.js';

/**
 * The delivery log the HTTP API reads: stored deliveries newest first with the messages they made, the deliveries
 * refused with 4xx, and the Idempotency-Keys of hook creation.
 */
export function createDeliveryLog(db: Db) {
  const page = <T extends typeof webhookEvents | typeof rejectedDeliveries>(table: T, q: PageQuery) =>
    and(q.hookId !== undefined ? eq(table.hookId, q.hookId) : undefined, q.beforeId !== undefined ? lt(table.id, q.beforeId) : undefined,
      q.hookIds !== undefined ? inArray(table.hookId, q.hookIds) : undefined,
      q.since !== undefined ? gte(table.receivedAt, q.since) : undefined, q.until !== undefined ? lt(table.receivedAt, q.until) : undefined);

  /** Refused deliveries and finished idempotency keys older than `before` (ISO); how many refusals. */
  const prune = (before: string) => {
    db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before)).run();
    return db.delete(rejectedDeliveries).where(lt(rejectedDeliveries.receivedAt, before)).run().changes;
  };

  const methods: Pick<Store,
    'listEvents' | 'getEvent' | 'eventMessages' | 'recordRejections' | 'listRejections' | 'getRejection'
    | 'claimIdempotencyKey' | 'completeIdempotencyKey' | 'releaseIdempotencyKey' | 'eventForwards'> = {
    async listEvents(q) {
      return db.select().from(webhookEvents).where(page(webhookEvents, q)).orderBy(desc(webhookEvents.id)).limit(q.limit).all();
    },
    async getEvent(id) {
      return db.select().from(webhookEvents).where(eq(webhookEvents.id, id)).get();
    },
    async eventForwards(eventIds) {
      if (eventIds.length === 0) return [];
      return db.select().from(forwards).where(inArray(forwards.eventId, eventIds)).orderBy(asc(forwards.id)).all();
    },
    async eventMessages(eventIds) {
      if (eventIds.length === 0) return [];
      return db.select().from(outbox).where(inArray(outbox.eventId, eventIds)).orderBy(asc(outbox.id)).all();
    },
    async recordRejections(rows) {
      if (rows.length === 0) return;
      writeTx(db, () => {
        for (const r of rows) db.insert(rejectedDeliveries).values(r).run();
      });
    },
    async listRejections(q) {
      return db.select().from(rejectedDeliveries).where(page(rejectedDeliveries, q)).orderBy(desc(rejectedDeliveries.id)).limit(q.limit).all();
    },
    async getRejection(id) {
      return db.select().from(rejectedDeliveries).where(eq(rejectedDeliveries.id, id)).get();
    },
    async claimIdempotencyKey(key, fingerprint, at) {
      return writeTx(db, () => {
        const inserted = db.insert(idempotencyKeys).values({ key, fingerprint, createdAt: at }).onConflictDoNothing().run().changes > 0;
        if (inserted) return { claimed: true } as const;
        const seen = db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key)).get()!;
        return { claimed: false, hookId: seen.hookId, fingerprint: seen.fingerprint } as const;
      });
    },
    async completeIdempotencyKey(key, hookId) {
      db.update(idempotencyKeys).set({ hookId }).where(eq(idempotencyKeys.key, key)).run();
    },
    async releaseIdempotencyKey(key) {
      db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.key, key), isNull(idempotencyKeys.hookId))).run();
    },
  };
  return { prune, methods };
}
