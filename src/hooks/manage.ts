import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { DOCKER_CATEGORIES } from '../../parsers/docker-events.js';
import { ALL_EVENTS, DEFAULT_GITHUB_EVENTS } from '../../parsers/github-events.js';
import { checkForwardUrl, DEFAULT_URL_POLICY, type UrlPolicy } from '../forward/url-policy.js';
import type { Clock } from '../ports.js';
import type { Hook, NewHook, Store } from '../store/store.js';
import type { HookService, HookSource, HookVerify } from '../types.js';
import { hookCreateSchema, hookPatchSchema, type HookCreate, type HookPatch } from './schema.js';
import { checkSecret, PROVIDER_ISSUED, storedSettings, type Issue } from './settings.js';
import { storedPoll } from './poll-settings.js';
import { pollUrlRefusal } from '../poll/url-check.js';
import { routeSettings, type RouteChannelCheck } from './route-settings.js';

/**
 * The one way hooks are created and changed: chat and slash commands, the HTTP API and the hooks file all call these.
 * Each validates with the same schemas (schema.ts, settings.ts), refuses to change a file hook except for the file
 * loader, and writes through the Store.
 */

/** What managing hooks needs. A command's context has all of it. */
export interface ManageDeps {
  store: Store;
  clock: Clock;
  /** A generated hook secret (32 random bytes, URL-safe). */
  newSecret: () => string;
  /** Which forward URLs are allowed (SSRF guard); DEFAULT_URL_POLICY when not given. */
  forwardPolicy?: UrlPolicy;
  /** Whether the bot may post a route's channel (asks Discord); routes are not checked without it. */
  routeChannel?: RouteChannelCheck;
}

/** Who creates a hook: the door it came through, the server it belongs to, and who owns it (told when it fails). */
export interface Origin {
  source: HookSource;
  /** The file that declares it (`source: 'file'`). */
  sourceFile?: string;
  /** Its id, when the door names it (the hooks file: the hook's `name`); else the next `hook_NNN`. */
  id?: string;
  guildId: string;
  userId: string;
}

/** Why a change was not made. `invalid` carries one issue per problem, each with its path. */
export type HookProblem =
  | { kind: 'invalid'; message: string; issues: Issue[] }
  | { kind: 'not_found'; message: string }
  | { kind: 'file_hook'; message: string; file: string }
  | { kind: 'conflict'; message: string };

export type Managed<T> = { ok: true; value: T } | { ok: false; problem: HookProblem };

/** A created hook and its secrets, to be shown once to whoever asked. */
export interface Created { hook: Hook; secret: string; forwardSecret: string | null }
/** A changed hook, and any secret the change made (a new scheme's secret, a new forward's signing secret). */
export interface Updated { hook: Hook; before: Hook; secret?: string; forwardSecret?: string }

/** A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function newStandardSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** `alert_if[0].expr` */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '');
}

/** Issues as one line: `events[1]: unknown GitHub event "deploys"; filters.foo: …`. */
export function describeIssues(issues: Issue[]): string {
  return issues.map((i) => (i.path.length ? `${issuePath(i.path)}: ${i.message}` : i.message)).join('; ');
}

export const invalid = (issues: Issue[]): Managed<never> => ({ ok: false, problem: { kind: 'invalid', message: describeIssues(issues), issues } });

/** Zod's issues, with unknown keys named and the valid ones listed. */
export function zodIssues(error: z.ZodError, validKeys: string[]): Issue[] {
  return error.issues.map((i) => {
    if (i.code === 'unrecognized_keys') {
      return { path: [...i.path] as Issue['path'], message: `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}${i.path.length ? '' : `; valid keys: ${validKeys.join(', ')}`}` };
    }
    return { path: [...i.path] as Issue['path'], message: i.message };
  });
}

export const CREATE_KEYS = Object.keys(hookCreateSchema.shape);
const PATCH_KEYS = Object.keys(hookPatchSchema.shape);

/** The refusal for a file hook: changes go through its file. */
function fileRefusal(hook: Hook): Managed<never> {
  const file = hook.sourceFile ?? 'the hooks file';
  return {
    ok: false,
    problem: { kind: 'file_hook', file, message: `${hook.id} is declared in ${file}: change it there (hookbot applies the file when it changes)` },
  };
}

/** Whether `door` may change `hook`: file hooks only through the file loader. */
const lockedFor = (hook: Hook, door: HookSource) => hook.source === 'file' && door !== 'file';

/** The secret a hook of this scheme starts with: generated, or empty until the provider's is set. */
function initialSecret(deps: ManageDeps, service: HookService, scheme: HookVerify): string {
  if (service === 'docker' || service === 'poll' || scheme === 'none' || PROVIDER_ISSUED.has(scheme)) return '';
  return scheme === 'standard' ? newStandardSecret() : deps.newSecret();
}

