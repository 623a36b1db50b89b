import { sqliteTable, text, integer, uniqueIndex, index, primaryKey } from 'drizzle-orm/sqlite-core';
import type {
  AggregateExcept, AlertRule, CiRun, DigestItem, DiscordMessage, ForwardRetry, ForwardRowState, ForwardState, HookService, HookSource,
  HookStatus, HookVerify, OutboxState,
} from '../../types.js';

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
