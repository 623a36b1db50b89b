import { z } from 'zod';
import { SCHEMES } from '../http/verify.js';

/**
 * A hook's settings as every door states them — the HTTP API's JSON, the hooks file's YAML, and (after parsing its
 * own grammar) chat. One definition: requests are validated with it, the OpenAPI document is generated from it
 * (src/api/openapi.ts), and `manage.ts` checks what depends on the service (settings.ts). Messages say what to fix.
 */

/** The services a hook can be of. */
export const SERVICES = ['github', 'ci', 'custom', 'docker'] as const;

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

export const filterKeySchema = z.string().regex(/^[A-Za-z_][\w.]*$/, 'a filter key is a field name like branch or payload.data.type');
const filterValueSchema = z.union([
  z.string().min(1, 'a filter value cannot be empty'),
  z.array(z.string().min(1, 'a filter value cannot be empty')).min(1, 'list at least one value'),
], { error: 'a filter value is a string ("main", "!=failure", "release/*") or a list of strings (any of them)' });
export const filtersSchema = z.record(filterKeySchema, filterValueSchema, { error: 'must be an object of field → value, e.g. {"branch": "main"}' })
  .describe('Only events whose fields match are posted (all terms AND-ed). A value may be a list (any of), use * globs, or start with != to exclude. Special keys: repo (owner/name), bots (include|exclude), containers (Docker).');

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
}).strict().describe('Also POST the channel\'s events, Standard Webhooks–signed, to url ({type, timestamp, data}).');

export const rateLimitSchema = z.object({
  per_minute: z.number({ error: 'per_minute must be a number' }).int('per_minute must be a whole number').min(1, 'per_minute is 1 to 100000').max(100_000, 'per_minute is 1 to 100000'),
}).strict().describe('Accepted deliveries per minute before 429 (custom hooks).');

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
