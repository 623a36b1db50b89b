import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, json, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type {
  AggregateExcept, AlertRule, CiRun, DigestItem, DiscordMessage, ForwardRetry, ForwardRowState, ForwardState, HookService, HookSource,
  HookRoute, HookStatus, HookVerify, OutboxState, QuietHours, ThreadStep, UnroutedPolicy,
} from '../../types.js';
import type { PollKind } from '../../types.js';

/*
 * The PostgreSQL twin of ../sqlite/schema.ts: same tables, same columns, same row types (row-types.ts checks it).
 * Differences are the dialect's only: ids are identity bigints, epoch-ms columns bigints, JSON columns `json`
 * (kept as written, so key order survives like SQLite's text), timestamps ISO text as in SQLite (compared as text).
 */
const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity();
const ref = (name: string) => bigint(name, { mode: 'number' });
const epochMs = (name: string) => bigint(name, { mode: 'number' });

/** One hook: a channel's subscription to a source. */
export const webhooks = pgTable('webhooks', {
  id: text('id').primaryKey(), // hook_001
  guildId: text('guild_id').notNull(),
  channelId: text('channel_id').notNull(),
  userId: text('user_id').notNull(),
  service: text('service').$type<HookService>().notNull(),
  url: text('url'),
  secret: text('secret').notNull(),
  verify: text('verify').$type<HookVerify>().notNull().default('github'),
  events: json('events').$type<string[]>().notNull(),
  filters: json('filters').$type<Record<string, string>>().notNull(),
  templates: json('templates').$type<Record<string, string>>().notNull(),
  enabled: boolean('enabled').notNull().default(true),
  status: text('status').$type<HookStatus>().notNull().default('ok'),
  statusReason: text('status_reason'),
  lastDeliveryAt: text('last_delivery_at'),
  forwardSecret: text('forward_secret'),
  forwardEvents: json('forward_events').$type<string[]>(),
  forwardState: text('forward_state').$type<ForwardState>(),
  rateLimit: integer('rate_limit').notNull().default(60),
  aggregateSeconds: integer('aggregate_seconds').notNull().default(0),
  aggregateExcept: text('aggregate_except').$type<AggregateExcept>().notNull().default('failed'),
  alertRules: json('alert_rules').$type<AlertRule[]>().notNull().default([]),
  createdAt: text('created_at').notNull(),
  source: text('source').$type<HookSource>().notNull().default('chat'),
  sourceFile: text('source_file'),
  forwardHeaders: json('forward_headers').$type<Record<string, string>>(),
  forwardRetry: json('forward_retry').$type<ForwardRetry>(),
  threads: boolean('threads').notNull().default(false),
  ipAllowlist: json('ip_allowlist').$type<string[]>(),
  rateBurst: integer('rate_burst'),
  quietHours: json('quiet_hours').$type<QuietHours>(),
  routes: json('routes').$type<HookRoute[]>().notNull().default([]),
  unrouted: text('unrouted').$type<UnroutedPolicy>().notNull().default('channel'),
}, (t) => [index('webhooks_channel').on(t.channelId), index('webhooks_guild').on(t.guildId)]);

/** The inbox: every accepted delivery, stored before it is acknowledged. */
export const webhookEvents = pgTable('webhook_events', {
  id: id(),
  hookId: text('hook_id').notNull(),
  deliveryId: text('delivery_id').notNull(),
  eventType: text('event_type').notNull(),
  payload: text('payload').notNull(),
  receivedAt: text('received_at').notNull(),
  processed: boolean('processed').notNull().default(false),
  processedAt: text('processed_at'),
  outcome: text('outcome'),
  headers: json('headers').$type<Record<string, string>>(),
}, (t) => [
  index('webhook_events_hook').on(t.hookId, t.id),
  uniqueIndex('webhook_events_delivery').on(t.hookId, t.deliveryId),
  index('webhook_events_unprocessed').on(t.id).where(sql`not processed`),
]);