/** What a service's hooks get when a setting is left out. */
export function serviceDefaults(service: HookService): Pick<NewHook, 'events' | 'verify' | 'rateLimit'> {
  switch (service) {
    case 'github': return { events: DEFAULT_GITHUB_EVENTS, verify: 'github', rateLimit: 60 };
    case 'ci': return { events: [ALL_EVENTS], verify: 'ci', rateLimit: 60 };
    case 'docker': return { events: [...DOCKER_CATEGORIES], verify: 'none', rateLimit: 0 };
    case 'custom': return { events: [ALL_EVENTS], verify: 'hmac', rateLimit: 60 };
    case 'poll': return { events: [ALL_EVENTS], verify: 'none', rateLimit: 0 };
  }
}

export async function forwardUrlIssue(deps: ManageDeps, url: string | null | undefined, issues: Issue[]): Promise<void> {
  if (!url) return;
  const problem = await checkForwardUrl(url, deps.forwardPolicy ?? DEFAULT_URL_POLICY);
  if (problem) issues.push({ path: ['forward', 'url'], message: `that forward URL is refused: ${problem.replace(/`/g, '"')}` });
}

/** The poll source a create or change states (checked; its URL against the URL policy too), or undefined. */
async function pollSource(deps: ManageDeps, service: HookService, s: HookPatch, issues: Issue[], creating: boolean) {
  if (s.poll === undefined) {
    if (creating && service === 'poll') issues.push({ path: ['poll'], message: 'is required for a poll hook: {"url": "https://…/feed.xml"} or {"docker_updates": true}' });
    return undefined;
  }
  const config = storedPoll(service, s.poll, issues);
  if (config?.url && !issues.length) {
    const refused = await pollUrlRefusal(config.url, deps.forwardPolicy ?? DEFAULT_URL_POLICY);
    if (refused) issues.push({ path: ['poll', 'url'], message: `that URL is refused: ${refused}` });
  }
  return config;
}

/** Creates a hook from its settings (validated here); its secret is generated unless given. */
export async function createHook(deps: ManageDeps, input: HookCreate | unknown, origin: Origin): Promise<Managed<Created>> {
  const parsed = hookCreateSchema.safeParse(input);
  if (!parsed.success) return invalid(zodIssues(parsed.error, CREATE_KEYS));
  const s = parsed.data;
  const issues: Issue[] = [];
  const settings = storedSettings(s.service, s, issues);
  Object.assign(settings, await routeSettings(deps, s.service, s, undefined, issues));
  const defaults = serviceDefaults(s.service);
  const verify = settings.verify ?? defaults.verify!;
  if (s.secret !== undefined) checkSecret(s.service, verify, s.secret, issues);
  if (!issues.length) await forwardUrlIssue(deps, settings.url, issues); // DNS: only for settings valid otherwise
  const poll = await pollSource(deps, s.service, s, issues, true);
  if (issues.length) return invalid(issues);
  const secret = s.secret ?? initialSecret(deps, s.service, verify);
  const forwardSecret = settings.url ? settings.forwardSecret ?? newStandardSecret() : null;
  const hook = await deps.store.createHook({
    guildId: s.guild_id ?? origin.guildId, channelId: s.channel_id, userId: origin.userId, service: s.service,
    secret, filters: {}, templates: {}, enabled: true, createdAt: new Date(deps.clock.now()).toISOString(),
    source: origin.source, sourceFile: origin.sourceFile ?? null,
    ...defaults, ...settings, verify,
    ...(forwardSecret ? { forwardSecret, forwardState: 'ok' as const } : {}),
    ...(origin.id ? { id: origin.id } : {}),
  });
  if (poll) await deps.store.setPollSource(hook.id, poll, deps.clock.now(), hook.createdAt);
  return { ok: true, value: { hook, secret, forwardSecret } };
}

/** Finds a hook by id, or says it is not there. */
async function load(deps: ManageDeps, ref: Hook | string): Promise<Managed<Hook>> {
  if (typeof ref !== 'string') return { ok: true, value: ref };
  const hook = await deps.store.getHook(ref);
  return hook ? { ok: true, value: hook } : { ok: false, problem: { kind: 'not_found', message: `there is no hook ${ref} (list them to see their ids)` } };
}

/**
 * Changes a hook: each setting given replaces that setting. A new scheme gets a new secret (returned, to be shown
 * once) unless one is given; a first forward gets its signing secret. `door` is who asks (file hooks: only `file`).
 */
export async function updateHook(deps: ManageDeps, ref: Hook | string, patch: HookPatch | unknown, door: HookSource): Promise<Managed<Updated>> {
  const found = await load(deps, ref);
  if (!found.ok) return found;
  const before = found.value;
  if (lockedFor(before, door)) return fileRefusal(before);
  const parsed = hookPatchSchema.safeParse(patch);
  if (!parsed.success) return invalid(zodIssues(parsed.error, PATCH_KEYS));
  const s = parsed.data;
  const issues: Issue[] = [];
  const settings = storedSettings(before.service, s, issues);
  Object.assign(settings, await routeSettings(deps, before.service, s, before, issues));
  const scheme = settings.verify ?? before.verify;
  const extra: Partial<NewHook> = {};
  let secret: string | undefined;
  if (s.secret !== undefined) {
    checkSecret(before.service, scheme, s.secret, issues);
    secret = s.secret;
  } else if (scheme !== before.verify) {
    secret = initialSecret(deps, before.service, scheme);
  }
  if (secret !== undefined) extra.secret = secret;
  let forwardSecret: string | undefined;
  if (settings.url) {
    if (settings.url !== before.url && !issues.length) await forwardUrlIssue(deps, settings.url, issues);
    if (!before.forwardSecret && !settings.forwardSecret) extra.forwardSecret = forwardSecret = newStandardSecret();
    extra.forwardState = settings.url !== before.url || !before.forwardState ? 'ok' : before.forwardState;
  }
  const poll = await pollSource(deps, before.service, s, issues, false);
  if (issues.length) return invalid(issues);
  const changes = { ...settings, ...extra };
  // A change of the poll source alone changes no column of the hook.
  const hook = Object.keys(changes).length ? await deps.store.updateHook(before.id, changes) : await deps.store.getHook(before.id);
  if (!hook) return { ok: false, problem: { kind: 'not_found', message: `there is no hook ${before.id}` } };
  // A poll source given again resumes it (failures forgotten, pause ended) and polls it soon.
  if (poll) await deps.store.setPollSource(hook.id, poll, deps.clock.now(), new Date(deps.clock.now()).toISOString());
  if (before.url && settings.url === null) await deps.store.failPendingForwards(before.id, 'forward removed');
  return { ok: true, value: { hook, before, ...(secret ? { secret } : {}), ...(forwardSecret ? { forwardSecret } : {}) } };
}

/**
 * Turns on the channel's hook of a service: the existing one (same id, URL and secret) changed by `settings(existing)`
 * and enabled, or a new one. `existing` is the hook as it was.
 */
export async function enableChannelHook(
  deps: ManageDeps, origin: Origin & { channelId: string }, service: HookService, settings: (existing?: Hook) => HookPatch,
): Promise<Managed<{ hook: Hook; secret: string; existing?: Hook }>> {
  const existing = await deps.store.findHook(origin.channelId, service);
  if (existing) {
    const r = await updateHook(deps, existing, { ...settings(existing), enabled: true }, origin.source);
    return r.ok ? { ok: true, value: { hook: r.value.hook, secret: r.value.hook.secret, existing } } : r;
  }
  const r = await createHook(deps, { service, channel_id: origin.channelId, ...settings() }, origin);
  return r.ok ? { ok: true, value: { hook: r.value.hook, secret: r.value.secret } } : r;
}

/** Turns a hook on or off (off: its URL answers 404). */
export function setEnabled(deps: ManageDeps, ref: Hook | string, enabled: boolean, door: HookSource): Promise<Managed<Updated>> {
  return updateHook(deps, ref, { enabled }, door);
}

/** Sets a provider-issued secret (checked against the scheme's shape). */
export function setSecret(deps: ManageDeps, ref: Hook | string, secret: string, door: HookSource): Promise<Managed<Updated>> {
  return updateHook(deps, ref, { secret }, door);
}

/** Replaces a hook's filters, templates, digest window, alert rules or forward: one setting of `updateHook`. */
export function setSetting<K extends 'filters' | 'templates' | 'aggregate' | 'alert_if' | 'forward' | 'events'>(
  deps: ManageDeps, ref: Hook | string, key: K, value: NonNullable<HookPatch[K]> | null, door: HookSource,
): Promise<Managed<Updated>> {
  return updateHook(deps, ref, { [key]: value }, door);
}

/** Removes a hook and its stored events; its URL then answers 404. */
export async function deleteHook(deps: ManageDeps, ref: Hook | string, door: HookSource): Promise<Managed<Hook>> {
  const found = await load(deps, ref);
  if (!found.ok) return found;
  if (lockedFor(found.value, door)) return fileRefusal(found.value);
  await deps.store.deleteHook(found.value.id);
  return found;
}

/** A forward that was turned off (410 Gone) is on again, for a replay. Not a setting: allowed on file hooks too. */
export async function resumeForward(deps: ManageDeps, hook: Hook): Promise<Hook> {
  if (hook.forwardState !== 'disabled') return hook;
  return (await deps.store.updateHook(hook.id, { forwardState: 'ok' })) ?? hook;
}
