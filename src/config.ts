import { hostname } from 'node:os';
import { z } from 'zod';
import { DEFAULT_URL_POLICY } from './forward/url-policy.js';

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, def: z.input<T>) =>
  z.preprocess((v) => (v === undefined || v === '' ? def : v), schema);

const httpUrl = z.string().url().refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://')
  .transform((u) => u.replace(/\/+$/, ''));

const schema = z.object({
  DISCORD_TOKEN: z.string({ error: 'is required (the bot token from the Discord developer portal → Bot → Token)' })
    .trim().min(1, 'is required (the bot token from the Discord developer portal → Bot → Token)'),
  DISCORD_API_URL: withDefault(httpUrl, 'https://discord.com/api'),
  PORT: withDefault(z.coerce.number({ error: 'must be a port number (0–65535)' }).int().min(0).max(65535), '8080'),
  HOST: withDefault(z.string().min(1), '0.0.0.0'),
  PUBLIC_URL: optional(httpUrl),
  NGROK_AUTHTOKEN: optional(z.string()),
  NGROK_DOMAIN: optional(z.string()),
  DATABASE_PATH: withDefault(z.string().min(1), './data/hookbot.db'),
  /** PostgreSQL, which several hookbot processes may share; unset → SQLite at DATABASE_PATH. */
  DATABASE_URL: optional(z.string().trim().regex(/^postgres(ql)?:\/\/\S+$/, 'must look like postgres://user:password@host:5432/hookbot')),
  /** Names this process in logs, /healthz and Docker messages when several hosts report. */
  REPLICA_NAME: withDefault(z.string().trim().min(1), hostname()),
  DOCKER_HOST: withDefault(z.string().regex(/^(unix|tcp|http|https|npipe):\/\//, 'must look like unix:///var/run/docker.sock or tcp://host:2375'), 'unix:///var/run/docker.sock'),
  DISCORD_GUILD_ID: optional(z.string().regex(/^\d{17,20}$/, 'must be a server id (17–20 digits)')),
  COMMAND_PREFIX: withDefault(z.string().trim().min(1), '!hook'),
  LOG_LEVEL: withDefault(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
  MAX_BODY_BYTES: withDefault(z.coerce.number({ error: 'must be a number of bytes' }).int().positive(), '26214400'),
  RETENTION_DAYS: withDefault(z.coerce.number({ error: 'must be a number of days' }).positive(), '30'),
  MAX_STORED_EVENTS: withDefault(z.coerce.number({ error: 'must be a number' }).int().positive(), '100000'),
  /** Forward targets on private networks (10/8, 172.16/12, 192.168/16, loopback, fc00::/7): allow or deny. */
  FORWARD_PRIVATE_ADDRESSES: withDefault(z.enum(['allow', 'deny']), DEFAULT_URL_POLICY.privateAddresses),
  /** Link-local and cloud metadata addresses (169.254/16, fe80::/10) are refused unless this is true. */
  FORWARD_ALLOW_LINK_LOCAL: withDefault(z.enum(['true', 'false']), DEFAULT_URL_POLICY.allowLinkLocal ? 'true' : 'false'),
  /** Enables the HTTP API (`Authorization: Bearer <ADMIN_TOKEN>`); unset → `/api/v1/*` answers 404. */
  ADMIN_TOKEN: optional(z.string().trim().min(16, 'must be at least 16 characters (e.g. the output of `openssl rand -base64 32`)')),
  /** Hooks declared as code (YAML); unset → ./hookbot.yaml when that file exists (see src/hooks-file/). */
  HOOKS_FILE: optional(z.string().trim().min(1)),
  /**
   * Which X-Forwarded-For to believe for a sender's address (ip_allowlist, the delivery log): `false` (default: the
   * connection's address), `true` (any proxy), a number of proxies in front, or their addresses/CIDRs, comma-separated.
   */
  TRUST_PROXY: withDefault(z.string().trim().regex(/^(true|false|\d{1,2}|[\w.:/]+(\s*,\s*[\w.:/]+)*)$/,
    'must be false, true, a number of proxies in front of hookbot, or their addresses (e.g. "loopback, 10.0.0.0/8")')
    .transform((v): boolean | number | string => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v)), 'false'),
});

export type Config = z.infer<typeof schema>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/** Reads the configuration from an environment (defaults < env). Pure: tests pass their own env. */
export function loadConfig(env: Record<string, string | undefined>): ConfigResult {
  const r = schema.safeParse(env);
  if (r.success) return { ok: true, config: r.data };
  return {
    ok: false,
    errors: r.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`),
  };
}