/** The outbox: one row per Discord message to post; retries send the nonce `hookbot-<id of the pack's head>`. */
export const outbox = pgTable('outbox', {
  id: id(),
  eventId: ref('event_id'),
  hookId: text('hook_id'),
  channelId: text('channel_id').notNull(),
  body: json('body').$type<DiscordMessage>().notNull(),
  state: text('state').$type<OutboxState>().notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: epochMs('next_attempt_at').notNull().default(0),
  line: text('line'),
  packId: ref('pack_id'),
  packBody: json('pack_body').$type<DiscordMessage>(),
  messageId: text('message_id'),
  editOf: ref('edit_of'),
  lastError: text('last_error'),
  createdAt: text('created_at').notNull(),
  sentAt: text('sent_at'),
  threadKey: text('thread_key'),
  thread: json('thread').$type<ThreadStep>(),
}, (t) => [index('outbox_pending').on(t.state, t.channelId, t.id), index('outbox_pack').on(t.packId)]);

/** Small key/value settings (e.g. the next hook number). */
export const meta = pgTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** Outgoing forwards: a durable queue of Standard Webhooks–signed POSTs to a hook's `url`. */
export const forwards = pgTable('forwards', {
  id: id(),
  hookId: text('hook_id').notNull(),
  eventId: ref('event_id'),
  messageId: text('message_id').notNull(),
  url: text('url').notNull(),
  body: text('body').notNull(), // the JSON sent, exactly
  state: text('state').$type<ForwardRowState>().notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: epochMs('next_attempt_at').notNull().default(0),
  lastStatus: integer('last_status'),
  lastError: text('last_error'),
  createdAt: text('created_at').notNull(),
  sentAt: text('sent_at'),
}, (t) => [index('forwards_pending').on(t.state, t.nextAttemptAt), uniqueIndex('forwards_message').on(t.messageId)]);

/** Events waiting in a hook's digest window; stored so a restart mid-window loses nothing. */
export const digestItems = pgTable('digest_items', {
  id: id(),
  hookId: text('hook_id').notNull(),
  /** A route's own digest goes to this channel; null = the hook's own digest (its channel). */
  channelId: text('channel_id'),
  windowEnd: epochMs('window_end').notNull(),
  windowSeconds: integer('window_seconds').notNull(),
  item: json('item').$type<DigestItem>().notNull(),
  createdAt: text('created_at').notNull(),
}, (t) => [index('digest_items_window').on(t.windowEnd)]);

/** CI runs being told as a story: the run folded from its events, and the outbox row of its live message. */
export const ciRuns = pgTable('ci_runs', {
  hookId: text('hook_id').notNull(),
  runKey: text('run_key').notNull(),
  state: json('state').$type<CiRun>().notNull(),
  liveOutboxId: ref('live_outbox_id'),
  updatedAt: text('updated_at').notNull(),
}, (t) => [primaryKey({ columns: [t.hookId, t.runKey] }), index('ci_runs_updated').on(t.updatedAt)]);

/** The last finished result per hook, platform, project and branch: for broken / still failing / fixed. */
export const ciBranches = pgTable('ci_branches', {
  hookId: text('hook_id').notNull(),
  branchKey: text('branch_key').notNull(),
  result: text('result').notNull(),
  streak: integer('streak').notNull().default(0),
  updatedAt: text('updated_at').notNull(),
}, (t) => [primaryKey({ columns: [t.hookId, t.branchKey] })]);

/** Deliveries answered 4xx (time, hook, status, reason, sender address; never the body). */
export const rejectedDeliveries = pgTable('rejected_deliveries', {
  id: id(),
  hookId: text('hook_id').notNull(),
  service: text('service').notNull(),
  status: integer('status').notNull(),
  reason: text('reason').notNull(),
  sourceIp: text('source_ip'),
  eventType: text('event_type'),
  deliveryId: text('delivery_id'),
  receivedAt: text('received_at').notNull(),
}, (t) => [index('rejected_deliveries_hook').on(t.hookId, t.id), index('rejected_deliveries_received').on(t.receivedAt)]);

