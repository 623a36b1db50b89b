import type { forwards, outbox, webhookEvents, webhooks } from './schema.js';

/** The repository's contract: row types and the Store interface every backend implements. */
export type Hook = typeof webhooks.$inferSelect;
export type NewHook = Omit<typeof webhooks.$inferInsert, 'id'>;
export type StoredEvent = typeof webhookEvents.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
export type NewOutboxRow = Pick<OutboxRow, 'channelId' | 'body'> & {
  hookId?: string | null;
  line?: string | null;
  /** For CI runs (with EventResult.ci): `live` becomes the run's live message; `edit` edits it. */
  ci?: 'live' | 'edit';
};
/** A CI run's new state, saved with the event that changed it; and its branch's result when the run finished. */
export type CiUpdate = { hookId: string; runKey: string; state: Record<string, unknown>; branch?: { key: string; result: string; streak: number } };
export type ForwardRow = typeof forwards.$inferSelect;
export type NewForward = Pick<ForwardRow, 'hookId' | 'messageId' | 'url' | 'body'>;
export type NewDigestItem = { hookId: string; windowEnd: number; windowSeconds: number; item: Record<string, unknown> };
export type EventResult = {
  eventId: number; outcome: string; messages: NewOutboxRow[]; forwards?: NewForward[]; digest?: NewDigestItem; ci?: CiUpdate;
};

/**
 * Everything hookbot keeps, behind repository functions. Async on purpose: a PostgreSQL backend
 * (drizzle's pg dialect) is planned, so nothing outside this file may depend on SQLite.
 */
export interface Store {
  createHook(input: NewHook): Promise<Hook>;
  getHook(id: string): Promise<Hook | undefined>;
  findHook(channelId: string, service: string): Promise<Hook | undefined>;
  listHooks(guildId: string): Promise<Hook[]>;
  /** How many of a hook's events filters dropped since `since` (ISO). */
  countFiltered(hookId: string, since: string): Promise<number>;
  /** The hooks of one channel. */
  hooksInChannel(channelId: string): Promise<Hook[]>;
  /** Every hook of every server. */
  allHooks(): Promise<Hook[]>;
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  updateHook(id: string, patch: Partial<NewHook>): Promise<Hook | undefined>;
  deleteHook(id: string): Promise<boolean>;
  /** Stores a delivery; `duplicate` when the same (hook, delivery id) was stored before. */
  insertEvent(e: Omit<typeof webhookEvents.$inferInsert, 'id'>): Promise<{ id: number; duplicate: boolean }>;
  getEvent(id: number): Promise<StoredEvent | undefined>;
  /** The hook's newest stored event; with `real`, not a `!hook test` sample. */
  latestEvent(hookId: string, opts?: { real?: boolean }): Promise<StoredEvent | undefined>;
  unprocessedEvents(limit: number): Promise<StoredEvent[]>;
  /** Marks the event processed and queues its messages, atomically. */
  completeEvent(eventId: number, outcome: string, messages: NewOutboxRow[], at: string): Promise<void>;
  /** completeEvent for a batch, in one transaction. */
  completeEvents(results: EventResult[], at: string): Promise<void>;
  /** The end of a hook's open digest window (after `nowMs`), if any. */
  openDigestWindow(hookId: string, nowMs: number): Promise<number | undefined>;
  /** Digest windows that have closed: one entry per (hook, window). */
  dueDigests(nowMs: number): Promise<{ hookId: string; windowEnd: number; windowSeconds: number; items: Record<string, unknown>[] }[]>;
  /** Replaces a closed window's items by its digest message, atomically. */
  completeDigest(hookId: string, windowEnd: number, message: NewOutboxRow, at: string): Promise<void>;
  nextDigestAt(): Promise<number | undefined>;
  /** Queues forwards (not tied to a stored event's processing), ignoring ones already queued. */
  enqueueForwards(rows: NewForward[], at: string): Promise<void>;
  dueForwards(nowMs: number, limit: number): Promise<ForwardRow[]>;
  nextForwardDueAt(): Promise<number | undefined>;
  markForward(id: number, patch: Partial<Pick<ForwardRow, 'state' | 'attempts' | 'nextAttemptAt' | 'lastStatus' | 'lastError' | 'sentAt'>>): Promise<void>;
  /** Turns a hook's forward off (410 Gone); true only for the call that changed it. */
  disableForward(hookId: string): Promise<boolean>;
  /** Marks a hook's forward failing; true only for the call that changed it (so the channel is told once). */
  markForwardFailing(hookId: string): Promise<boolean>;
  /** Gives up on every pending forward of a hook (410 Gone). */
  failPendingForwards(hookId: string, why: string): Promise<number>;
  /** Puts a hook's failed forwards back in the queue; returns how many. */
  replayForwards(hookId: string, nowMs: number): Promise<number>;
  forwardCounts(hookId: string): Promise<{ pending: number; failed: number; sent: number }>;
  /**
   * Stores a delivery and records it as the hook's last delivery, in one transaction (the hot path of ingest).
   * @param moreComing how many other deliveries are on their way to this call (being read or verified): the commit
   *   waits briefly (at most 2 ms) for them, so that under load one transaction carries many deliveries
   */
  storeDelivery(e: Omit<typeof webhookEvents.$inferInsert, 'id'>, moreComing?: () => number): Promise<{ id: number; duplicate: boolean }>;
  enqueue(messages: NewOutboxRow[], at: string): Promise<void>;
  /** The oldest pending row of every channel whose row is due (per-channel order is kept). */
  dueOutbox(nowMs: number, limit: number): Promise<OutboxRow[]>;
  nextDueAt(): Promise<number | undefined>;
  /** Pending rows of a channel not yet in a pack, oldest first. */
  unpackedInChannel(channelId: string, fromId: number, limit: number): Promise<OutboxRow[]>;
  /** Freezes which rows one Discord message carries (and its combined body), before its first attempt. */
  assignPack(headId: number, memberIds: number[], packBody: Record<string, unknown> | null): Promise<void>;
  packMembers(headId: number): Promise<OutboxRow[]>;
  /** Marks a row and every row of its pack sent. */
  markSent(id: number, messageId: string, at: string): Promise<void>;
  markRetry(id: number, attempts: number, nextAttemptAt: number, error: string): Promise<void>;
  markFailed(id: number, error: string): Promise<void>;
  getOutbox(id: number): Promise<OutboxRow | undefined>;
  /** A CI run's state (as the tracker left it). */
  getCiRun(hookId: string, runKey: string): Promise<Record<string, unknown> | undefined>;
  /** The last finished result of a branch (`<platform>:<project>:<branch>`). */
  getCiBranch(hookId: string, branchKey: string): Promise<{ result: string; streak: number } | undefined>;
  queueDepth(): Promise<number>;
  /**
   * Deletes processed events received before `before`, then the oldest processed ones beyond `maxEvents`;
   * and finished outbox rows created before `before`. Unprocessed events and pending messages are never pruned.
   */
  prune(before: string, maxEvents: number): Promise<{ events: number; messages: number }>;
  ping(): Promise<boolean>;
}

