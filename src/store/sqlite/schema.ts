import { sqliteTable, text, integer, uniqueIndex, index, primaryKey } from 'drizzle-orm/sqlite-core';
import type {
  AggregateExcept, AlertRule, CiRun, DigestItem, DiscordMessage, ForwardRetry, ForwardRowState, ForwardState, HookService, HookSource,
  HookRoute, HookStatus, HookVerify, OutboxState, QuietHours, ThreadStep, UnroutedPolicy,
} from '../../types.js';
import type { PollKind } from '../../types.js';

/** One hook: a channel's subscription to a source. */
export const webhooks = sqliteTable('webhooks', {
  id: text('id').primaryKey(), // hook_001
  guildId: text('guild_id').notNull(),
  channelId: text('channel_id').notNull(),
  userId: text('user_id').notNull(),
  service: text('service').$type<HookService>().notNull(),
  url: text('url'), // forward URL (custom hooks)
  secret: text('secret').notNull(),
  verify: text('verify').$type<HookVerify>().notNull().default('github'),
  events: text('events', { mode: 'json' }).$type<string[]>().notNull(),
  filters: text('filters', { mode: 'json' }).$type<Record<string, string>>().notNull(),
  templates: text('templates', { mode: 'json' }).$type<Record<string, string>>().notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  status: text('status').$type<HookStatus>().notNull().default('ok'),
  statusReason: text('status_reason'),
  lastDeliveryAt: text('last_delivery_at'),
  /** Standard Webhooks secret (`whsec_…`) that signs this hook's outgoing forwards to `url`. */
  forwardSecret: text('forward_secret'),
  /** Event kinds forwarded (`*` = all the channel posts). */
  forwardEvents: text('forward_events', { mode: 'json' }).$type<string[]>(),
  forwardState: text('forward_state').$type<ForwardState>(),
  /** Accepted deliveries per minute before 429. */
  rateLimit: integer('rate_limit').notNull().default(60),
  /** Digest window in seconds; 0 = one message per event. */
  aggregateSeconds: integer('aggregate_seconds').notNull().default(0),
  /** What bypasses the window: `failed` (default: failures are posted at once) or `none`. */
  aggregateExcept: text('aggregate_except').$type<AggregateExcept>().notNull().default('failed'),
  /** alert-if rules: an expression and who to mention when it becomes true. */
  alertRules: text('alert_rules', { mode: 'json' }).$type<AlertRule[]>().notNull().default([]),
  createdAt: text('created_at').notNull(),
  /** Where the hook is declared (`chat`, `file`, `api`); file hooks change only through `source_file`. */
  source: text('source').$type<HookSource>().notNull().default('chat'),
  sourceFile: text('source_file'),
  /** Extra headers sent with each forward. */
  forwardHeaders: text('forward_headers', { mode: 'json' }).$type<Record<string, string>>(),
  /** The forward's retry policy; null = the built-in schedule. */
  forwardRetry: text('forward_retry', { mode: 'json' }).$type<ForwardRetry>(),
  /** A thread per pull request, issue or pipeline run (src/threads/). */
  threads: integer('threads', { mode: 'boolean' }).notNull().default(false),
  /** Senders allowed to deliver (CIDRs); null = anyone. */
  ipAllowlist: text('ip_allowlist', { mode: 'json' }).$type<string[]>(),
  /** Rate limit bucket size; null = `rate_limit`. */
  rateBurst: integer('rate_burst'),
  /** When events wait for one digest (`{from, to, tz}`); null = never. */
  quietHours: text('quiet_hours', { mode: 'json' }).$type<QuietHours>(),
  /** Routes to other channels (src/rules/routes.ts), in order. */
  routes: text('routes', { mode: 'json' }).$type<HookRoute[]>().notNull().default([]),
  /** Where events no route matches go: `channel` (the hook's) or `drop`. */
  unrouted: text('unrouted').$type<UnroutedPolicy>().notNull().default('channel'),
}, (t) => [index('webhooks_channel').on(t.channelId), index('webhooks_guild').on(t.guildId)]);

/** The inbox: every accepted delivery, stored before it is acknowledged. */
export const webhookEvents = sqliteTable('webhook_events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  hookId: text('hook_id').notNull(),
  deliveryId: text('delivery_id').notNull(),
  eventType: text('event_type').notNull(),
  payload: text('payload').notNull(),
  receivedAt: text('received_at').notNull(),
  processed: integer('processed', { mode: 'boolean' }).notNull().default(false),
  processedAt: text('processed_at'),
  outcome: text('outcome'), // posted | filtered:<why> | error:<why>
  /** Request headers as received, less signature, token, authorization and cookie headers. */
  headers: text('headers', { mode: 'json' }).$type<Record<string, string>>(),
}, (t) => [
  index('webhook_events_hook').on(t.hookId, t.id),
  uniqueIndex('webhook_events_delivery').on(t.hookId, t.deliveryId),
  index('webhook_events_unprocessed').on(t.processed),
]);

