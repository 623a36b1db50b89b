import { and, asc, count, eq, lt, lte, min } from 'drizzle-orm';
import type { ForwardRowState } from '../../types.js';
import type { NewForward, Store } from '../repository.js';
import type { Q } from './open-database.js';
import { forwards } from './schema.js';

/** Outgoing forwards: a durable queue of signed POSTs to a hook's `url` (the hook's forward state is in hooks.ts). */
export function createForwards(db: Q) {
  /** Queues a forward, unless one with its message id is queued already. */
  const insert = async (q: Q, f: NewForward, at: string, eventId?: number) => {
    await q.insert(forwards).values({ ...f, eventId: eventId ?? null, createdAt: at }).onConflictDoNothing();
  };
  const failPending = async (q: Q, hookId: string, why: string) =>
    ((await q.update(forwards).set({ state: 'failed', lastError: why })
      .where(and(eq(forwards.hookId, hookId), eq(forwards.state, 'pending')))).rowCount ?? 0);
  /** Sent forwards created before `before`. */
  const prune = async (q: Q, before: string) => {
    await q.delete(forwards).where(and(eq(forwards.state, 'sent'), lt(forwards.createdAt, before)));
  };

  const methods: Pick<Store,
    'dueForwards' | 'nextForwardDueAt' | 'markForward' | 'failPendingForwards' | 'replayForwards' | 'forwardCounts'> = {
    async dueForwards(nowMs, limit) {
      return db.select().from(forwards).where(and(eq(forwards.state, 'pending'), lte(forwards.nextAttemptAt, nowMs)))
        .orderBy(asc(forwards.id)).limit(limit);
    },
    async nextForwardDueAt() {
      return (await db.select({ at: min(forwards.nextAttemptAt) }).from(forwards).where(eq(forwards.state, 'pending')))[0]?.at ?? undefined;
    },
    async markForward(id, patch) {
      if (Object.keys(patch).length === 0) return;
      await db.update(forwards).set(patch).where(eq(forwards.id, id));
    },
    async failPendingForwards(hookId, why) {
      return failPending(db, hookId, why);
    },
    async replayForwards(hookId, nowMs) {
      return ((await db.update(forwards).set({ state: 'pending', attempts: 0, nextAttemptAt: nowMs, lastError: null })
        .where(and(eq(forwards.hookId, hookId), eq(forwards.state, 'failed')))).rowCount ?? 0);
    },
    async forwardCounts(hookId) {
      const rows = await db.select({ state: forwards.state, n: count() }).from(forwards).where(eq(forwards.hookId, hookId))
        .groupBy(forwards.state);
      const get = (st: ForwardRowState) => rows.find((r) => r.state === st)?.n ?? 0;
      return { pending: get('pending'), failed: get('failed'), sent: get('sent') };
    },
  };
  return { insert, failPending, prune, methods };
}
