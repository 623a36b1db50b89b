import { and, asc, eq, ne } from 'drizzle-orm';
import type { HookService } from '../../types.js';
import type { Store } from '../repository.js';
import type { createMeta } from './meta.js';
import type { Q } from './open-database.js';
import { webhooks } from './schema.js';

/**
 * Hooks, read from the database every time: several processes may share it, so a hook changed by one is seen by
 * the others at once (no cache to invalidate). Also the hook-row side of forwards (their state).
 */
export function createHooks(db: Q, meta: ReturnType<typeof createMeta>) {
  /** `hook_001`, `hook_002`, …: numbers are never reused, even after a hook is deleted, nor taken twice. */
  const nextHookId = async (q: Q) => `hook_${String(await meta.take(q, 'next_hook')).padStart(3, '0')}`;

  /** Deletes the hook's row; true when there was one. Its other rows are the caller's. */
  const deleteRow = async (q: Q, id: string) =>
    ((await q.delete(webhooks).where(eq(webhooks.id, id))).rowCount ?? 0) > 0;
  /** Records stored deliveries as the hooks' last ones (inside the caller's transaction), hooks in id order. */
  const touchDeliveries = async (q: Q, lastByHook: Map<string, string>) => {
    for (const id of [...lastByHook.keys()].sort()) {
      await q.update(webhooks).set({ lastDeliveryAt: lastByHook.get(id)! }).where(eq(webhooks.id, id));
    }
  };

  const methods: Pick<Store,
    'createHook' | 'getHook' | 'findHook' | 'listHooks' | 'hooksInChannel' | 'allHooks' | 'updateHook'
    | 'disableForward' | 'markForwardFailing'> = {
    async createHook({ id: given, ...input }) {
      const id = given ?? await nextHookId(db);
      return (await db.insert(webhooks).values({ ...input, id }).returning())[0];
    },
    async getHook(id) {
      return (await db.select().from(webhooks).where(eq(webhooks.id, id)))[0];
    },
    async findHook(channelId, service) {
      return (await db.select().from(webhooks).where(and(eq(webhooks.channelId, channelId), eq(webhooks.service, service as HookService)))
        .orderBy(asc(webhooks.createdAt), asc(webhooks.id)).limit(1))[0];
    },
    async listHooks(guildId) {
      return db.select().from(webhooks).where(eq(webhooks.guildId, guildId)).orderBy(asc(webhooks.id));
    },
    async hooksInChannel(channelId) {
      return db.select().from(webhooks).where(eq(webhooks.channelId, channelId)).orderBy(asc(webhooks.id));
    },
    async allHooks() {
      return db.select().from(webhooks).orderBy(asc(webhooks.id));
    },
    async updateHook(id, patch) {
      if (Object.keys(patch).length === 0) return methods.getHook(id);
      return (await db.update(webhooks).set(patch).where(eq(webhooks.id, id)).returning())[0];
    },
    async disableForward(hookId) {
      return ((await db.update(webhooks).set({ forwardState: 'disabled' })
        .where(and(eq(webhooks.id, hookId), ne(webhooks.forwardState, 'disabled')))).rowCount ?? 0) > 0;
    },
    async markForwardFailing(hookId) {
      return ((await db.update(webhooks).set({ forwardState: 'failing' })
        .where(and(eq(webhooks.id, hookId), eq(webhooks.forwardState, 'ok')))).rowCount ?? 0) > 0;
    },
  };
  return { deleteRow, touchDeliveries, methods };
}
