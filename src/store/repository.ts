import type {
  AggregateExcept, AlertRule, CiRun, DigestItem, DiscordMessage, ForwardRetry, ForwardRowState, ForwardState, HookService, HookSource,
  HookRoute, HookStatus, HookVerify, OutboxState, QuietHours, ThreadStep, UnroutedPolicy,
} from '../types.js';
import type { PollKind } from '../types.js';

/**
 * The repository's contract: row types and the Store interface every backend implements. Plain types on purpose:
 * each backend's schema is checked to produce exactly these rows (see sqlite/row-types.ts).
 */

/** One hook: a channel's subscription to a source. */
export interface Hook {
  id: string;
  guildId: string;
  channelId: string;
  userId: string;
  service: HookService;
  /** Forward URL (custom hooks). */
  url: string | null;
  secret: string;
  verify: HookVerify;
  events: string[];
  filters: Record<string, string>;
  templates: Record<string, string>;
  enabled: boolean;
  status: HookStatus;
  statusReason: string | null;
  lastDeliveryAt: string | null;
  /** Standard Webhooks secret (`whsec_…`) that signs this hook's outgoing forwards to `url`. */
  forwardSecret: string | null;
  /** Event kinds forwarded (`*` = all the channel posts). */
  forwardEvents: string[] | null;
  forwardState: ForwardState | null;
  /** Accepted deliveries per minute before 429. */
  rateLimit: number;
  /** Digest window in seconds; 0 = one message per event. */
  aggregateSeconds: number;
  aggregateExcept: AggregateExcept;
  alertRules: AlertRule[];
  createdAt: string;
  /** Where the hook is declared; `file` hooks change only through their file (`sourceFile`). */
  source: HookSource;
  sourceFile: string | null;
  /** Extra headers sent with each forward (never the signature headers). */
  forwardHeaders: Record<string, string> | null;
  /** The forward's retry policy; null = the built-in schedule. */
  forwardRetry: ForwardRetry | null;
  /** Senders allowed to deliver (CIDRs); null = anyone. Others get 403 and nothing is stored. */
  ipAllowlist: string[] | null;
  /** Rate limit bucket size (deliveries in a burst); null = `rateLimit`. */
  rateBurst: number | null;
  /** When the hook's events wait for one digest; null = never. */
  quietHours: QuietHours | null;
  /** A thread per pull request, issue (GitHub) or pipeline run (CI): see src/threads/. */
  threads: boolean;
  /** Routes to other channels by the event's fields, in order (src/rules/routes.ts); [] = every event to `channelId`. */
  routes: HookRoute[];
  /** Where events no route matches go (hooks with routes). */
  unrouted: UnroutedPolicy;
}
/** Columns a new hook may leave out: they have defaults or may be null. */
type HookOptional =
  | 'url' | 'verify' | 'enabled' | 'status' | 'statusReason' | 'lastDeliveryAt' | 'forwardSecret' | 'forwardEvents'
  | 'forwardState' | 'rateLimit' | 'aggregateSeconds' | 'aggregateExcept' | 'alertRules' | 'source' | 'sourceFile'
  | 'forwardHeaders' | 'forwardRetry' | 'threads' | 'ipAllowlist' | 'rateBurst' | 'quietHours' | 'routes' | 'unrouted';
export type NewHook = Omit<Hook, 'id' | HookOptional> & Partial<Pick<Hook, HookOptional>>;

/** The inbox: one accepted delivery. */
export interface StoredEvent {
  id: number;
  hookId: string;
  deliveryId: string;
  eventType: string;
  payload: string;
  receivedAt: string;
  processed: boolean;
  processedAt: string | null;
  /** `posted` | `filtered:<why>` | `error:<why>`. */
  outcome: string | null;
  /** The request's headers as received, less signature, token, authorization and cookie headers. */
  headers: Record<string, string> | null;
}
export type NewEvent = Pick<StoredEvent, 'hookId' | 'deliveryId' | 'eventType' | 'payload' | 'receivedAt'> & {
  headers?: Record<string, string> | null;
};
/** A stored delivery: `duplicate` when the same (hook, delivery id) was stored before (`id` is then the first one's). */
export type Stored = { id: number; duplicate: boolean };

