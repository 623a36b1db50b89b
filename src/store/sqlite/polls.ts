import { writeTx } from './open-database.js';
import { and, asc, eq, inArray, lt, lte } from 'drizzle-orm';
import type { PollConfig, Store } from '../repository.js';
import type { Db } from './open-database.js';
import { pollSeen, pollSources, webhooks } from './schema.js';

/** SQLite's limit on bound parameters is 32766; ids go in chunks well under it. */
const CHUNK = 500;
const chunks = <T>(xs: T[]) => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));

/** Whether two configs poll the same thing (the interval aside): a different one starts from a new baseline. */
export const sameSource = (a: PollConfig, b: PollConfig) =>
  a.kind === b.kind && a.url === b.url && a.itemsPath === b.itemsPath && a.idField === b.idField;

/** Poll sources (`poll_sources`) and the item ids each has seen (`poll_seen`). */
export function createPolls(db: Db) {
  /** Records ids as seen now (inside the caller's transaction) and forgets those not seen since `forgetBefore`. */
  const markSeen = (hookId: string, itemIds: string[], nowMs: number, forgetBefore: number) => {
    for (const ids of chunks([...new Set(itemIds)])) {
      db.insert(pollSeen).values(ids.map((itemId) => ({ hookId, itemId, seenAt: nowMs })))
        .onConflictDoUpdate({ target: [pollSeen.hookId, pollSeen.itemId], set: { seenAt: nowMs } }).run();
    }
    db.delete(pollSeen).where(and(eq(pollSeen.hookId, hookId), lt(pollSeen.seenAt, forgetBefore))).run();
  };
  const deleteOfHook = (hookId: string) => {
    db.delete(pollSources).where(eq(pollSources.hookId, hookId)).run();
    db.delete(pollSeen).where(eq(pollSeen.hookId, hookId)).run();
  };

  const methods: Pick<Store, 'setPollSource' | 'getPollSource' | 'pollSources' | 'claimDuePolls' | 'finishPoll' | 'seenPollItems'> = {
    async setPollSource(hookId, config, nextPollAt, at) {
      return writeTx(db, () => {
        const before = db.select().from(pollSources).where(eq(pollSources.hookId, hookId)).get();
        const fresh = !before || !sameSource(before, config);
        if (before && fresh) db.delete(pollSeen).where(eq(pollSeen.hookId, hookId)).run();
        const reset = { failures: 0, failingSince: null, paused: false, nextPollAt };
        const restart = fresh ? { baselined: false, etag: null, lastModified: null, freshUntil: 0, itemCount: null } : {};
        return db.insert(pollSources).values({ hookId, ...config, ...reset, createdAt: at })
          .onConflictDoUpdate({ target: pollSources.hookId, set: { ...config, ...reset, ...restart } }).returning().all()[0];
      });
    },
    async getPollSource(hookId) {
      return db.select().from(pollSources).where(eq(pollSources.hookId, hookId)).get();
    },
    async pollSources(hookIds) {
      if (hookIds && hookIds.length === 0) return [];
      const of = hookIds ? inArray(pollSources.hookId, hookIds) : undefined;
      return db.select().from(pollSources).where(of).orderBy(asc(pollSources.hookId)).all();
    },
    async claimDuePolls(nowMs, leaseUntil, limit) {
      // One statement: SQLite runs it under its write lock, so two connections never claim the same row.
      const due = db.select({ id: pollSources.hookId }).from(pollSources).innerJoin(webhooks, eq(webhooks.id, pollSources.hookId))
        .where(and(eq(pollSources.paused, false), eq(webhooks.enabled, true), lte(pollSources.nextPollAt, nowMs)))
        .orderBy(asc(pollSources.nextPollAt)).limit(limit);
      return db.update(pollSources).set({ nextPollAt: leaseUntil })
        .where(and(inArray(pollSources.hookId, due), lte(pollSources.nextPollAt, nowMs))).returning().all();
    },
    async finishPoll(hookId, claimedUntil, patch) {
      return db.update(pollSources).set(patch)
        .where(and(eq(pollSources.hookId, hookId), eq(pollSources.nextPollAt, claimedUntil))).run().changes > 0;
    },
    async seenPollItems(hookId, itemIds) {
      const out: string[] = [];
      for (const ids of chunks([...new Set(itemIds)])) {
        const rows = db.select({ id: pollSeen.itemId }).from(pollSeen)
          .where(and(eq(pollSeen.hookId, hookId), inArray(pollSeen.itemId, ids))).all();
        out.push(...rows.map((r) => r.id));
      }
      return out;
    },
  };
  return { markSeen, deleteOfHook, methods };
}
