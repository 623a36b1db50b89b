import { and, asc, eq, inArray, lt, lte } from 'drizzle-orm';
import type { PollConfig, PollSource, Store } from '../repository.js';
import type { Q, Tx } from './open-database.js';
import { pollSeen, pollSources, webhooks } from './schema.js';

/** Ids per statement (3 parameters each, well under PostgreSQL's 65535). */
const CHUNK = 2_000;
const chunks = <T>(xs: T[]) => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));

/** Whether two configs poll the same thing (the interval aside): a different one starts from a new baseline. */
const sameSource = (a: PollConfig, b: PollConfig) =>
  a.kind === b.kind && a.url === b.url && a.itemsPath === b.itemsPath && a.idField === b.idField;

/** Poll sources (`poll_sources`) and the item ids each has seen (`poll_seen`); see ../sqlite/polls.ts. */
export function createPolls(db: Q, transaction: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>) {
  /** Records ids as seen now (inside the caller's transaction) and forgets those not seen since `forgetBefore`. */
  const markSeen = async (q: Q, hookId: string, itemIds: string[], nowMs: number, forgetBefore: number) => {
    for (const ids of chunks([...new Set(itemIds)].sort())) {
      await q.insert(pollSeen).values(ids.map((itemId) => ({ hookId, itemId, seenAt: nowMs })))
        .onConflictDoUpdate({ target: [pollSeen.hookId, pollSeen.itemId], set: { seenAt: nowMs } });
    }
    await q.delete(pollSeen).where(and(eq(pollSeen.hookId, hookId), lt(pollSeen.seenAt, forgetBefore)));
  };
  const deleteOfHook = async (q: Q, hookId: string) => {
    await q.delete(pollSources).where(eq(pollSources.hookId, hookId));
    await q.delete(pollSeen).where(eq(pollSeen.hookId, hookId));
  };

  const methods: Pick<Store, 'setPollSource' | 'getPollSource' | 'pollSources' | 'claimDuePolls' | 'finishPoll' | 'seenPollItems'> = {
    async setPollSource(hookId, config, nextPollAt, at) {
      return transaction(async (tx) => {
        const [before] = await tx.select().from(pollSources).where(eq(pollSources.hookId, hookId)).for('update');
        const fresh = !before || !sameSource(before, config);
        if (before && fresh) await tx.delete(pollSeen).where(eq(pollSeen.hookId, hookId));
        const reset = { failures: 0, failingSince: null, paused: false, nextPollAt };
        const restart = fresh ? { baselined: false, etag: null, lastModified: null, freshUntil: 0, itemCount: null } : {};
        const [row] = await tx.insert(pollSources).values({ hookId, ...config, ...reset, createdAt: at })
          .onConflictDoUpdate({ target: pollSources.hookId, set: { ...config, ...reset, ...restart } }).returning();
        return row;
      });
    },
    async getPollSource(hookId) {
      return (await db.select().from(pollSources).where(eq(pollSources.hookId, hookId)))[0];
    },
    async pollSources(hookIds) {
      if (hookIds && hookIds.length === 0) return [];
      const of = hookIds ? inArray(pollSources.hookId, hookIds) : undefined;
      return db.select().from(pollSources).where(of).orderBy(asc(pollSources.hookId));
    },
    async claimDuePolls(nowMs, leaseUntil, limit) {
      // Rows another process is claiming right now are skipped; the outer condition is checked again on the
      // latest row version (READ COMMITTED), so a row claimed meanwhile is not taken twice.
      const due = db.select({ id: pollSources.hookId }).from(pollSources).innerJoin(webhooks, eq(webhooks.id, pollSources.hookId))
        .where(and(eq(pollSources.paused, false), eq(webhooks.enabled, true), lte(pollSources.nextPollAt, nowMs)))
        .orderBy(asc(pollSources.nextPollAt)).limit(limit).for('update', { of: pollSources, skipLocked: true });
      const rows: PollSource[] = await db.update(pollSources).set({ nextPollAt: leaseUntil })
        .where(and(inArray(pollSources.hookId, due), lte(pollSources.nextPollAt, nowMs))).returning();
      return rows;
    },
    async finishPoll(hookId, claimedUntil, patch) {
      const r = await db.update(pollSources).set(patch)
        .where(and(eq(pollSources.hookId, hookId), eq(pollSources.nextPollAt, claimedUntil)));
      return (r.rowCount ?? 0) > 0;
    },
    async seenPollItems(hookId, itemIds) {
      const out: string[] = [];
      for (const ids of chunks([...new Set(itemIds)])) {
        const rows = await db.select({ id: pollSeen.itemId }).from(pollSeen)
          .where(and(eq(pollSeen.hookId, hookId), inArray(pollSeen.itemId, ids)));
        out.push(...rows.map((r) => r.id));
      }
      return out;
    },
  };
  return { markSeen, deleteOfHook, methods };
}