/** One Discord message to post (or a CI live message to edit). */
export interface OutboxRow {
  id: number;
  eventId: number | null;
  hookId: string | null;
  channelId: string;
  body: DiscordMessage;
  state: OutboxState;
  attempts: number;
  /** Epoch ms. */
  nextAttemptAt: number;
  /** One line for packed backlog messages (`[title](url)`). */
  line: string | null;
  /** The id of the row heading this row's message (itself when alone), set before the first attempt. */
  packId: number | null;
  /** The combined message of a pack, on its head row, so a retry sends exactly the same message. */
  packBody: DiscordMessage | null;
  messageId: string | null;
  /** The row whose posted message this row edits (a CI run's live message). */
  editOf: number | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  /** A thread's queue (`<hook id>/<subject>`): its rows go out in order, beside the channel's own queue. */
  threadKey: string | null;
  /** What the row does for its subject's thread (src/threads/steps.ts). */
  thread: ThreadStep | null;
}
export type NewOutboxRow = Pick<OutboxRow, 'channelId' | 'body'> & {
  hookId?: string | null;
  line?: string | null;
  /** For CI runs (with EventResult.ci): `live` becomes the run's live message; `edit` edits it. */
  ci?: 'live' | 'edit';
  /** The row belongs to a thread's queue; a `starter` step also records the thread (see ThreadRow). */
  thread?: ThreadStep;
};

/** The thread of one subject (a pull request, an issue, a CI run) of a hook: found again after restarts. */
export interface ThreadRow {
  hookId: string;
  subjectKey: string;
  /** The channel the starter message is in (a text channel), or the forum. */
  channelId: string;
  name: string;
  url: string | null;
  /** null until the starter is posted (and after it was found deleted). */
  starterMessageId: string | null;
  /** null until the thread is created (and after it was found deleted). */
  threadId: string | null;
  archived: boolean;
  /** The channel is a forum: the thread is a forum post (its id is its starter message's). */
  forum: boolean;
  /** Epoch ms when Discord refused to create the thread (missing permissions): its events go to the channel. */
  fallbackAt: number | null;
  /** A pull request's head branch (`owner/repo:branch`), for pushes. */
  headBranch: string | null;
  createdAt: string;
}
export type ThreadPatch = Partial<Pick<ThreadRow, 'starterMessageId' | 'threadId' | 'archived' | 'forum' | 'fallbackAt' | 'headBranch'>>;
/** A CI run's new state, saved with the event that changed it; and its branch's result when the run finished. */
export type CiUpdate = { hookId: string; runKey: string; state: CiRun; branch?: { key: string; result: string; streak: number } };

/** One outgoing forward: a Standard Webhooks–signed POST to a hook's `url`. */
export interface ForwardRow {
  id: number;
  hookId: string;
  eventId: number | null;
  /** `webhook-id`: stable across retries so the receiver can dedupe. */
  messageId: string;
  url: string;
  /** The JSON sent, exactly. */
  body: string;
  state: ForwardRowState;
  attempts: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}
export type NewForward = Pick<ForwardRow, 'hookId' | 'messageId' | 'url' | 'body'>;
export type ForwardPatch = Partial<Pick<ForwardRow, 'state' | 'attempts' | 'nextAttemptAt' | 'lastStatus' | 'lastError' | 'sentAt'>>;

/** `channelId`: a route's own digest window, posted there; null or left out = the hook's own digest (its channel). */
export type NewDigestItem = { hookId: string; channelId?: string | null; windowEnd: number; windowSeconds: number; item: DigestItem };
/** A closed digest window of one hook, with its items in arrival order. */
export type DueDigest = { hookId: string; channelId: string | null; windowEnd: number; windowSeconds: number; items: DigestItem[] };

