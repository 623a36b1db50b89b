import { and, asc, count, eq, lt, lte, sql } from 'drizzle-orm';
import type { ForwardRowState } from '../../types.js';
import type { NewForward, Store } from '../repository.js';
import type { Db } from './open-database.js';
import { forwards } from './schema.js';

/** Outgoing forwards: a durable queue of signed POSTs to a hook's `url` (the hook's forward state is in hooks.ts). */
export function createForwards(db: Db) {
  /** Queues a forward, unless one with its message id is queued already. */
  const insert = (f: NewForward, at: string, eventId?: number) => {
    db.insert(forwards).values({ ...f, eventId: eventId ?? null, createdAt: at }).onConflictDoNothing().run();
  };
  const failPending = (hookId: string, why: string) =>
    db.update(forwards).set({ state: 'failed', lastError: why })
      .where(and(eq(forwards.hookId, hookId), eq(forwards.state, 'pending'))).run().changes;
  /** Sent forwards created before `before`. */
  const prune = (before: string) => {
    db.delete(forwards).where(and(eq(forwards.state, 'sent'), lt(forwards.createdAt, before))).run();
  };

  const methods: Pick<Store,
    'dueForwards' | 'nextForwardDueAt' | 'markForward' | 'failPendingForwards' | 'replayForwards' | 'forwardCounts'> = {
    async dueForwards(nowMs, limit) {
      return db.select().from(forwards).where(and(eq(forwards.state, 'pending'), lte(forwards.nextAttemptAt, nowMs)))
        .orderBy(asc(forwards.id)).limit(limit).all();
    },
    async nextForwardDueAt() {
      return db.select({ at: sql<number | null>`min(${forwards.nextAttemptAt})` }).from(forwards)
        .where(eq(forwards.state, 'pending')).get()?.at ?? undefined;
    },
    async markForward(id, patch) {
      db.update(forwards).set(patch).where(eq(forwards.id, id)).run();
    },
    async failPendingForwards(hookId, why) {
      return failPending(hookId, why);
    },
    async replayForwards(hookId, nowMs) {
      return db.update(forwards).set({ state: 'pending', attempts: 0, nextAttemptAt: nowMs, lastError: null })
        .where(and(eq(forwards.hookId, hookId), eq(forwards.state, 'failed'))).run().changes;
    },
    async forwardCounts(hookId) {
      const rows = db.select({ state: forwards.state, n: count() }).from(forwards).where(eq(forwards.hookId, hookId))
        .groupBy(forwards.state).all();
      const get = (st: ForwardRowState) => rows.find((r) => r.state === st)?.n ?? 0;
      return { pending: get('pending'), failed: get('failed'), sent: get('sent') };
    },
  };
  return { insert, failPending, prune, methods };
}