/** The outbox: one row per Discord message to post; retries send the nonce `hookbot-<id of the pack's head>`. */
export const outbox = sqliteTable('outbox', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  eventId: integer('event_id'),
  hookId: text('hook_id'),
  channelId: text('channel_id').notNull(),
  body: text('body', { mode: 'json' }).$type<DiscordMessage>().notNull(),
  state: text('state').$type<OutboxState>().notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: integer('next_attempt_at').notNull().default(0), // epoch ms
  /** One line for packed backlog messages (`[title](url)`). */
  line: text('line'),
  /** Set when the row's first post is attempted: the id of the row heading its message (itself when alone). */
  packId: integer('pack_id'),
  /** The combined message of a pack, kept on its head row so a retry sends exactly the same message. */
  packBody: text('pack_body', { mode: 'json' }).$type<DiscordMessage>(),
  messageId: text('message_id'),
  /** An edit of the message another row posted (a CI run's live message), instead of a new message. */
  editOf: integer('edit_of'),
  lastError: text('last_error'),
  createdAt: text('created_at').notNull(),
  sentAt: text('sent_at'),
  /** A thread's queue (`<hook id>/<subject>`), beside its channel's own: rows of one queue go out in order. */
  threadKey: text('thread_key'),
  /** What the row does for its subject's thread (starter, open, post, channel, edit). */
  thread: text('thread', { mode: 'json' }).$type<ThreadStep>(),
}, (t) => [index('outbox_pending').on(t.state, t.channelId, t.id), index('outbox_pack').on(t.packId)]);

/** Small key/value settings (e.g. the next hook number). */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** Outgoing forwards: a durable queue of Standard Webhooks–signed POSTs to a hook's `url`. */
export const forwards = sqliteTable('forwards', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  hookId: text('hook_id').notNull(), // the custom hook that owns the forward URL
  eventId: integer('event_id'),
  /** `webhook-id`: stable across retries so the receiver can dedupe. */
  messageId: text('message_id').notNull(),
  url: text('url').notNull(),
  body: text('body').notNull(), // the JSON sent, exactly
  state: text('state').$type<ForwardRowState>().notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: integer('next_attempt_at').notNull().default(0),
  lastStatus: integer('last_status'),
  lastError: text('last_error'),
  createdAt: text('created_at').notNull(),
  sentAt: text('sent_at'),
}, (t) => [index('forwards_pending').on(t.state, t.nextAttemptAt), uniqueIndex('forwards_message').on(t.messageId)]);

/** Events waiting in a hook's digest window; stored so a restart mid-window loses nothing. */
export const digestItems = sqliteTable('digest_items', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  hookId: text('hook_id').notNull(),
  /** A route's own digest goes to this channel; null = the hook's own digest (its channel). */
  channelId: text('channel_id'),
  windowEnd: integer('window_end').notNull(), // epoch ms
  windowSeconds: integer('window_seconds').notNull(),
  item: text('item', { mode: 'json' }).$type<DigestItem>().notNull(),
  createdAt: text('created_at').notNull(),
}, (t) => [index('digest_items_window').on(t.windowEnd)]);

/** CI runs being told as a story: the run folded from its events, and the outbox row of its live message. */
export const ciRuns = sqliteTable('ci_runs', {
  hookId: text('hook_id').notNull(),
  runKey: text('run_key').notNull(),
  state: text('state', { mode: 'json' }).$type<CiRun>().notNull(),
  liveOutboxId: integer('live_outbox_id'),
  updatedAt: text('updated_at').notNull(),
}, (t) => [primaryKey({ columns: [t.hookId, t.runKey] }), index('ci_runs_updated').on(t.updatedAt)]);

/** The last finished result per hook, platform, project and branch: for broken / still failing / fixed. */
export const ciBranches = sqliteTable('ci_branches', {
  hookId: text('hook_id').notNull(),
  branchKey: text('branch_key').notNull(),
  result: text('result').notNull(), // passed | failed
  streak: integer('streak').notNull().default(0),
  updatedAt: text('updated_at').notNull(),
}, (t) => [primaryKey({ columns: [t.hookId, t.branchKey] })]);

/** Deliveries answered 4xx (time, hook, status, reason, sender address; never the body). */
export const rejectedDeliveries = sqliteTable('rejected_deliveries', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  hookId: text('hook_id').notNull(), // the id asked for, also when there is no such hook
  service: text('service').notNull(),
  status: integer('status').notNull(),
  reason: text('reason').notNull(),
  sourceIp: text('source_ip'),
  eventType: text('event_type'),
  deliveryId: text('delivery_id'),
  receivedAt: text('received_at').notNull(),
}, (t) => [index('rejected_deliveries_hook').on(t.hookId, t.id), index('rejected_deliveries_received').on(t.receivedAt)]);

