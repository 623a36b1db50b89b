import { and, asc, count, eq, gte, inArray, isNull, lt, lte, min, ne, or } from 'drizzle-orm';
import type { CiUpdate, NewOutboxRow, Store } from '../repository.js';
import type { createCiRuns } from './ci-runs.js';
import type { Db, Q } from './open-database.js';
import type { createThreads } from './threads.js';
import { outbox } from './schema.js';

/**
 * The outbox: one row per Discord message to post, in order per channel; retries send the nonce
 * `hookbot-<id of the pack's head>`.
 */
export function createOutbox(db: Db, ciRuns: ReturnType<typeof createCiRuns>, threads: ReturnType<typeof createThreads>) {
  /** The oldest pending row of each channel and of each thread queue (the only one that may be posted next). */
  const heads = db.select({ id: min(outbox.id) }).from(outbox).where(eq(outbox.state, 'pending')).groupBy(outbox.channelId, outbox.threadKey);

  /**
   * Queues messages (inside the caller's transaction). With `ci`, a `live` message becomes the run's live message
   * and an `edit` edits it: skipped when the live message was never queued, and replacing older edits not yet tried.
   */
  const insert = async (q: Q, messages: NewOutboxRow[], at: string, eventId?: number, ci?: CiUpdate) => {
    for (const m of messages) {
      let editOf: number | null = null;
      if (m.ci === 'edit' && ci) {
        editOf = await ciRuns.liveOutboxId(q, ci);
        if (editOf === null) continue; // its live message was never queued (filtered out)
        // Only the newest edit matters: older ones not yet attempted are dropped.
        await q.update(outbox).set({ state: 'superseded' })
          .where(and(eq(outbox.editOf, editOf), eq(outbox.state, 'pending'), eq(outbox.attempts, 0)));
      }
      const thread = m.thread && m.hookId ? m.thread : null;
      const [row] = await q.insert(outbox).values({
        eventId: eventId ?? null, hookId: m.hookId ?? null, channelId: m.channelId, body: m.body, line: m.line ?? null, editOf, createdAt: at,
        threadKey: thread ? `${m.hookId}/${thread.subject}` : null, thread,
      }).returning({ id: outbox.id });
      if (m.ci === 'live' && ci) await ciRuns.setLiveOutbox(q, ci, row.id);
      if (thread && m.hookId) {
        if (thread.step === 'starter') await threads.open(q, m.hookId, m.channelId, thread, at);
        else if (thread.branch !== undefined) await threads.setBranch(q, m.hookId, thread.subject, thread.branch);
      }
    }
  };
  const failPendingOfHook = async (q: Q, hookId: string, why: string) => {
    await q.update(outbox).set({ state: 'failed', lastError: why }).where(and(eq(outbox.hookId, hookId), eq(outbox.state, 'pending')));
  };
  /** Finished rows (anything but pending) created before `before`; how many. */
  const prune = async (q: Q, before: string) =>
    ((await q.delete(outbox).where(and(ne(outbox.state, 'pending'), lt(outbox.createdAt, before)))).rowCount ?? 0);

  const methods: Pick<Store,
    'enqueue' | 'dueOutbox' | 'nextDueAt' | 'unpackedInChannel' | 'assignPack' | 'packMembers' | 'markSent' | 'markRetry'
    | 'markFailed' | 'getOutbox' | 'queueDepth'> = {
    async enqueue(messages, at) {
      await db.transaction((tx) => insert(tx, messages, at));
    },
    async dueOutbox(nowMs, limit) {
      return db.select().from(outbox)
        .where(and(inArray(outbox.id, heads), lte(outbox.nextAttemptAt, nowMs)))
        .orderBy(asc(outbox.id)).limit(limit);
    },
    async nextDueAt() {
      return (await db.select({ at: min(outbox.nextAttemptAt) }).from(outbox).where(eq(outbox.state, 'pending')))[0]?.at ?? undefined;
    },
    async unpackedInChannel(channelId, fromId, limit) {
      return db.select().from(outbox)
        .where(and(eq(outbox.channelId, channelId), eq(outbox.state, 'pending'), isNull(outbox.packId), gte(outbox.id, fromId)))
        .orderBy(asc(outbox.id)).limit(limit);
    },
    async assignPack(headId, memberIds, packBody) {
      await db.transaction(async (tx) => {
        await tx.update(outbox).set({ packId: headId }).where(inArray(outbox.id, [headId, ...memberIds]));
        await tx.update(outbox).set({ packBody }).where(eq(outbox.id, headId));
      });
    },
    async packMembers(headId) {
      return db.select().from(outbox).where(eq(outbox.packId, headId)).orderBy(asc(outbox.id));
    },
    async markSent(id, messageId, at) {
      await db.update(outbox).set({ state: 'sent', messageId, sentAt: at, lastError: null }).where(or(eq(outbox.id, id), eq(outbox.packId, id)));
    },
    async markRetry(id, attempts, nextAttemptAt, error) {
      await db.update(outbox).set({ attempts, nextAttemptAt, lastError: error }).where(eq(outbox.id, id));
    },
    async markFailed(id, error) {
      await db.update(outbox).set({ state: 'failed', lastError: error }).where(or(eq(outbox.id, id), eq(outbox.packId, id)));
    },
    async getOutbox(id) {
      return (await db.select().from(outbox).where(eq(outbox.id, id)))[0];
    },
    async queueDepth() {
      return (await db.select({ n: count() }).from(outbox).where(eq(outbox.state, 'pending')))[0]?.n ?? 0;
    },
  };
  return { insert, failPendingOfHook, prune, methods };
}
