import { and, asc, desc, eq, gte, isNull, lt, lte, ne, or, sql, inArray, count } from 'drizzle-orm';
import type { Db } from './open-database.js';
import { meta, outbox, webhookEvents, webhooks } from './schema.js';

export type Hook = typeof webhooks.$inferSelect;
export type NewHook = Omit<typeof webhooks.$inferInsert, 'id'>;
export type StoredEvent = typeof webhookEvents.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
export type NewOutboxRow = Pick<OutboxRow, 'channelId' | 'body'> & { hookId?: string | null; line?: string | null };

/**
 * Everything hookbot keeps, behind repository functions. Async on purpose: a PostgreSQL backend
 * (drizzle's pg dialect) is planned, so nothing outside this file may depend on SQLite.
 */
export interface Store {
  createHook(input: NewHook): Promise<Hook>;
  getHook(id: string): Promise<Hook | undefined>;
  findHook(channelId: string, service: string): Promise<Hook | undefined>;
  listHooks(guildId: string): Promise<Hook[]>;
  updateHook(id: string, patch: Partial<NewHook>): Promise<Hook | undefined>;
  deleteHook(id: string): Promise<boolean>;
  /** Stores a delivery; `duplicate` when the same (hook, delivery id) was stored before. */
  insertEvent(e: Omit<typeof webhookEvents.$inferInsert, 'id'>): Promise<{ id: number; duplicate: boolean }>;
  getEvent(id: number): Promise<StoredEvent | undefined>;
  latestEvent(hookId: string): Promise<StoredEvent | undefined>;
  unprocessedEvents(limit: number): Promise<StoredEvent[]>;
  /** Marks the event processed and queues its messages, atomically. */
  completeEvent(eventId: number, outcome: string, messages: NewOutboxRow[], at: string): Promise<void>;
  enqueue(messages: NewOutboxRow[], at: string): Promise<void>;
  /** The oldest pending row of every channel whose row is due (per-channel order is kept). */
  dueOutbox(nowMs: number, limit: number): Promise<OutboxRow[]>;
  nextDueAt(): Promise<number | undefined>;
  /** Pending rows of a channel not yet in a pack, oldest first. */
  unpackedInChannel(channelId: string, fromId: number, limit: number): Promise<OutboxRow[]>;
  /** Freezes which rows one Discord message carries (and its combined body), before its first attempt. */
  assignPack(headId: number, memberIds: number[], packBody: Record<string, unknown> | null): Promise<void>;
  packMembers(headId: number): Promise<OutboxRow[]>;
  /** Marks a row and every row of its pack sent. */
  markSent(id: number, messageId: string, at: string): Promise<void>;
  markRetry(id: number, attempts: number, nextAttemptAt: number, error: string): Promise<void>;
  markFailed(id: number, error: string): Promise<void>;
  getOutbox(id: number): Promise<OutboxRow | undefined>;
  queueDepth(): Promise<number>;
  /**
   * Deletes processed events received before `before`, then the oldest processed ones beyond `maxEvents`;
   * and finished outbox rows created before `before`. Unprocessed events and pending messages are never pruned.
   */
  prune(before: string, maxEvents: number): Promise<{ events: number; messages: number }>;
  ping(): Promise<boolean>;
}

