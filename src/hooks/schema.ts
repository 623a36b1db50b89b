import { z } from 'zod';
import { SCHEMES } from '../http/verify.js';
import { cidrProblem } from '../lib/cidr.js';
import { HHMM, timeZoneProblem } from '../lib/quiet-hours.js';

/**
 * A hook's settings as every door states them — the HTTP API's JSON, the hooks file's YAML, and (after parsing its
 * own grammar) chat. One definition: requests are validated with it, the OpenAPI document is generated from it
 * (src/api/openapi.ts), and `manage.ts` checks what depends on the service (settings.ts). Messages say what to fix.
 */

/** The services a hook can be of. */
export const SERVICES = ['github', 'ci', 'custom', 'docker', 'poll'] as const;

/** The message for a missing value, or for a wrong one. */
const required = (what: string) => (iss: { input?: unknown }) => (iss.input === undefined ? `is required: ${what}` : what);

export const serviceSchema = z.enum(SERVICES, { error: required(`one of ${SERVICES.join(', ')}`) })
  .describe('What the hook listens to.');

export const snowflakeSchema = (what: string) => z.string({ error: required(`a ${what} id, as a string of 17–20 digits`) })
  .regex(/^\d{17,20}$/, `must be a ${what} id: 17–20 digits (in Discord: right-click → Copy ${what === 'channel' ? 'Channel' : 'Server'} ID)`);

/** `30s`, `5m`, `2h`, `1d`, `250ms`. */
export const DURATION = /^(\d+)(ms|s|m|h|d)$/;
export const durationSchema = z.string({ error: 'must be a duration like "30s", "5m" or "2h"' })
  .regex(DURATION, 'must be a duration like "30s", "5m" or "2h" (a number and one of ms, s, m, h, d)');

export const eventsSchema = z.array(z.string().trim().min(1, 'an event name cannot be empty'), { error: 'must be a list of event names, e.g. ["push", "pr"]' })
  .min(1, 'list at least one event, or ["*"] for every event').max(100, 'at most 100 events')
  .describe('Event names (GitHub: push, pr, issues, release, workflow… or "*"; Docker: build, start, stop, die, oom, health; custom: the event names your sender uses).');

export const filterKeySchema = z.string().regex(/^[A-Za-z_][\w.]*(\[\d+\][\w.]*)*$/, 'a filter key is a field name like branch, or a path into the delivery like payload.commits[0].message');
/** Content filters: a regular expression (RE2 syntax, run in linear time) or a text the field contains. */
export const contentFilterSchema = z.union([
  z.object({ regex: z.string().min(1, 'regex cannot be empty').max(500, 'a pattern is at most 500 characters') }).strict(),
  z.object({ contains: z.string().min(1, 'contains cannot be empty').max(500, 'contains is at most 500 characters') }).strict(),
], { error: 'a content filter is {"regex": "^fix"} or {"contains": "hotfix"}' });
const filterValueSchema = z.union([
  z.string().min(1, 'a filter value cannot be empty'),
  z.array(z.string().min(1, 'a filter value cannot be empty')).min(1, 'list at least one value'),
  contentFilterSchema,
], { error: 'a filter value is a string ("main", "!=failure", "release/*"), a list of strings (any of them), {"regex": "…"} or {"contains": "…"}' });
export const filtersSchema = z.record(filterKeySchema, filterValueSchema, { error: 'must be an object of field → value, e.g. {"branch": "main"}' })
  .describe('Only events whose fields match are posted (all terms AND-ed). A value may be a list (any of), use * globs, start with != to exclude, or be {"regex": "^fix"} (RE2 syntax, linear time) or {"contains": "text"} (case-insensitive). Keys are event fields, or paths into the delivery: payload.commits[0].message. Special keys: repo (owner/name), bots (include|exclude), containers (Docker).');

export const templatesSchema = z.record(
  z.string().min(1, 'name an event, or "*" for all events'),
  z.string().max(2000, 'a template is at most 2000 characters').refine((t) => t.trim().length > 0, 'a template cannot be empty'),
  { error: 'must be an object of event → mustache template, e.g. {"*": "{{title}}"}' },
).describe('Mustache templates by event ("*" = every event), e.g. {"push": "📦 {{author}} pushed to {{branch}}"}.');

export const aggregateExceptSchema = z.enum(['failed', 'none'], { error: 'must be "failed" (failures are posted at once) or "none"' });
export const aggregateSchema = z.union([
  z.literal('off'),
  durationSchema,
  z.object({ window: durationSchema, except: aggregateExceptSchema.optional() }).strict(),
  z.null(),
], { error: 'must be a window like "5m" (30s to 24h), {"window": "5m", "except": "none"}, "off" or null' })
  .describe('One digest per window instead of one message per event; "off" or null posts each event.');

