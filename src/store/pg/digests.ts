import { and, asc, eq, gt, isNull, lte, min } from 'drizzle-orm';
import type { DueDigest, NewDigestItem, Store } from '../repository.js';
import type { Db, Q } from './open-database.js';
import type { createOutbox } from './outbox.js';
import { digestItems } from './schema.js';

/** Items of the hook's own digest (channel null) or of a route channel's. */
const ofChannel = (channelId: string | null | undefined) => (channelId ? eq(digestItems.channelId, channelId) : isNull(digestItems.channelId));

/** Events waiting in a hook's digest window; stored so a restart mid-window loses nothing. */
export function createDigests(db: Db, outbox: ReturnType<typeof createOutbox>) {
  const add = async (q: Q, d: NewDigestItem, at: string) => {
    await q.insert(digestItems).values({ ...d, channelId: d.channelId ?? null, createdAt: at });
  };
  const deleteOfHook = async (q: Q, hookId: string) => {
    await q.delete(digestItems).where(eq(digestItems.hookId, hookId));
  };

  const methods: Pick<Store, 'openDigestWindow' | 'dueDigests' | 'completeDigest' | 'nextDigestAt'> = {
    async openDigestWindow(hookId, nowMs, channelId) {
      return (await db.select({ end: min(digestItems.windowEnd) }).from(digestItems)
        .where(and(eq(digestItems.hookId, hookId), ofChannel(channelId), gt(digestItems.windowEnd, nowMs))))[0]?.end ?? undefined;
    },
    async dueDigests(nowMs) {
      const rows = await db.select().from(digestItems).where(lte(digestItems.windowEnd, nowMs)).orderBy(asc(digestItems.id));
      const groups = new Map<string, DueDigest>();
      for (const r of rows) {
        const key = `${r.hookId}:${r.channelId ?? ''}:${r.windowEnd}`;
        const g = groups.get(key) ?? { hookId: r.hookId, channelId: r.channelId, windowEnd: r.windowEnd, windowSeconds: r.windowSeconds, items: [] };
        g.items.push(r.item);
        groups.set(key, g);
      }
      return [...groups.values()];
    },
    async completeDigest(hookId, windowEnd, message, at, channelId) {
      await db.transaction(async (tx) => {
        const items = await tx.delete(digestItems).where(and(eq(digestItems.hookId, hookId), ofChannel(channelId), eq(digestItems.windowEnd, windowEnd)))
          .returning({ id: digestItems.id });
        // Another process completed this window first (its delete made this one wait, then find nothing): once only.
        if (items.length > 0) await outbox.insert(tx, [message], at);
      });
    },
    async nextDigestAt() {
      return (await db.select({ at: min(digestItems.windowEnd) }).from(digestItems))[0]?.at ?? undefined;
    },
  };
  return { add, deleteOfHook, methods };
}