/** Idempotency-Keys of `POST /api/v1/hooks`: the same key again returns the hook it made. */
export const idempotencyKeys = sqliteTable('idempotency_keys', {
  key: text('key').primaryKey(),
  /** A hash of the request body: the same key with another body is refused. */
  fingerprint: text('fingerprint').notNull(),
  hookId: text('hook_id'), // null while the creation is in progress
  createdAt: text('created_at').notNull(),
});

/** The thread of each subject (pull request, issue, CI run) of a hook, so it is found again after a restart. */
export const threads = sqliteTable('threads', {
  hookId: text('hook_id').notNull(),
  subjectKey: text('subject_key').notNull(),
  channelId: text('channel_id').notNull(),
  name: text('name').notNull(),
  url: text('url'),
  starterMessageId: text('starter_message_id'),
  threadId: text('thread_id'),
  archived: integer('archived', { mode: 'boolean' }).notNull().default(false),
  forum: integer('forum', { mode: 'boolean' }).notNull().default(false),
  /** Epoch ms when Discord refused to create the thread (missing permissions). */
  fallbackAt: integer('fallback_at'),
  headBranch: text('head_branch'),
  createdAt: text('created_at').notNull(),
}, (t) => [
  primaryKey({ columns: [t.hookId, t.subjectKey] }), index('threads_thread').on(t.threadId), index('threads_branch').on(t.hookId, t.headBranch),
]);

/** One-time login links to the delivery log (`!hook dashboard`): the token's SHA-256, never the token. */
export const webLoginTokens = sqliteTable('web_login_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  /** The server whose hooks the link shows. */
  guildId: text('guild_id').notNull(),
  userId: text('user_id').notNull(),
  createdAt: text('created_at').notNull(),
  expiresAt: text('expires_at').notNull(),
  /** Set when the link logged someone in: a link works once. */
  usedAt: text('used_at'),
}, (t) => [index('web_login_tokens_expires').on(t.expiresAt)]);

/** Delivery-log sessions (the cookie's SHA-256, never the cookie), so any process sharing the database accepts them. */
export const webSessions = sqliteTable('web_sessions', {
  idHash: text('id_hash').primaryKey(),
  /** The server whose hooks the session shows; null: every server (logged in with ADMIN_TOKEN). */
  guildId: text('guild_id'),
  userId: text('user_id'),
  createdAt: text('created_at').notNull(),
  expiresAt: text('expires_at').notNull(),
}, (t) => [index('web_sessions_expires').on(t.expiresAt)]);

/**
 * What a poll hook polls (`!hook poll`, `!hook docker updates`) and where it stands: validators of the last answer,
 * when it is polled next (also the claim: a process takes a due row by moving `next_poll_at` forward with a
 * compare-and-set), failures, pause and last result.
 */
export const pollSources = sqliteTable('poll_sources', {
  hookId: text('hook_id').primaryKey(),
  kind: text('kind').$type<PollKind>().notNull(), // feed | images
  url: text('url'),
  everySeconds: integer('every_seconds').notNull(),
  itemsPath: text('items_path'),
  idField: text('id_field'),
  /** The first successful poll recorded what was there (and posted nothing). */
  baselined: integer('baselined', { mode: 'boolean' }).notNull().default(false),
  etag: text('etag'),
  lastModified: text('last_modified'),
  /** Epoch ms until which the last answer is fresh by its Cache-Control: not fetched again before. */
  freshUntil: integer('fresh_until').notNull().default(0),
  nextPollAt: integer('next_poll_at').notNull(),
  failures: integer('failures').notNull().default(0),
  failingSince: integer('failing_since'),
  paused: integer('paused', { mode: 'boolean' }).notNull().default(false),
  lastPolledAt: integer('last_polled_at'),
  lastOkAt: integer('last_ok_at'),
  lastResult: text('last_result'),
  itemCount: integer('item_count'),
  createdAt: text('created_at').notNull(),
}, (t) => [index('poll_sources_due').on(t.paused, t.nextPollAt)]);

/** Item ids a poll hook has seen (refreshed while they are in the source): an item is posted once, ever. */
export const pollSeen = sqliteTable('poll_seen', {
  hookId: text('hook_id').notNull(),
  itemId: text('item_id').notNull(),
  /** Epoch ms the item was last seen in its source. */
  seenAt: integer('seen_at').notNull(),
}, (t) => [primaryKey({ columns: [t.hookId, t.itemId] }), index('poll_seen_age').on(t.hookId, t.seenAt)]);