export const alertRuleSchema = z.object({
  expr: z.string({ error: 'expr is required: a rule like "pr.status == \'approved\'"' }).trim().min(1, 'expr cannot be empty').max(500, 'expr is at most 500 characters'),
  ping: z.string().regex(/^<@[&!]?\d{17,20}>$/, 'ping is a role or user mention like <@&123456789012345678>').optional(),
}).strict();
export const alertIfSchema = z.array(alertRuleSchema, { error: 'must be a list of {expr, ping?}' }).max(10, 'a hook has at most 10 alert rules')
  .describe('Extra alerts when a rule becomes true; only these may mention.');

export const verifySchema = z.enum(SCHEMES, { error: `must be one of ${SCHEMES.join(', ')}` })
  .describe('How deliveries are verified (custom hooks; GitHub hooks use github, CI hooks pick by sender, Docker none).');

export const secretSchema = z.string({ error: 'must be a string' }).min(8, 'a secret has 8 characters at least').max(500, 'a secret is at most 500 characters')
  .describe('A provider-issued secret (Stripe, Slack, Standard Webhooks), write-only; otherwise one is generated.');

/** Header names: RFC 9110 tokens. */
const headerNameSchema = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'a header name has letters, digits and - only');
export const retrySchema = z.object({
  max_attempts: z.number({ error: 'max_attempts must be a number' }).int('max_attempts must be a whole number').min(1, 'max_attempts is 1 to 20').max(20, 'max_attempts is 1 to 20').optional(),
  initial_delay: durationSchema.optional(),
  backoff_multiplier: z.number({ error: 'backoff_multiplier must be a number' }).min(1, 'backoff_multiplier is 1 to 10').max(10, 'backoff_multiplier is 1 to 10').optional(),
  max_delay: durationSchema.optional(),
}).strict().describe('Retries of a forward that failed (non-2xx or no answer within 10 s).');

export const forwardSchema = z.object({
  url: z.string({ error: 'url is required: where to POST the signed events' }).superRefine((u, ctx) => {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${u}" is not a URL: give a full one like https://example.com/in` });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: `only http:// and https:// URLs can be forward targets, not ${url.protocol}` });
  }).meta({ format: 'uri' }),
  events: eventsSchema.optional(),
  headers: z.record(headerNameSchema, z.string().max(1000, 'a header value is at most 1000 characters'), { error: 'headers must be an object of name → value' }).optional(),
  retry: retrySchema.optional(),
  secret: z.string({ error: 'secret must be a string' }).regex(/^whsec_[A-Za-z0-9+/=_-]{8,}$/, 'a forward secret is a Standard Webhooks secret: whsec_ and base64')
    .describe('The Standard Webhooks secret that signs the forwards, write-only; otherwise one is generated (and shown once).').optional(),
}).strict().describe('Also POST the channel\'s events, Standard Webhooks–signed, to url ({type, timestamp, data}).');

export const rateLimitSchema = z.object({
  per_minute: z.number({ error: 'per_minute is required: a number' }).int('per_minute must be a whole number').min(1, 'per_minute is 1 to 100000').max(100_000, 'per_minute is 1 to 100000'),
  burst: z.number({ error: 'burst must be a number' }).int('burst must be a whole number').min(1, 'burst is 1 to 100000').max(100_000, 'burst is 1 to 100000')
    .describe('Deliveries accepted at once before the per-minute rate applies (default: per_minute).').optional(),
}).strict().describe('A token bucket: per_minute on average, burst at once; over it, 429 with Retry-After (custom hooks).');

