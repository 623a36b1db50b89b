import { writeTx } from './open-database.js';
import { and, asc, count, eq, gte, inArray, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import type { CiUpdate, NewOutboxRow, Store } from '../repository.js';
import type { createCiRuns } from './ci-runs.js';
import type { Db } from './open-database.js';
import type { createThreads } from './threads.js';
import { outbox } from './schema.js';

/**
 * The outbox: one row per Discord message to post, in order per channel; retries send the nonce
 * `hookbot-<id of the pack's head>`.
 */
export function createOutbox(db: Db, ciRuns: ReturnType<typeof createCiRuns>, threads: ReturnType<typeof createThreads>) {
  const insertOutboxStmt = db.insert(outbox).values({
    eventId: sql.placeholder('eventId'), hookId: sql.placeholder('hookId'), channelId: sql.placeholder('channelId'),
    body: sql`${sql.placeholder('body')}`, line: sql.placeholder('line'), editOf: sql.placeholder('editOf'),
    createdAt: sql.placeholder('createdAt'), threadKey: sql.placeholder('threadKey'), thread: sql`${sql.placeholder('thread')}`,
  }).prepare();
  const headsStmt = db.select({ id: sql<number>`min(${outbox.id})` }).from(outbox)
    .where(eq(outbox.state, 'pending')).groupBy(outbox.channelId, outbox.threadKey).prepare();
  const unpackedStmt = db.select().from(outbox)
    .where(and(eq(outbox.channelId, sql.placeholder('channelId')), eq(outbox.state, 'pending'), isNull(outbox.packId),
      gte(outbox.id, sql.placeholder('fromId'))))
    .orderBy(asc(outbox.id)).limit(sql.placeholder('limit')).prepare();
  const nextDueStmt = db.select({ at: sql<number | null>`min(${outbox.nextAttemptAt})` }).from(outbox)
    .where(eq(outbox.state, 'pending')).prepare();
  const queueDepthStmt = db.select({ n: count() }).from(outbox).where(eq(outbox.state, 'pending')).prepare();
  const markSentStmt = db.update(outbox)
    .set({ state: 'sent', messageId: sql`${sql.placeholder('messageId')}`, sentAt: sql`${sql.placeholder('at')}`, lastError: null })
    .where(or(eq(outbox.id, sql.placeholder('id')), eq(outbox.packId, sql.placeholder('id')))).prepare();

  /**
   * Queues messages (inside the caller's transaction). With `ci`, a `live` message becomes the run's live message
   * and an `edit` edits it: skipped when the live message was never queued, and replacing older edits not yet tried.
   */
  const insert = (messages: NewOutboxRow[], at: string, eventId?: number, ci?: CiUpdate) => {
    for (const m of messages) {
      let editOf: number | null = null;
      if (m.ci === 'edit' && ci) {
        editOf = ciRuns.liveOutboxId(ci);
        if (editOf === null) continue; // its live message was never queued (filtered out)
        // Only the newest edit matters: older ones not yet attempted are dropped.
        db.update(outbox).set({ state: 'superseded' })
          .where(and(eq(outbox.editOf, editOf), eq(outbox.state, 'pending'), eq(outbox.attempts, 0))).run();
      }
      const r = insertOutboxStmt.run({
        eventId: eventId ?? null, hookId: m.hookId ?? null, channelId: m.channelId, body: JSON.stringify(m.body),
        line: m.line ?? null, editOf, createdAt: at,
        threadKey: m.thread && m.hookId ? `${m.hookId}/${m.thread.subject}` : null, thread: m.thread && m.hookId ? JSON.stringify(m.thread) : null,
      });
      if (m.ci === 'live' && ci) ciRuns.setLiveOutbox(ci, Number(r.lastInsertRowid));
      if (m.thread && m.hookId) {
        if (m.thread.step === 'starter') threads.open(m.hookId, m.channelId, m.thread, at);
        else if (m.thread.branch !== undefined) threads.setBranch(m.hookId, m.thread.subject, m.thread.branch);
      }
    }
  };
  const failPendingOfHook = (hookId: string, why: string) => {
    db.update(outbox).set({ state: 'failed', lastError: why })
      .where(and(eq(outbox.hookId, hookId), eq(outbox.state, 'pending'))).run();
  };
  /** Finished rows (anything but pending) created before `before`; how many. */
  const prune = (before: string) =>
    db.delete(outbox).where(and(ne(outbox.state, 'pending'), lt(outbox.createdAt, before))).run().changes;

  const methods: Pick<Store,
    'enqueue' | 'dueOutbox' | 'nextDueAt' | 'unpackedInChannel' | 'assignPack' | 'packMembers' | 'markSent' | 'markRetry'
    | 'markFailed' | 'getOutbox' | 'queueDepth'> = {
    async enqueue(messages, at) {
      writeTx(db, () => insert(messages, at));
    },
    async dueOutbox(nowMs, limit) {
      const heads = headsStmt.all().map((r) => r.id);
      if (heads.length === 0) return [];
      return db.select().from(outbox)
        .where(and(inArray(outbox.id, heads), lte(outbox.nextAttemptAt, nowMs)))
        .orderBy(asc(outbox.id)).limit(limit).all();
    },
    async nextDueAt() {
      return nextDueStmt.get()?.at ?? undefined;
    },
    async unpackedInChannel(channelId, fromId, limit) {
      return unpackedStmt.all({ channelId, fromId, limit });
    },
    async assignPack(headId, memberIds, packBody) {
      writeTx(db, (tx) => {
        tx.update(outbox).set({ packId: headId }).where(inArray(outbox.id, [headId, ...memberIds])).run();
        tx.update(outbox).set({ packBody }).where(eq(outbox.id, headId)).run();
      });
    },
    async packMembers(headId) {
      return db.select().from(outbox).where(eq(outbox.packId, headId)).orderBy(asc(outbox.id)).all();
    },
    async markSent(id, messageId, at) {
      markSentStmt.run({ id, messageId, at });
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
      return queueDepthStmt.get()?.n ?? 0;
    },
  };
  return { insert, failPendingOfHook, prune, methods };
}
