import { and, asc, desc, eq, gte, inArray, isNull, lt } from 'drizzle-orm';
import type { PageQuery, Store } from '../repository.js';
import type { Db, Q } from './open-database.js';
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

  /** Refused deliveries and idempotency keys older than `before` (ISO); how many refusals. */
  const prune = async (q: Q, before: string) => {
    await q.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before));
    return (await q.delete(rejectedDeliveries).where(lt(rejectedDeliveries.receivedAt, before))).rowCount ?? 0;
  };

  const methods: Pick<Store,
    'listEvents' | 'getEvent' | 'eventMessages' | 'recordRejections' | 'listRejections' | 'getRejection'
    | 'claimIdempotencyKey' | 'completeIdempotencyKey' | 'releaseIdempotencyKey' | 'eventForwards'> = {
    async listEvents(q) {
      return db.select().from(webhookEvents).where(page(webhookEvents, q)).orderBy(desc(webhookEvents.id)).limit(q.limit);
    },
    async getEvent(id) {
      return (await db.select().from(webhookEvents).where(eq(webhookEvents.id, id)))[0];
    },
    async eventForwards(eventIds) {
      if (eventIds.length === 0) return [];
      return db.select().from(forwards).where(inArray(forwards.eventId, eventIds)).orderBy(asc(forwards.id));
    },
    async eventMessages(eventIds) {
      if (eventIds.length === 0) return [];
      return db.select().from(outbox).where(inArray(outbox.eventId, eventIds)).orderBy(asc(outbox.id));
    },
    async recordRejections(rows) {
      if (rows.length === 0) return;
      await db.insert(rejectedDeliveries).values(rows);
    },
    async listRejections(q) {
      return db.select().from(rejectedDeliveries).where(page(rejectedDeliveries, q)).orderBy(desc(rejectedDeliveries.id)).limit(q.limit);
    },
    async getRejection(id) {
      return (await db.select().from(rejectedDeliveries).where(eq(rejectedDeliveries.id, id)))[0];
    },
    async claimIdempotencyKey(key, fingerprint, at) {
      // ON CONFLICT DO NOTHING waits for a concurrent claim of the same key to commit, then the select sees it.
      const inserted = await db.insert(idempotencyKeys).values({ key, fingerprint, createdAt: at }).onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      if (inserted.length > 0) return { claimed: true } as const;
      const [seen] = await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
      // Released between the two statements: the key is free again, so claim it now.
      if (!seen) return methods.claimIdempotencyKey(key, fingerprint, at);
      return { claimed: false, hookId: seen.hookId, fingerprint: seen.fingerprint } as const;
    },
    async completeIdempotencyKey(key, hookId) {
      await db.update(idempotencyKeys).set({ hookId }).where(eq(idempotencyKeys.key, key));
    },
    async releaseIdempotencyKey(key) {
      await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.key, key), isNull(idempotencyKeys.hookId)));
    },
  };
  return { prune, methods };
}