/** Idempotency-Keys of `POST /api/v1/hooks`: the same key again returns the hook it made. */
export const idempotencyKeys = pgTable('idempotency_keys', {
  key: text('key').primaryKey(),
  fingerprint: text('fingerprint').notNull(),
  hookId: text('hook_id'),
  createdAt: text('created_at').notNull(),
});

/** The thread of each subject (pull request, issue, CI run) of a hook, so it is found again after a restart. */
export const threads = pgTable('threads', {
  hookId: text('hook_id').notNull(),
  subjectKey: text('subject_key').notNull(),
  channelId: text('channel_id').notNull(),
  name: text('name').notNull(),
  url: text('url'),
  starterMessageId: text('starter_message_id'),
  threadId: text('thread_id'),
  archived: boolean('archived').notNull().default(false),
  forum: boolean('forum').notNull().default(false),
  fallbackAt: epochMs('fallback_at'),
  headBranch: text('head_branch'),
  createdAt: text('created_at').notNull(),
}, (t) => [
  primaryKey({ columns: [t.hookId, t.subjectKey] }), index('threads_thread').on(t.threadId), index('threads_branch').on(t.hookId, t.headBranch),
]);

/** One-time login links to the delivery log (`!hook dashboard`): the token's SHA-256, never the token. */
export const webLoginTokens = pgTable('web_login_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  guildId: text('guild_id').notNull(),
  userId: text('user_id').notNull(),
  createdAt: text('created_at').notNull(),
  expiresAt: text('expires_at').notNull(),
  usedAt: text('used_at'),
}, (t) => [index('web_login_tokens_expires').on(t.expiresAt)]);

/** Delivery-log sessions (the cookie's SHA-256): any process sharing the database accepts them. */
export const webSessions = pgTable('web_sessions', {
  idHash: text('id_hash').primaryKey(),
  /** null: every server (logged in with ADMIN_TOKEN). */
  guildId: text('guild_id'),
  userId: text('user_id'),
  createdAt: text('created_at').notNull(),
  expiresAt: text('expires_at').notNull(),
}, (t) => [index('web_sessions_expires').on(t.expiresAt)]);

/** What a poll hook polls and where it stands; `next_poll_at` is also the claim (see ../sqlite/schema.ts). */
export const pollSources = pgTable('poll_sources', {
  hookId: text('hook_id').primaryKey(),
  kind: text('kind').$type<PollKind>().notNull(),
  url: text('url'),
  everySeconds: integer('every_seconds').notNull(),
  itemsPath: text('items_path'),
  idField: text('id_field'),
  baselined: boolean('baselined').notNull().default(false),
  etag: text('etag'),
  lastModified: text('last_modified'),
  freshUntil: epochMs('fresh_until').notNull().default(0),
  nextPollAt: epochMs('next_poll_at').notNull(),
  failures: integer('failures').notNull().default(0),
  failingSince: epochMs('failing_since'),
  paused: boolean('paused').notNull().default(false),
  lastPolledAt: epochMs('last_polled_at'),
  lastOkAt: epochMs('last_ok_at'),
  lastResult: text('last_result'),
  itemCount: integer('item_count'),
  createdAt: text('created_at').notNull(),
}, (t) => [index('poll_sources_due').on(t.paused, t.nextPollAt)]);

/** Item ids a poll hook has seen (refreshed while they are in the source): an item is posted once, ever. */
export const pollSeen = pgTable('poll_seen', {
  hookId: text('hook_id').notNull(),
  itemId: text('item_id').notNull(),
  seenAt: epochMs('seen_at').notNull(),
}, (t) => [primaryKey({ columns: [t.hookId, t.itemId] }), index('poll_seen_age').on(t.hookId, t.seenAt)]);