export function createStore(db: Db): Store {
  const nextHookId = () => db.transaction((tx) => {
    const row = tx.select().from(meta).where(eq(meta.key, 'next_hook')).get();
    const n = row ? Number(row.value) : 1;
    tx.insert(meta).values({ key: 'next_hook', value: String(n + 1) })
      .onConflictDoUpdate({ target: meta.key, set: { value: String(n + 1) } }).run();
    return `hook_${String(n).padStart(3, '0')}`;
  });

  const insertOutbox = (tx: Pick<Db, 'insert' | 'update'>, messages: NewOutboxRow[], at: string, eventId?: number) => {
    for (const m of messages) {
      const row = tx.insert(outbox).values({
        eventId: eventId ?? null, hookId: m.hookId ?? null, channelId: m.channelId, body: m.body, line: m.line ?? null,
        nonce: 'pending', createdAt: at,
      }).returning({ id: outbox.id }).get();
      // Discord keeps a nonce for a few minutes; with enforce_nonce a retried POST returns the first message.
      tx.update(outbox).set({ nonce: `hookbot-${row.id}` }).where(eq(outbox.id, row.id)).run();
    }
  };

  return {
    async createHook(input) {
      const id = nextHookId();
      return db.insert(webhooks).values({ ...input, id }).returning().get();
    },
    async getHook(id) {
      return db.select().from(webhooks).where(eq(webhooks.id, id)).get();
    },
    async findHook(channelId, service) {
      return db.select().from(webhooks)
        .where(and(eq(webhooks.channelId, channelId), eq(webhooks.service, service)))
        .orderBy(asc(webhooks.createdAt)).get();
    },
    async listHooks(guildId) {
      return db.select().from(webhooks).where(eq(webhooks.guildId, guildId)).orderBy(asc(webhooks.id)).all();
    },
    async updateHook(id, patch) {
      return db.update(webhooks).set(patch).where(eq(webhooks.id, id)).returning().get();
    },
    async deleteHook(id) {
      return db.transaction((tx) => {
        const gone = tx.delete(webhooks).where(eq(webhooks.id, id)).run().changes > 0;
        tx.delete(webhookEvents).where(eq(webhookEvents.hookId, id)).run();
        tx.update(outbox).set({ state: 'failed', lastError: 'hook deleted' })
          .where(and(eq(outbox.hookId, id), eq(outbox.state, 'pending'))).run();
        return gone;
      });
    },
    async insertEvent(e) {
      const row = db.insert(webhookEvents).values(e).onConflictDoNothing().returning({ id: webhookEvents.id }).get();
      if (row) return { id: row.id, duplicate: false };
      const existing = db.select({ id: webhookEvents.id }).from(webhookEvents)
        .where(and(eq(webhookEvents.hookId, e.hookId), eq(webhookEvents.deliveryId, e.deliveryId))).get();
      return { id: existing!.id, duplicate: true };
    },
    async getEvent(id) {
      return db.select().from(webhookEvents).where(eq(webhookEvents.id, id)).get();
    },
    async latestEvent(hookId) {
      return db.select().from(webhookEvents).where(eq(webhookEvents.hookId, hookId))
        .orderBy(desc(webhookEvents.id)).limit(1).get();
    },
    async unprocessedEvents(limit) {
      return db.select().from(webhookEvents).where(eq(webhookEvents.processed, false))
        .orderBy(asc(webhookEvents.id)).limit(limit).all();
    },
    async completeEvent(eventId, outcome, messages, at) {
      db.transaction((tx) => {
        const done = tx.update(webhookEvents).set({ processed: true, processedAt: at, outcome })
          .where(and(eq(webhookEvents.id, eventId), eq(webhookEvents.processed, false))).run();
        if (done.changes > 0) insertOutbox(tx, messages, at, eventId);
      });
    },
    async enqueue(messages, at) {
      db.transaction((tx) => insertOutbox(tx, messages, at));
    },
    async dueOutbox(nowMs, limit) {
      const heads = db.select({ id: sql<number>`min(${outbox.id})` }).from(outbox)
        .where(eq(outbox.state, 'pending')).groupBy(outbox.channelId).all().map((r) => r.id);
      if (heads.length === 0) return [];
      return db.select().from(outbox)
        .where(and(inArray(outbox.id, heads), lte(outbox.nextAttemptAt, nowMs)))
        .orderBy(asc(outbox.id)).limit(limit).all();
    },
    async nextDueAt() {
      const row = db.select({ at: sql<number | null>`min(${outbox.nextAttemptAt})` }).from(outbox)
        .where(eq(outbox.state, 'pending')).get();
      return row?.at ?? undefined;
    },
    async unpackedInChannel(channelId, fromId, limit) {
      return db.select().from(outbox)
        .where(and(eq(outbox.channelId, channelId), eq(outbox.state, 'pending'), isNull(outbox.packId), gte(outbox.id, fromId)))
        .orderBy(asc(outbox.id)).limit(limit).all();
    },
    async assignPack(headId, memberIds, packBody) {
      db.transaction((tx) => {
        tx.update(outbox).set({ packId: headId }).where(inArray(outbox.id, [headId, ...memberIds])).run();
        tx.update(outbox).set({ packBody }).where(eq(outbox.id, headId)).run();
      });
    },
    async packMembers(headId) {
      return db.select().from(outbox).where(eq(outbox.packId, headId)).orderBy(asc(outbox.id)).all();
    },
    async markSent(id, messageId, at) {
      db.update(outbox).set({ state: 'sent', messageId, sentAt: at, lastError: null })
        .where(or(eq(outbox.id, id), eq(outbox.packId, id))).run();
    },
    async markRetry(id, attempts, nextAttemptAt, error) {
      db.update(outbox).set({ attempts, nextAttemptAt, lastError: error }).where(eq(outbox.id, id)).run();
    },
    async markFailed(id, error) {
      db.update(outbox).set({ state: 'failed', lastError: error }).where(or(eq(outbox.id, id), eq(outbox.packId, id))).run();
    },
    async getOutbox(id) {
      return db.select().from(outbox).where(eq(outbox.id, id)).get();
    },
    async queueDepth() {
      return db.select({ n: count() }).from(outbox).where(eq(outbox.state, 'pending')).get()?.n ?? 0;
    },
    async prune(before, maxEvents) {
      return db.transaction((tx) => {
        let events = tx.delete(webhookEvents)
          .where(and(eq(webhookEvents.processed, true), lt(webhookEvents.receivedAt, before))).run().changes;
        const total = tx.select({ n: count() }).from(webhookEvents).get()?.n ?? 0;
        if (total > maxEvents) {
          const keepFrom = tx.select({ id: webhookEvents.id }).from(webhookEvents)
            .orderBy(desc(webhookEvents.id)).limit(1).offset(maxEvents - 1).get();
          if (keepFrom) {
            events += tx.delete(webhookEvents)
              .where(and(eq(webhookEvents.processed, true), lt(webhookEvents.id, keepFrom.id))).run().changes;
          }
        }
        const messages = tx.delete(outbox)
          .where(and(ne(outbox.state, 'pending'), lt(outbox.createdAt, before))).run().changes;
        return { events, messages };
      });
    },
    async ping() {
      return db.get<{ ok: number }>(sql`select 1 as ok`)?.ok === 1;
    },
  };
}
