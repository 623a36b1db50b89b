import { and, asc, desc, eq, gt, gte, isNull, like, lt, lte, ne, notLike, or, sql, inArray, count } from 'drizzle-orm';
import type { Db } from './open-database.js';
import { ciBranches, ciRuns, digestItems, forwards, meta, outbox, webhookEvents, webhooks } from './schema.js';
import type { CiUpdate, EventResult, Hook, NewForward, NewOutboxRow, Store } from './repository.js';

export type * from './repository.js';

/** Group commit under load: wait at most this long, for at most this many deliveries. */
const GROUP_WAIT_MS = 2;
const GROUP_MAX = 200;

export function createStore(db: Db): Store {
  // Prepared once: the ingest path runs these for every delivery.
  const getHookStmt = db.select().from(webhooks).where(eq(webhooks.id, sql.placeholder('id'))).prepare();
  /**
   * Hooks by id, read once: every delivery and every posted message looks its hook up, and reading the JSON columns
   * again each time was a tenth of the ingest CPU. Every write to `webhooks` goes through this file and refreshes
   * or drops the entry; entries are frozen so that no caller can change a hook without writing it.
   */
  const hookCache = new Map<string, Hook | undefined>();
  const frozen = (h: Hook | undefined): Hook | undefined => {
    if (!h) return h;
    for (const v of Object.values(h)) if (v && typeof v === 'object') Object.freeze(v);
    return Object.freeze(h);
  };
  const cacheHook = (id: string, h: Hook | undefined) => {
    hookCache.set(id, frozen(h));
    return h;
  };
  const insertEventStmt = db.insert(webhookEvents).values({
    hookId: sql.placeholder('hookId'), deliveryId: sql.placeholder('deliveryId'), eventType: sql.placeholder('eventType'),
    payload: sql.placeholder('payload'), receivedAt: sql.placeholder('receivedAt'),
  }).onConflictDoNothing().returning({ id: webhookEvents.id }).prepare();
  const findEventStmt = db.select({ id: webhookEvents.id }).from(webhookEvents)
    .where(and(eq(webhookEvents.hookId, sql.placeholder('hookId')), eq(webhookEvents.deliveryId, sql.placeholder('deliveryId')))).prepare();
  const touchHookStmt = db.update(webhooks).set({ lastDeliveryAt: sql`${sql.placeholder('at')}` })
    .where(eq(webhooks.id, sql.placeholder('id'))).prepare();

  /**
   * Group commit: deliveries arriving in the same tick share one transaction, and each caller's promise
   * resolves only after that transaction has committed (so "stored before 2xx" still holds).
   */
  type Pending = { e: Omit<typeof webhookEvents.$inferInsert, 'id'>; resolve: (r: { id: number; duplicate: boolean }) => void; reject: (err: unknown) => void };
  let deliveryQueue: Pending[] = [];
  let firstQueuedAt = 0;
  let moreComingNow: (() => number) | undefined;
  /** Commits now, unless more deliveries are about to join (then waits up to GROUP_WAIT_MS, or GROUP_MAX of them). */
  const groupCommit = () => {
    if (deliveryQueue.length === 0) return;
    const waiting = moreComingNow?.() ?? 0;
    if (waiting > 0 && deliveryQueue.length < GROUP_MAX && performance.now() - firstQueuedAt < GROUP_WAIT_MS) {
      setTimeout(groupCommit, 1);
      return;
    }
    flushDeliveries();
  };
  const flushDeliveries = () => {
    const batch = deliveryQueue;
    deliveryQueue = [];
    let results: { id: number; duplicate: boolean }[];
    try {
      results = db.transaction(() => batch.map(({ e }) => {
        const r = insertEventRow(e);
        if (!r.duplicate) {
          touchHookStmt.run({ id: e.hookId, at: e.receivedAt });
          const cached = hookCache.get(e.hookId);
          if (cached) hookCache.set(e.hookId, Object.freeze({ ...cached, lastDeliveryAt: e.receivedAt }));
        }
        return r;
      }));
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]));
  };

  const insertEventRow = (e: Omit<typeof webhookEvents.$inferInsert, 'id'>) => {
    // all(), not get(): get() leaves an INSERT … RETURNING statement unfinished, which keeps its implicit
    // transaction open (nothing committed, WAL never checkpointed) until the statement is next reset.
    const [row] = insertEventStmt.all({
      hookId: e.hookId, deliveryId: e.deliveryId, eventType: e.eventType, payload: e.payload, receivedAt: e.receivedAt,
    });
    if (row) return { id: row.id, duplicate: false };
    return { id: findEventStmt.get({ hookId: e.hookId, deliveryId: e.deliveryId })!.id, duplicate: true };
  };

  const nextHookId = () => db.transaction((tx) => {
    const row = tx.select().from(meta).where(eq(meta.key, 'next_hook')).get();
    const n = row ? Number(row.value) : 1;
    tx.insert(meta).values({ key: 'next_hook', value: String(n + 1) })
      .onConflictDoUpdate({ target: meta.key, set: { value: String(n + 1) } }).run();
    return `hook_${String(n).padStart(3, '0')}`;
  });

  const insertOutboxStmt = db.insert(outbox).values({
    eventId: sql.placeholder('eventId'), hookId: sql.placeholder('hookId'), channelId: sql.placeholder('channelId'),
    body: sql`${sql.placeholder('body')}`, line: sql.placeholder('line'), editOf: sql.placeholder('editOf'),
    createdAt: sql.placeholder('createdAt'),
  }).prepare();
  const insertOutbox = (messages: NewOutboxRow[], at: string, eventId?: number, ci?: CiUpdate) => {
    for (const m of messages) {
      let editOf: number | null = null;
      if (m.ci === 'edit' && ci) {
        editOf = db.select({ id: ciRuns.liveOutboxId }).from(ciRuns)
          .where(and(eq(ciRuns.hookId, ci.hookId), eq(ciRuns.runKey, ci.runKey))).get()?.id ?? null;
        if (editOf === null) continue; // its live message was never queued (filtered out)
        // Only the newest edit matters: older ones not yet attempted are dropped.
        db.update(outbox).set({ state: 'superseded' })
          .where(and(eq(outbox.editOf, editOf), eq(outbox.state, 'pending'), eq(outbox.attempts, 0))).run();
      }
      const r = insertOutboxStmt.run({
        eventId: eventId ?? null, hookId: m.hookId ?? null, channelId: m.channelId, body: JSON.stringify(m.body),
        line: m.line ?? null, editOf, createdAt: at,
      });
      if (m.ci === 'live' && ci) {
        db.update(ciRuns).set({ liveOutboxId: Number(r.lastInsertRowid) })
          .where(and(eq(ciRuns.hookId, ci.hookId), eq(ciRuns.runKey, ci.runKey))).run();
      }
    }
  };
  const saveCi = (ci: CiUpdate, at: string) => {
    db.insert(ciRuns).values({ hookId: ci.hookId, runKey: ci.runKey, state: ci.state, updatedAt: at })
      .onConflictDoUpdate({ target: [ciRuns.hookId, ciRuns.runKey], set: { state: ci.state, updatedAt: at } }).run();
    if (ci.branch) {
      const b = { result: ci.branch.result, streak: ci.branch.streak, updatedAt: at };
      db.insert(ciBranches).values({ hookId: ci.hookId, branchKey: ci.branch.key, ...b })
        .onConflictDoUpdate({ target: [ciBranches.hookId, ciBranches.branchKey], set: b }).run();
    }
  };
  const insertForward = (f: NewForward, at: string, eventId?: number) => {
    db.insert(forwards).values({ ...f, eventId: eventId ?? null, createdAt: at }).onConflictDoNothing().run();
  };
  const completeBatch = (results: EventResult[], at: string) => {
    db.transaction(() => {
      for (const r of results) {
        const done = markProcessedStmt.run({ id: r.eventId, at, outcome: r.outcome });
        if (done.changes > 0) {
          if (r.ci) saveCi(r.ci, at);
          insertOutbox(r.messages, at, r.eventId, r.ci);
          for (const f of r.forwards ?? []) insertForward(f, at, r.eventId);
          if (r.digest) db.insert(digestItems).values({ ...r.digest, createdAt: at }).run();
        }
      }
    });
  };

  const markProcessedStmt = db.update(webhookEvents)
    .set({ processed: true, processedAt: sql`${sql.placeholder('at')}`, outcome: sql`${sql.placeholder('outcome')}` })
    .where(and(eq(webhookEvents.id, sql.placeholder('id')), eq(webhookEvents.processed, false))).prepare();
  const unprocessedStmt = db.select().from(webhookEvents).where(eq(webhookEvents.processed, false))
    .orderBy(asc(webhookEvents.id)).limit(sql.placeholder('limit')).prepare();
  const headsStmt = db.select({ id: sql<number>`min(${outbox.id})` }).from(outbox)
    .where(eq(outbox.state, 'pending')).groupBy(outbox.channelId).prepare();
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

  return {
    async createHook(input) {
      const id = nextHookId();
      return cacheHook(id, db.insert(webhooks).values({ ...input, id }).returning().all()[0])!;
    },
    async getHook(id) {
      return hookCache.has(id) ? hookCache.get(id) : cacheHook(id, getHookStmt.get({ id }));
    },
    async findHook(channelId, service) {
      return db.select().from(webhooks)
        .where(and(eq(webhooks.channelId, channelId), eq(webhooks.service, service)))
        .orderBy(asc(webhooks.createdAt)).get();
    },
    async listHooks(guildId) {
      return db.select().from(webhooks).where(eq(webhooks.guildId, guildId)).orderBy(asc(webhooks.id)).all();
    },
    async countFiltered(hookId, since) {
      return db.select({ n: count() }).from(webhookEvents)
        .where(and(eq(webhookEvents.hookId, hookId), like(webhookEvents.outcome, 'filtered:%'), gte(webhookEvents.processedAt, since)))
        .get()?.n ?? 0;
    },
    async hooksInChannel(channelId) {
      return db.select().from(webhooks).where(eq(webhooks.channelId, channelId)).orderBy(asc(webhooks.id)).all();
    },
    async allHooks() {
      return db.select().from(webhooks).orderBy(asc(webhooks.id)).all();
    },
    async getMeta(key) {
      return db.select().from(meta).where(eq(meta.key, key)).get()?.value;
    },
    async setMeta(key, value) {
      db.insert(meta).values({ key, value }).onConflictDoUpdate({ target: meta.key, set: { value } }).run();
    },
    async updateHook(id, patch) {
      return cacheHook(id, db.update(webhooks).set(patch).where(eq(webhooks.id, id)).returning().all()[0]);
    },
    async deleteHook(id) {
      return db.transaction((tx) => {
        const gone = tx.delete(webhooks).where(eq(webhooks.id, id)).run().changes > 0;
        hookCache.delete(id);
        tx.delete(webhookEvents).where(eq(webhookEvents.hookId, id)).run();
        tx.update(outbox).set({ state: 'failed', lastError: 'hook deleted' })
          .where(and(eq(outbox.hookId, id), eq(outbox.state, 'pending'))).run();
        tx.delete(digestItems).where(eq(digestItems.hookId, id)).run();
        tx.delete(ciRuns).where(eq(ciRuns.hookId, id)).run();
        tx.delete(ciBranches).where(eq(ciBranches.hookId, id)).run();
        tx.update(forwards).set({ state: 'failed', lastError: 'hook deleted' })
          .where(and(eq(forwards.hookId, id), eq(forwards.state, 'pending'))).run();
        return gone;
      });
    },
    async insertEvent(e) {
      return insertEventRow(e);
    },
    storeDelivery(e, moreComing) {
      return new Promise((resolve, reject) => {
        deliveryQueue.push({ e, resolve, reject });
        moreComingNow = moreComing;
        if (deliveryQueue.length === 1) {
          firstQueuedAt = performance.now();
          setImmediate(groupCommit);
        }
      });
    },
    async getEvent(id) {
      return db.select().from(webhookEvents).where(eq(webhookEvents.id, id)).get();
    },
    async latestEvent(hookId, opts) {
      const real = opts?.real ? notLike(webhookEvents.deliveryId, 'hookbot-test-%') : undefined;
      return db.select().from(webhookEvents).where(and(eq(webhookEvents.hookId, hookId), real))
        .orderBy(desc(webhookEvents.id)).limit(1).get();
    },
    async unprocessedEvents(limit) {
      return unprocessedStmt.all({ limit });
    },
    async completeEvent(eventId, outcome, messages, at) {
      completeBatch([{ eventId, outcome, messages }], at);
    },
    async completeEvents(results, at) {
      completeBatch(results, at);
    },
    async openDigestWindow(hookId, nowMs) {
      return db.select({ end: sql<number | null>`min(${digestItems.windowEnd})` }).from(digestItems)
        .where(and(eq(digestItems.hookId, hookId), gt(digestItems.windowEnd, nowMs))).get()?.end ?? undefined;
    },
    async dueDigests(nowMs) {
      const rows = db.select().from(digestItems).where(lte(digestItems.windowEnd, nowMs)).orderBy(asc(digestItems.id)).all();
      const groups = new Map<string, { hookId: string; windowEnd: number; windowSeconds: number; items: Record<string, unknown>[] }>();
      for (const r of rows) {
        const key = `${r.hookId}:${r.windowEnd}`;
        const g = groups.get(key) ?? { hookId: r.hookId, windowEnd: r.windowEnd, windowSeconds: r.windowSeconds, items: [] };
        g.items.push(r.item);
        groups.set(key, g);
      }
      return [...groups.values()];
    },
    async completeDigest(hookId, windowEnd, message, at) {
      db.transaction(() => {
        db.delete(digestItems).where(and(eq(digestItems.hookId, hookId), eq(digestItems.windowEnd, windowEnd))).run();
        insertOutbox([message], at);
      });
    },
    async nextDigestAt() {
      return db.select({ at: sql<number | null>`min(${digestItems.windowEnd})` }).from(digestItems).get()?.at ?? undefined;
    },
    async enqueueForwards(rows, at) {
      db.transaction(() => { for (const f of rows) insertForward(f, at); });
    },
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
    async disableForward(hookId) {
      hookCache.delete(hookId);
      return db.update(webhooks).set({ forwardState: 'disabled' })
        .where(and(eq(webhooks.id, hookId), ne(webhooks.forwardState, 'disabled'))).run().changes > 0;
    },
    async markForwardFailing(hookId) {
      hookCache.delete(hookId);
      return db.update(webhooks).set({ forwardState: 'failing' })
        .where(and(eq(webhooks.id, hookId), eq(webhooks.forwardState, 'ok'))).run().changes > 0;
    },
    async failPendingForwards(hookId, why) {
      return db.update(forwards).set({ state: 'failed', lastError: why })
        .where(and(eq(forwards.hookId, hookId), eq(forwards.state, 'pending'))).run().changes;
    },
    async replayForwards(hookId, nowMs) {
      return db.update(forwards).set({ state: 'pending', attempts: 0, nextAttemptAt: nowMs, lastError: null })
        .where(and(eq(forwards.hookId, hookId), eq(forwards.state, 'failed'))).run().changes;
    },
    async forwardCounts(hookId) {
      const rows = db.select({ state: forwards.state, n: count() }).from(forwards).where(eq(forwards.hookId, hookId))
        .groupBy(forwards.state).all();
      const get = (st: string) => rows.find((r) => r.state === st)?.n ?? 0;
      return { pending: get('pending'), failed: get('failed'), sent: get('sent') };
    },
    async enqueue(messages, at) {
      db.transaction(() => insertOutbox(messages, at));
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
      db.transaction((tx) => {
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
    async getCiRun(hookId, runKey) {
      return db.select({ state: ciRuns.state }).from(ciRuns).where(and(eq(ciRuns.hookId, hookId), eq(ciRuns.runKey, runKey))).get()?.state;
    },
    async getCiBranch(hookId, branchKey) {
      return db.select({ result: ciBranches.result, streak: ciBranches.streak }).from(ciBranches)
        .where(and(eq(ciBranches.hookId, hookId), eq(ciBranches.branchKey, branchKey))).get();
    },
    async queueDepth() {
      return queueDepthStmt.get()?.n ?? 0;
    },
    async prune(before, maxEvents) {
      return db.transaction((tx) => {
        let events = tx.delete(webhookEvents)
          .where(and(eq(webhookEvents.processed, true), lt(webhookEvents.receivedAt, before))).run().changes;
        const total = tx.select({ n: count() }).from(webhookEvents).get()?.n ?? 0;
        if (total > maxEvents) {
          const keepFrom = tx.select({ id: webhookEvents.id }).from(webhookEvents)
            .orderBy(desc(webhookEvents.id)).limit(1).offset(maxEvents - 1).get();
          if (keepFrom) {
            events += tx.delete(webhookEvents)
              .where(and(eq(webhookEvents.processed, true), lt(webhookEvents.id, keepFrom.id))).run().changes;
          }
        }
        const messages = tx.delete(outbox)
          .where(and(ne(outbox.state, 'pending'), lt(outbox.createdAt, before))).run().changes;
        tx.delete(forwards).where(and(eq(forwards.state, 'sent'), lt(forwards.createdAt, before))).run();
        tx.delete(ciRuns).where(lt(ciRuns.updatedAt, before)).run();
        return { events, messages };
      });
    },
    async ping() {
      return db.get<{ ok: number }>(sql`select 1 as ok`)?.ok === 1;
    },
  };
}
