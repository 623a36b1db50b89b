import { writeTx } from './open-database.js';
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Hook, Store } from '../repository.js';
import type { createMeta } from './meta.js';
import type { Db } from './open-database.js';
import { webhooks } from './schema.js';

/** How a connection treats hook rows: cached (the ingest connection) or read each time; who to tell of a write. */
export interface HookCacheOptions {
  /** Keep hooks in memory (default). A second connection (the processing worker) reads them each time instead. */
  cache?: boolean;
  /** Called after this connection wrote a hook row, so another thread's cache can drop it. */
  onWrite?: (id: string) => void;
}

/** Hooks, read through a cache of frozen rows; also the hook-row side of forwards (their state). */
export function createHooks(db: Db, meta: ReturnType<typeof createMeta>, opts: HookCacheOptions = {}) {
  const caching = opts.cache !== false;
  const wrote = (id: string) => opts.onWrite?.(id);
  // Prepared once: the ingest path runs these for every delivery.
  const getHookStmt = db.select().from(webhooks).where(eq(webhooks.id, sql.placeholder('id'))).prepare();
  const findHookStmt = db.select().from(webhooks)
    .where(and(eq(webhooks.channelId, sql.placeholder('channelId')), eq(webhooks.service, sql.placeholder('service'))))
    .orderBy(asc(webhooks.createdAt)).prepare();
  const touchHookStmt = db.update(webhooks).set({ lastDeliveryAt: sql`${sql.placeholder('at')}` })
    .where(eq(webhooks.id, sql.placeholder('id'))).prepare();

  /**
   * Hooks by id, read once: every delivery and every posted message looks its hook up, and reading the JSON columns
   * again each time was a tenth of the ingest CPU. Every write to `webhooks` goes through this module and refreshes
   * or drops the entry; entries are frozen so that no caller can change a hook without writing it.
   */
  const hookCache = new Map<string, Hook | undefined>();
  const frozen = (h: Hook | undefined): Hook | undefined => {
    if (!h) return h;
    for (const v of Object.values(h)) if (v && typeof v === 'object') Object.freeze(v);
    return Object.freeze(h);
  };
  const cacheHook = (id: string, h: Hook | undefined) => {
    if (caching) hookCache.set(id, frozen(h));
    return h;
  };
  /** Another thread or process changed the hook: read it again next time. */
  const forget = (id: string) => {
    hookCache.delete(id);
  };

  /** `hook_001`, `hook_002`, …: numbers are never reused, even after a hook is deleted. */
  const nextHookId = () => writeTx(db, () => {
    const stored = meta.get('next_hook');
    const n = stored !== undefined ? Number(stored) : 1;
    meta.set('next_hook', String(n + 1));
    return `hook_${String(n).padStart(3, '0')}`;
  });

  /** Deletes the hook's row (and its cache entry); true when there was one. Its other rows are the caller's. */
  const deleteRow = (id: string) => {
    const gone = db.delete(webhooks).where(eq(webhooks.id, id)).run().changes > 0;
    hookCache.delete(id);
    wrote(id);
    return gone;
  };
  /** Records a stored delivery as the hook's last one (inside the caller's transaction). */
  const touchDelivery = (id: string, at: string) => {
    touchHookStmt.run({ id, at });
  };
  /** After the transaction of touchDelivery committed: the cached hook says so too. */
  const cacheDelivery = (id: string, at: string) => {
    const cached = hookCache.get(id);
    if (cached) hookCache.set(id, Object.freeze({ ...cached, lastDeliveryAt: at }));
  };

  const methods: Pick<Store,
    'createHook' | 'getHook' | 'findHook' | 'listHooks' | 'hooksInChannel' | 'allHooks' | 'updateHook'
    | 'disableForward' | 'markForwardFailing'> = {
    async createHook({ id: given, ...input }) {
      const id = given ?? nextHookId();
      const row = cacheHook(id, db.insert(webhooks).values({ ...input, id }).returning().all()[0])!;
      wrote(id);
      return row;
    },
    async getHook(id) {
      return caching && hookCache.has(id) ? hookCache.get(id) : cacheHook(id, getHookStmt.get({ id }));
    },
    async findHook(channelId, service) {
      return findHookStmt.get({ channelId, service });
    },
    async listHooks(guildId) {
      return db.select().from(webhooks).where(eq(webhooks.guildId, guildId)).orderBy(asc(webhooks.id)).all();
    },
    async hooksInChannel(channelId) {
      return db.select().from(webhooks).where(eq(webhooks.channelId, channelId)).orderBy(asc(webhooks.id)).all();
    },
    async allHooks() {
      return db.select().from(webhooks).orderBy(asc(webhooks.id)).all();
    },
    async updateHook(id, patch) {
      const row = cacheHook(id, db.update(webhooks).set(patch).where(eq(webhooks.id, id)).returning().all()[0]);
      wrote(id);
      return row;
    },
    async disableForward(hookId) {
      hookCache.delete(hookId);
      const changed = db.update(webhooks).set({ forwardState: 'disabled' })
        .where(and(eq(webhooks.id, hookId), ne(webhooks.forwardState, 'disabled'))).run().changes > 0;
      if (changed) wrote(hookId);
      return changed;
    },
    async markForwardFailing(hookId) {
      hookCache.delete(hookId);
      const changed = db.update(webhooks).set({ forwardState: 'failing' })
        .where(and(eq(webhooks.id, hookId), eq(webhooks.forwardState, 'ok'))).run().changes > 0;
      if (changed) wrote(hookId);
      return changed;
    },
  };
  return { deleteRow, touchDelivery, cacheDelivery, forget, methods };
}