/** A delivery answered 4xx: kept so "why didn't it post?" has an answer. Never its body. */
export interface Rejection {
  id: number;
  /** The hook asked for (also when there is no such hook). */
  hookId: string;
  service: string;
  status: number;
  reason: string;
  sourceIp: string | null;
  /** The sender's event name and delivery id, when its headers say. */
  eventType: string | null;
  deliveryId: string | null;
  receivedAt: string;
}
export type NewRejection = Omit<Rejection, 'id'>;
/** One page of a newest-first list: rows with an id below `beforeId`, optionally of one hook. */
export type PageQuery = {
  hookId?: string; beforeId?: number; limit: number;
  /** Only rows of these hooks (a server's hooks, for the delivery log's per-server view). */
  hookIds?: string[];
  /** Only rows received at or after `since`, and before `until` (ISO). */
  since?: string; until?: string;
};
/** A one-time login link to the delivery log: its SHA-256 (never the token), for one server, until `expiresAt`. */
export type NewLoginToken = { tokenHash: string; guildId: string; userId: string; createdAt: string; expiresAt: string };
export type LoginTokenUse = { ok: true; guildId: string; userId: string } | { ok: false; reason: 'unknown' | 'used' | 'expired' };
/** A delivery-log session: the cookie's SHA-256; `guildId` null = every server (ADMIN_TOKEN). */
export type WebSession = { idHash: string; guildId: string | null; userId: string | null; createdAt: string; expiresAt: string };
/** An Idempotency-Key of hook creation: new (claimed now), or seen before (with the request it came with). */
export type IdempotencyClaim = { claimed: true } | { claimed: false; hookId: string | null; fingerprint: string };

export type EventResult = {
  eventId: number; outcome: string; messages: NewOutboxRow[]; forwards?: NewForward[]; digest?: NewDigestItem; ci?: CiUpdate;
  /** Items for routes' own digest windows (src/pipeline/route-digests.ts). */
  routeDigests?: NewDigestItem[];
};

/**
 * Everything hookbot keeps, behind repository functions. Async on purpose: a PostgreSQL backend
 * (drizzle's pg dialect) is planned, so nothing outside `sqlite/` may depend on SQLite.
 */
/** See Store.queueStats. */
export type QueueStats = { unprocessed: number; oldestUnprocessedAt: string | null; outboxPending: number };

