import { z } from 'zod';
import {
  aggregateSchema, alertIfSchema, eventsSchema, filtersSchema, forwardSchema, ipAllowlistSchema, pollSchema, quietHoursSchema,
  rateLimitSchema, routesSchema, serviceSchema, snowflakeSchema, templatesSchema, unroutedSchema, verifySchema,
} from '../hooks/schema.js';

/**
 * The hooks file (`HOOKS_FILE`, YAML): `defaults` merged into every hook, then `hooks`, each with a stable `name`.
 * Built from the same field schemas as the HTTP API (src/hooks/schema.ts); the keys follow the chat grammar
 * (`channel`, `template`, `alert_if`), and secrets come from the environment (`secret_env`), never from the file.
 */

/** A hook's name: its id, and the last part of its URL (`/webhook/<service>/<name>`). */
export const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const NO_SECRETS = 'secrets are never written in the file: put the secret in an environment variable and name it with secret_env (e.g. secret_env: GITHUB_WEBHOOK_SECRET)';

const nameSchema = z.string({ error: 'is required: a name like api-github (the hook\'s id and the last part of its URL)' })
  .regex(NAME, 'a name is 1 to 63 lower-case letters, digits, - and _, starting with a letter or digit (it becomes the URL /webhook/<service>/<name>)')
  .refine((n) => !/^hook_\d+$/.test(n), 'names like hook_001 are given to hooks made in chat or through the API: choose another');

const envNameSchema = z.string({ error: 'must be the name of an environment variable, like GITHUB_WEBHOOK_SECRET' })
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable, like GITHUB_WEBHOOK_SECRET');

/** `template`: one template for every event, or a map of event → template. */
const templateSchema = z.union([
  z.string().max(2000, 'a template is at most 2000 characters').refine((t) => t.trim().length > 0, 'a template cannot be empty'),
  templatesSchema,
], { error: 'a template is a string ("📤 {{author}} pushed to {{branch}}") or a map of event → template ({push: "…", pr: "…"})' });

const fileForwardSchema = forwardSchema.omit({ secret: true }).extend({
  secret_env: envNameSchema.describe('The environment variable holding the whsec_ secret that signs the forwards.').optional(),
  secret: z.never({ error: NO_SECRETS }).optional(),
}).strict();

/** Every key a hook (or `defaults`) may have. */
const fields = {
  service: serviceSchema,
  channel: snowflakeSchema('channel'),
  guild: snowflakeSchema('server'),
  secret_env: envNameSchema,
  events: eventsSchema,
  filters: filtersSchema,
  template: templateSchema,
  aggregate: aggregateSchema,
  alert_if: alertIfSchema,
  verify: verifySchema,
  forward: fileForwardSchema,
  rate_limit: rateLimitSchema,
  ip_allowlist: ipAllowlistSchema,
  quiet_hours: quietHoursSchema,
  poll: pollSchema,
  routes: routesSchema,
  unrouted: unroutedSchema,
  threads: z.boolean({ error: 'threads is true or false' }),
  enabled: z.boolean({ error: 'enabled is true or false' }),
  secret: z.never({ error: NO_SECRETS }),
};

export const fileHookSchema = z.object({ name: nameSchema, ...fields }).partial().required({ name: true }).strict();
export const defaultsSchema = z.object(fields).partial().strict();

export const hooksFileSchema = z.object({
  defaults: defaultsSchema.optional(),
  hooks: z.array(fileHookSchema, { error: 'hooks is required: a list of hooks (hooks: [] removes every hook this file made)' })
    .max(500, 'at most 500 hooks in one file'),
}, { error: 'the file must be a map with hooks: (and optionally defaults:)' }).strict();

export type FileHook = z.infer<typeof fileHookSchema>;
export type HooksFile = z.infer<typeof hooksFileSchema>;
/** The keys of a hook in the file (for the paths of problems). */
export const FILE_KEYS = Object.keys(fileHookSchema.shape);
