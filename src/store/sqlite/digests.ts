import { writeTx } from './open-database.js';
import { and, asc, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import type { DueDigest, NewDigestItem, Store } from '../repository.js';
import type { Db } from './open-database.js';
import type { createOutbox } from './outbox.js';
import { digestItems } from './schema.js';

/** Items of the hook's own digest (channel null) or of a route channel's. */
const ofChannel = (channelId: string | null | undefined) => (channelId ? eq(digestItems.channelId, channelId) : isNull(digestItems.channelId));

/** Events waiting in a hook's digest window; stored so a restart mid-window loses nothing. */
export function createDigests(db: Db, outbox: ReturnType<typeof createOutbox>) {
  const add = (d: NewDigestItem, at: string) => {
    db.insert(digestItems).values({ ...d, channelId: d.channelId ?? null, createdAt: at }).run();
  };
  const deleteOfHook = (hookId: string) => {
    db.delete(digestItems).where(eq(digestItems.hookId, hookId)).run();
  };

  const methods: Pick<Store, 'openDigestWindow' | 'dueDigests' | 'completeDigest' | 'nextDigestAt'> = {
    async openDigestWindow(hookId, nowMs, channelId) {
      return db.select({ end: sql<number | null>`min(${digestItems.windowEnd})` }).from(digestItems)
        .where(and(eq(digestItems.hookId, hookId), ofChannel(channelId), gt(digestItems.windowEnd, nowMs))).get()?.end ?? undefined;
    },
    async dueDigests(nowMs) {
      const rows = db.select().from(digestItems).where(lte(digestItems.windowEnd, nowMs)).orderBy(asc(digestItems.id)).all();
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
      writeTx(db, () => {
        db.delete(digestItems).where(and(eq(digestItems.hookId, hookId), ofChannel(channelId), eq(digestItems.windowEnd, windowEnd))).run();
        outbox.insert([message], at);
      });
    },
    async nextDigestAt() {
      return db.select({ at: sql<number | null>`min(${digestItems.windowEnd})` }).from(digestItems).get()?.at ?? undefined;
    },
  };
  return { add, deleteOfHook, methods };
}