export interface Store {
  /** A new hook with the next id (`hook_001`, …), or with the id given (file hooks are named by their file). */
  createHook(input: NewHook & { id?: string }): Promise<Hook>;
  getHook(id: string): Promise<Hook | undefined>;
  /** The channel's oldest hook of a service; `service` may be any text a user typed (then none is found). */
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
  /** Drops any copy of the hook kept in memory: another thread or process changed it. */
  forgetHook(id: string): void;
  deleteHook(id: string): Promise<boolean>;
  /** Stores a delivery (without touching the hook's last delivery). */
  insertEvent(e: NewEvent): Promise<Stored>;
  /**
   * Stores many deliveries in one transaction (the hot path of ingest: the group committer batches them), and
   * records each new one as its hook's last delivery. Results are in the order of `rows`.
   */
  storeDeliveries(rows: NewEvent[]): Promise<Stored[]>;
  /** The hook's newest stored event; with `real`, not a `!hook test` sample. */
  latestEvent(hookId: string, opts?: { real?: boolean }): Promise<StoredEvent | undefined>;
  unprocessedEvents(limit: number): Promise<StoredEvent[]>;
  /** Marks the event processed and queues its messages, atomically. */
  completeEvent(eventId: number, outcome: string, messages: NewOutboxRow[], at: string): Promise<void>;
  /** completeEvent for a batch, in one transaction. */
  completeEvents(results: EventResult[], at: string): Promise<void>;
  /** The end of a hook's open digest window (after `nowMs`), if any; with `channelId`, that route channel's window. */
  openDigestWindow(hookId: string, nowMs: number, channelId?: string | null): Promise<number | undefined>;
  /** Digest windows that have closed: one entry per (hook, channel, window). */
  dueDigests(nowMs: number): Promise<DueDigest[]>;
  /** Replaces a closed window's items (of the hook's own digest, or of `channelId`'s) by its digest message, atomically. */
  completeDigest(hookId: string, windowEnd: number, message: NewOutboxRow, at: string, channelId?: string | null): Promise<void>;
  nextDigestAt(): Promise<number | undefined>;
  dueForwards(nowMs: number, limit: number): Promise<ForwardRow[]>;
  nextForwardDueAt(): Promise<number | undefined>;
  markForward(id: number, patch: ForwardPatch): Promise<void>;
  /** Turns a hook's forward off (410 Gone); true only for the call that changed it. */
  disableForward(hookId: string): Promise<boolean>;
  /** Marks a hook's forward failing; true only for the call that changed it (so the channel is told once). */
  markForwardFailing(hookId: string): Promise<boolean>;
  /** Gives up on every pending forward of a hook (410 Gone). */
  failPendingForwards(hookId: string, why: string): Promise<number>;
  /** Puts a hook's failed forwards back in the queue; returns how many. */
  replayForwards(hookId: string, nowMs: number): Promise<number>;
  forwardCounts(hookId: string): Promise<{ pending: number; failed: number; sent: number }>;
  enqueue(messages: NewOutboxRow[], at: string): Promise<void>;
  /** The oldest pending row of every channel whose row is due (per-channel order is kept). */
  dueOutbox(nowMs: number, limit: number): Promise<OutboxRow[]>;
  nextDueAt(): Promise<number | undefined>;
  /** Pending rows of a channel not yet in a pack, oldest first. */
  unpackedInChannel(channelId: string, fromId: number, limit: number): Promise<OutboxRow[]>;
  /** Freezes which rows one Discord message carries (and its combined body), before its first attempt. */
  assignPack(headId: number, memberIds: number[], packBody: DiscordMessage | null): Promise<void>;
  packMembers(headId: number): Promise<OutboxRow[]>;
  /** Marks a row and every row of its pack sent. */
  markSent(id: number, messageId: string, at: string): Promise<void>;
  markRetry(id: number, attempts: number, nextAttemptAt: number, error: string): Promise<void>;
  markFailed(id: number, error: string): Promise<void>;
  getOutbox(id: number): Promise<OutboxRow | undefined>;
  /** A CI run's state (as the tracker left it). */
  getCiRun(hookId: string, runKey: string): Promise<CiRun | undefined>;
  /** A subject's thread (a pull request `acme/api#45`, a CI run `run:<key>`). */
  getThread(hookId: string, subjectKey: string): Promise<ThreadRow | undefined>;
  /** The newest thread of a hook whose pull request has this head branch (`owner/repo:branch`). */
  findThreadByBranch(hookId: string, branchKey: string): Promise<ThreadRow | undefined>;
  /** The thread (of any hook) with this Discord thread id. */
  findThreadById(threadId: string): Promise<ThreadRow | undefined>;
  updateThread(hookId: string, subjectKey: string, patch: ThreadPatch): Promise<void>;
  /** The last finished result of a branch (`<platform>:<project>:<branch>`). */
  getCiBranch(hookId: string, branchKey: string): Promise<{ result: string; streak: number } | undefined>;
  queueDepth(): Promise<number>;
  /** How far behind processing is: events not processed yet (and when the oldest arrived), messages not posted yet. */
  queueStats(): Promise<QueueStats>;
  /**
   * Deletes processed events received before `before`, then the oldest processed ones beyond `maxEvents`;
   * and finished outbox rows created before `before`. Unprocessed events and pending messages are never pruned.
   */
  prune(before: string, maxEvents: number): Promise<{ events: number; messages: number }>;
  ping(): Promise<boolean>;

  // ---- the delivery log (HTTP API): stored deliveries, their messages, and the ones refused with 4xx
  /** Stored deliveries, newest first (by id). */
  listEvents(q: PageQuery): Promise<StoredEvent[]>;
  getEvent(id: number): Promise<StoredEvent | undefined>;
  /** The outbox rows the events made (their Discord messages), oldest first. */
  eventMessages(eventIds: number[]): Promise<OutboxRow[]>;
  recordRejections(rows: NewRejection[]): Promise<void>;
  /** Refused deliveries, newest first (by id). */
  listRejections(q: PageQuery): Promise<Rejection[]>;
  getRejection(id: number): Promise<Rejection | undefined>;
  /** Claims an Idempotency-Key for a hook creation; a key seen before says which hook it made (null: still in progress). */
  claimIdempotencyKey(key: string, fingerprint: string, at: string): Promise<IdempotencyClaim>;
  /** The claimed key made this hook. */
  completeIdempotencyKey(key: string, hookId: string): Promise<void>;
  /** The creation failed: the key may be used again. */
  releaseIdempotencyKey(key: string): Promise<void>;
  /** The forwards the events made (every attempt's outcome is on the row), oldest first. */
  eventForwards(eventIds: number[]): Promise<ForwardRow[]>;