export const ipAllowlistSchema = z.array(
  z.string({ error: 'an entry is an address or range like "10.0.0.0/8"' }).superRefine((v, ctx) => {
    const problem = cidrProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  { error: 'must be a list of addresses or ranges, e.g. ["3.18.12.63/32", "10.0.0.0/8"]' },
).max(100, 'at most 100 ranges').nullable()
  .describe('Only these senders (IPv4/IPv6 CIDRs or addresses) may deliver; others get 403 and nothing is stored. [] or null: anyone.');

const hhmmSchema = (which: string) => z.string({ error: `${which} is required: a local time like "22:00"` }).regex(HHMM, `${which} is a local time from 00:00 to 23:59, like "22:00"`);
export const quietHoursSchema = z.object({
  from: hhmmSchema('from'),
  to: hhmmSchema('to'),
  tz: z.string({ error: 'tz must be a string' }).superRefine((v, ctx) => {
    const problem = timeZoneProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }).describe('IANA time zone (default UTC).').optional(),
}).strict().refine((q) => q.from !== q.to, { message: 'from and to are the same time: give a window like from "22:00" to "07:00"' }).nullable()
  .describe('Events from `from` to `to` (local time in tz) wait and are posted as one digest at `to`; alert-if alerts still go out at once. null: off.');

export const pollSchema = z.object({
  url: z.string({ error: 'url is the feed or JSON URL to poll' }).max(2000, 'a URL is at most 2000 characters').meta({ format: 'uri' })
    .describe('An RSS 2.0, Atom or JSON Feed URL, or any JSON document (with items).').optional(),
  docker_updates: z.literal(true, { error: 'docker_updates is true or left out' })
    .describe('Instead of a URL: tell when a running container\'s image tag has a newer digest in its registry.').optional(),
  every: durationSchema.describe('How often: 30s to 24h (default 5m; 6h for docker_updates).').optional(),
  items: z.string().regex(/^[\w$-]+(\.[\w$-]+)*$/, 'items is a dot path to the item array, like data.releases').optional()
    .describe('Where a JSON document keeps its item array (a dot path, e.g. data.releases).'),
  id: z.string().regex(/^[\w$-]+(\.[\w$-]+)*$/, 'id is a field name (or dot path) of an item, like tag_name').optional()
    .describe('The item field that identifies an item (default: id, guid or link).'),
}).strict().describe('What a poll hook polls (service poll only); the first poll records what is there and posts nothing.');

/** One route: events matching `match` (the filter grammar) go to `channel`, with `template` when given. */
export const routeSchema = z.object({
  match: filtersSchema.refine((m) => Object.keys(m).length > 0, 'match at least one field, e.g. {"event": "release"}')
    .describe('Fields the event must match, as in filters (all terms AND-ed; lists, * globs, != , {"regex"}, {"contains"}).'),
  channel: snowflakeSchema('channel').describe('Where matching events are posted (a channel of the hook\'s server the bot may post in).'),
  template: z.string().max(2000, 'a template is at most 2000 characters').refine((t) => t.trim().length > 0, 'a template cannot be empty')
    .describe('A mustache template for this route\'s messages (else the hook\'s templates).').optional(),
  continue: z.boolean({ error: 'continue must be true or false' }).describe('Also try the routes after this one (default: the first match takes the event).').optional(),
  mentions: z.array(z.string().regex(/^<@[&!]?\d{17,20}>$/, 'a mention is a role or user like <@&123456789012345678> or <@123456789012345678>'), { error: 'mentions must be a list like ["<@&123456789012345678>"]' })
    .min(1, 'list at least one mention, or leave mentions out').max(10, 'a route mentions at most 10 roles or users')
    .describe('Roles or users this route\'s messages mention (only these may ping; such a message is never packed with others).').optional(),
  aggregate: durationSchema.describe('This route\'s own digest window (30s to 24h): its events wait and are posted as one digest in its channel; failures are posted at once.').optional(),
}).strict();
export const routesSchema = z.array(routeSchema, { error: 'must be a list of routes like [{"match": {"event": "release"}, "channel": "123…"}]' })
  .max(25, 'a hook has at most 25 routes')
  .describe('Routes by the event\'s fields, in order (like Alertmanager): the first matching route takes the event unless it says continue; events no route matches go to channel_id (or are dropped, see unrouted). A route may mention roles/users and have its own digest window.');
export const unroutedSchema = z.enum(['channel', 'drop'], { error: 'must be "channel" (the hook\'s channel) or "drop"' })
  .describe('Where events no route matches go: "channel" (channel_id, the default) or "drop".');

/** Every setting, each optional: what a change (PATCH, or one chat command) may carry. */
const settingsShape = {
  channel_id: snowflakeSchema('channel').describe('The Discord channel the hook posts to.'),
  guild_id: snowflakeSchema('server').describe('The channel\'s server; looked up from the channel when left out.'),
  events: eventsSchema,
  filters: filtersSchema,
  templates: templatesSchema,
  aggregate: aggregateSchema,
  alert_if: alertIfSchema,
  verify: verifySchema,
  secret: secretSchema,
  forward: forwardSchema.nullable(),
  rate_limit: rateLimitSchema,
  ip_allowlist: ipAllowlistSchema,
  quiet_hours: quietHoursSchema,
  poll: pollSchema,
  routes: routesSchema,
  unrouted: unroutedSchema,
  threads: z.boolean({ error: 'threads must be true or false' })
    .describe('A thread per pull request and issue (GitHub) or pipeline run (CI): its first message opens it, later events go into it, the channel keeps the lifecycle.'),
};

/** A new hook: `service` and `channel_id` are required, the rest has defaults per service. */
export const hookCreateSchema = z.object(settingsShape).partial()
  .extend({ service: serviceSchema, channel_id: settingsShape.channel_id }).strict();

/** A change to a hook: each field given replaces that setting; `enabled` turns it on or off. */
export const hookPatchSchema = z.object({
  ...settingsShape,
  enabled: z.boolean({ error: 'enabled must be true or false' }).describe('false pauses the hook: its URL answers 404.'),
}).partial().strict();

export type HookCreate = z.infer<typeof hookCreateSchema>;
export type HookPatch = z.infer<typeof hookPatchSchema>;
export type FilterSettings = z.infer<typeof filtersSchema>;
export type AggregateSetting = z.infer<typeof aggregateSchema>;
export type ForwardSetting = z.infer<typeof forwardSchema>;
export type PollSetting = z.infer<typeof pollSchema>;
export type QuietHoursSetting = z.infer<typeof quietHoursSchema>;
export type RouteSetting = z.infer<typeof routeSchema>;
