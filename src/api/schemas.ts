import { z } from 'zod';
import { OUTCOMES } from '../hooks/deliveries.js';
import {
  alertIfSchema, eventsSchema, filtersSchema, rateLimitSchema, retrySchema, routesSchema, SERVICES, snowflakeSchema, templatesSchema,
  unroutedSchema,
} from '../hooks/schema.js';
import { SCHEMES } from '../http/verify.js';

/**
 * What the HTTP API answers and which query parameters it takes, as zod schemas: the routes validate queries with
 * them, tests check answers against them, and the OpenAPI document is generated from them (with the request bodies of
 * src/hooks/schema.ts).
 */

const limit = z.coerce.number({ error: 'limit must be a number from 1 to 200' }).int('limit must be a whole number')
  .min(1, 'limit is 1 to 200').max(200, 'limit is 1 to 200').describe('How many per page (default 50).');
const cursor = z.string().min(1).max(500).describe('next_cursor of the previous page.');

export const hooksQuerySchema = z.object({
  guild: snowflakeSchema('server').describe('Only the hooks of this server.').optional(),
  limit: limit.optional(),
  cursor: cursor.optional(),
}).strict();

export const deliveriesQuerySchema = z.object({
  hook: z.string().min(1).max(100).describe('Only the deliveries of this hook id (also an unknown id: refused deliveries keep it).').optional(),
  outcome: z.enum(OUTCOMES, { error: `outcome is one of ${OUTCOMES.join(', ')}` }).describe('Only deliveries with this outcome.').optional(),
  limit: limit.optional(),
  cursor: cursor.optional(),
}).strict();

export const errorSchema = z.object({
  error: z.string().describe('What is wrong and how to fix it.'),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional().describe('One entry per invalid field (422).'),
});

const retryViewSchema = retrySchema.extend({
  max_attempts: z.number().int(), initial_delay: z.string(), backoff_multiplier: z.number(), max_delay: z.string(),
});

export const hookSchema = z.object({
  id: z.string(),
  service: z.enum(SERVICES),
  guild_id: z.string(),
  channel_id: z.string(),
  url: z.string().nullable().describe('Where senders POST (null for Docker hooks, which watch the socket).'),
  events: eventsSchema,
  filters: filtersSchema,
  templates: templatesSchema,
  aggregate: z.object({ window: z.string(), except: z.enum(['failed', 'none']) }).nullable(),
  alert_if: alertIfSchema,
  verify: z.enum([...SCHEMES, 'ci']),
  forward: z.object({
    url: z.string(),
    events: z.array(z.string()),
    headers: z.record(z.string(), z.string()),
    retry: retryViewSchema.nullable().describe('null: the built-in schedule (8 attempts over about a day).'),
    state: z.enum(['ok', 'failing', 'disabled']).describe('disabled after the receiver answered 410 Gone.'),
  }).nullable(),
  rate_limit: rateLimitSchema.nullable(),
  ip_allowlist: z.array(z.string()).nullable().describe('Senders allowed to deliver (CIDRs); null: anyone.'),
  quiet_hours: z.object({ from: z.string(), to: z.string(), tz: z.string() }).nullable()
    .describe('Events in this window (local time in tz) wait and are posted as one digest when it ends; null: off.'),
  routes: routesSchema,
  unrouted: unroutedSchema,
  threads: z.boolean().describe('GitHub and CI hooks: a thread per pull request, issue or pipeline run.'),
  enabled: z.boolean(),
  status: z.enum(['on', 'off', 'failing']).describe('failing: its channel cannot be posted to (status_reason says why).'),
  status_reason: z.string().nullable(),
  source: z.enum(['chat', 'file', 'api']).describe('file hooks change only through their file (source_file).'),
  source_file: z.string().nullable(),
  created_at: z.string(),
  last_delivery_at: z.string().nullable(),
});

export const hookWithSecretsSchema = hookSchema.extend({
  secret: z.string().optional().describe('The hook\'s secret: in the creation answer only (and when a change made a new one).'),
  forward_secret: z.string().optional().describe('The Standard Webhooks secret signing its forwards: when a forward was first set.'),
});

export const hookListSchema = z.object({ data: z.array(hookSchema), next_cursor: z.string().nullable() });

export const deliverySchema = z.object({
  id: z.string().describe('evt_<n> for a stored delivery, rej_<n> for a refused one.'),
  hook_id: z.string(),
  event: z.string().nullable(),
  delivery_id: z.string().nullable().describe('The sender\'s own delivery id.'),
  received_at: z.string(),
  outcome: z.enum(OUTCOMES),
  reason: z.string(),
  messages: z.array(z.object({
    channel_id: z.string(),
    message_id: z.string().nullable(),
    url: z.string().nullable().describe('https://discord.com/channels/<guild>/<channel>/<message>'),
    state: z.enum(['pending', 'sent', 'failed', 'superseded']),
    attempts: z.number().int().describe('Tries made to post it.'),
  })),
  status: z.number().int().optional().describe('Refused deliveries: the HTTP status answered.'),
  source_ip: z.string().nullable().optional().describe('Refused deliveries: the sender\'s address.'),
});

export const deliveryDetailSchema = deliverySchema.extend({
  payload: z.unknown().describe('The JSON received; null for refused deliveries (their body is not kept).'),
  headers: z.record(z.string(), z.string()).nullable().describe('The request headers, less signature, token, authorization and cookie headers.'),
});

export const deliveryListSchema = z.object({ data: z.array(deliverySchema), next_cursor: z.string().nullable() });

export const testSentSchema = z.object({
  status: z.literal('queued'),
  delivery: z.string().describe('The sample\'s delivery id in GET /api/v1/deliveries.'),
  what: z.string(),
  forward: z.object({ url: z.string(), ok: z.boolean(), status: z.number().int().optional(), error: z.string().optional(), ms: z.number() }).optional()
    .describe('Custom hooks with a forward: the signed test forward and how the receiver answered.'),
});

export const replaySchema = z.object({
  status: z.literal('queued'),
  delivery: z.string().describe('The copy\'s delivery id (its sender delivery id is replay:<n>:<k>).'),
  replay_of: z.string(),
});

export type HookView = z.infer<typeof hookSchema>;