  // ---- the delivery log's web page (src/web/): one-time login links and sessions, both kept hashed
  /** Stores a login link (and forgets links that expired before it was made). */
  createLoginToken(t: NewLoginToken): Promise<void>;
  /** Uses a login link, once: marks it used and says whose it was; refused when unknown, used before, or expired at `at`. */
  useLoginToken(tokenHash: string, at: string): Promise<LoginTokenUse>;
  /** Stores a session (and forgets sessions that expired before it was made). */
  createWebSession(s: WebSession): Promise<void>;
  /** A session that has not expired at `at`. */
  getWebSession(idHash: string, at: string): Promise<WebSession | undefined>;
  deleteWebSession(idHash: string): Promise<void>;

  // ---- poll hooks (src/poll/): what each polls, where it stands, and the item ids it has seen
  /**
   * Sets a hook's poll source. A changed source (kind, URL, items path or id field) starts again from a baseline;
   * either way failures are forgotten, a pause ends, and it is polled next at `nextPollAt`.
   */
  setPollSource(hookId: string, config: PollConfig, nextPollAt: number, at: string): Promise<PollSource>;
  getPollSource(hookId: string): Promise<PollSource | undefined>;
  /** Every poll source (of the hooks given, when given). */
  pollSources(hookIds?: string[]): Promise<PollSource[]>;
  /**
   * Claims up to `limit` due sources of enabled hooks (not paused, `nextPollAt` ≤ `nowMs`) by moving their
   * `nextPollAt` to `leaseUntil` in a compare-and-set: each due row goes to one caller, whichever process asks.
   */
  claimDuePolls(nowMs: number, leaseUntil: number, limit: number): Promise<PollSource[]>;
  /** Writes a claimed poll's outcome; false (nothing written) when the claim is no longer this caller's. */
  finishPoll(hookId: string, claimedUntil: number, patch: PollPatch): Promise<boolean>;
  /** The ids among `itemIds` the hook has seen. */
  seenPollItems(hookId: string, itemIds: string[]): Promise<string[]>;
  /**
   * In one transaction: stores new items as the hook's events (delivery id = item id: never twice) and records
   * `itemIds` as seen at `nowMs`; ids not seen since `forgetBefore` are forgotten.
   */
  recordPollItems(hookId: string, itemIds: string[], events: NewEvent[], nowMs: number, forgetBefore: number): Promise<Stored[]>;
}

/** What a poll hook polls: a feed or JSON URL, or the registries of the running containers' images. */
export interface PollConfig {
  kind: PollKind;
  /** The feed or JSON URL (`feed`); null for `images`. */
  url: string | null;
  everySeconds: number;
  /** A JSON document's item array (`data.releases`); null: a feed, or a top-level array. */
  itemsPath: string | null;
  /** The item field that identifies it; null: `id`, `guid` or `link`. */
  idField: string | null;
}
/** A poll source and where it stands (epoch ms times). */
export interface PollSource extends PollConfig {
  hookId: string;
  baselined: boolean;
  etag: string | null;
  lastModified: string | null;
  /** Not fetched again before this (the last answer's Cache-Control max-age). */
  freshUntil: number;
  nextPollAt: number;
  failures: number;
  failingSince: number | null;
  paused: boolean;
  lastPolledAt: number | null;
  lastOkAt: number | null;
  lastResult: string | null;
  itemCount: number | null;
  createdAt: string;
}
/** What a poll changes of its source. */
export type PollPatch = Partial<Omit<PollSource, 'hookId' | 'kind' | 'url' | 'everySeconds' | 'itemsPath' | 'idField' | 'createdAt'>>;
