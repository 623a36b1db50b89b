import type { Hook, NewHook, PollConfig } from '../store/store.js';
import type { HookService, HookVerify } from '../types.js';
import {
  CREATE_KEYS, deleteHook, forwardUrlIssue, invalid, newStandardSecret, serviceDefaults, zodIssues, type Managed, type ManageDeps,
} from './manage.js';
import { storedPoll } from './poll-settings.js';
import { hookCreateSchema, type HookCreate } from './schema.js';
import { checkSecret, storedSettings, type Issue } from './settings.js';
import { routeSettings } from './route-settings.js';

/**
 * Hooks declared as code (the hooks file): each is checked with the same schemas and functions as a hook made in chat
 * or through the API, compared with the stored hook of the same id, and applied as a plan — added, changed to match
 * (a setting left out goes back to its default), or removed. Only `source: 'file'` hooks are ever touched.
 */

/** One declared hook: its stable id (the file's `name`), its settings in the API's keys, and whether it is on. */
export interface Declaration {
  id: string;
  input: HookCreate;
  enabled: boolean;
}

export type PlannedHook =
  | { action: 'add'; id: string; service: HookService }
  /** The service changed: the hook is made again (its URL has the service in it). */
  | { action: 'replace'; id: string; service: HookService; before: Hook }
  /** `changes`: the settings that differ (`events`, `secret`, …: names only, never values). */
  | { action: 'change'; id: string; changes: string[]; before: Hook }
  | { action: 'same'; id: string }
  | { action: 'remove'; id: string; before: Hook };

/** What a setting is when a declaration leaves it out (on top of the service's own defaults). */
const LEFT_OUT: Partial<NewHook> = {
  filters: {}, templates: {}, aggregateSeconds: 0, aggregateExcept: 'failed', alertRules: [], url: null, forwardEvents: null,
  forwardHeaders: null, forwardRetry: null, rateBurst: null, ipAllowlist: null, quietHours: null, routes: [], unrouted: 'channel',
  threads: false,
};

/** Stored column → the setting a user knows it by. */
const SETTING_OF: Record<string, string> = {
  channelId: 'channel', guildId: 'guild', aggregateSeconds: 'aggregate', aggregateExcept: 'aggregate', alertRules: 'alert_if',
  url: 'forward', forwardEvents: 'forward', forwardHeaders: 'forward', forwardRetry: 'forward', forwardSecret: 'forward.secret',
  rateLimit: 'rate_limit', rateBurst: 'rate_limit', ipAllowlist: 'ip_allowlist', quietHours: 'quiet_hours', templates: 'template',
};

/** JSON with sorted keys: two settings are the same whatever order their keys were written in. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v ?? null);
}

/** Schemes a sender signs with a secret the hook must have. */
const needsSecret = (service: HookService, verify: HookVerify) => service !== 'docker' && service !== 'poll' && verify !== 'none';

interface Prepared { columns: Omit<NewHook, 'userId' | 'createdAt'>; poll?: PollConfig }

/** Validates a declaration like createHook does; the stored columns it asks for. */
async function prepare(deps: ManageDeps, d: Declaration, existing: Hook | undefined): Promise<Managed<Prepared>> {
  const parsed = hookCreateSchema.safeParse(d.input);
  if (!parsed.success) return invalid(zodIssues(parsed.error, CREATE_KEYS));
  const s = parsed.data;
  const issues: Issue[] = [];
  const settings = storedSettings(s.service, s, issues);
  Object.assign(settings, await routeSettings(deps, s.service, s, existing, issues));
  const defaults = serviceDefaults(s.service);
  const verify = settings.verify ?? defaults.verify!;
  if (s.secret !== undefined) checkSecret(s.service, verify, s.secret, issues);
  else if (needsSecret(s.service, verify)) issues.push({ path: ['secret'], message: `is required: a ${verify} hook needs its secret (name the environment variable that holds it)` });
  let poll: PollConfig | undefined;
  if (s.poll !== undefined) poll = storedPoll(s.service, s.poll, issues);
  else if (s.service === 'poll') issues.push({ path: ['poll'], message: 'is required for a poll hook: {url: "https://…/feed.xml"} or {docker_updates: true}' });
  if (existing && existing.source !== 'file') {
    issues.push({ path: [], message: `the name ${d.id} is taken by a hook made ${existing.source === 'api' ? 'through the HTTP API' : 'in chat'}: give this one another name` });
  }
  if (!issues.length && settings.url && settings.url !== existing?.url) await forwardUrlIssue(deps, settings.url, issues);
  if (issues.length) return invalid(issues);
  const columns: Prepared['columns'] = {
    filters: {}, templates: {}, ...LEFT_OUT, ...defaults, ...settings, events: settings.events ?? defaults.events, verify, service: s.service,
    channelId: s.channel_id, guildId: s.guild_id ?? existing?.guildId ?? '', secret: s.secret ?? '', enabled: d.enabled,
  };
  return { ok: true, value: { columns, poll } };
}

/** The settings of `before` that `columns` (and the poll source) change. */
async function changedSettings(deps: ManageDeps, before: Hook, p: Prepared): Promise<string[]> {
  const changed = new Set<string>();
  for (const [key, value] of Object.entries(p.columns)) {
    if (canonical(value) !== canonical(before[key as keyof Hook])) changed.add(SETTING_OF[key] ?? key);
  }
  if (p.poll) {
    const source = await deps.store.getPollSource(before.id);
    const stored = source && { kind: source.kind, url: source.url, everySeconds: source.everySeconds, itemsPath: source.itemsPath, idField: source.idField };
    if (canonical(stored) !== canonical(p.poll)) changed.add('poll');
  }
  return [...changed];
}

/** What applying `d` would do to the stored hook of its id (`existing`); nothing is written. */
export async function planDeclaration(deps: ManageDeps, d: Declaration, existing: Hook | undefined): Promise<Managed<PlannedHook & { prepared: Prepared }>> {
  const prepared = await prepare(deps, d, existing);
  if (!prepared.ok) return prepared;
  const p = prepared.value;
  if (!existing) return { ok: true, value: { action: 'add', id: d.id, service: p.columns.service, prepared: p } };
  if (existing.service !== p.columns.service) return { ok: true, value: { action: 'replace', id: d.id, service: p.columns.service, before: existing, prepared: p } };
  const changes = await changedSettings(deps, existing, p);
  return { ok: true, value: changes.length ? { action: 'change', id: d.id, changes, before: existing, prepared: p } : { action: 'same', id: d.id, prepared: p } };
}

/** Writes one planned hook (a file hook: `sourceFile` names the file). */
export async function applyPlanned(deps: ManageDeps, plan: PlannedHook & { prepared?: Prepared }, sourceFile: string): Promise<void> {
  const now = deps.clock.now();
  const at = new Date(now).toISOString();
  if (plan.action === 'remove' || plan.action === 'replace') {
    const gone = await deleteHook(deps, plan.before, 'file');
    if (!gone.ok) throw new Error(gone.problem.message);
  }
  if (plan.action === 'remove' || plan.action === 'same' || !plan.prepared) return;
  const { columns, poll } = plan.prepared;
  if (plan.action === 'add' || plan.action === 'replace') {
    await deps.store.createHook({
      ...columns, id: plan.id, userId: 'file', createdAt: at, source: 'file', sourceFile, ...(columns.url ? { forwardSecret: columns.forwardSecret ?? newStandardSecret(), forwardState: 'ok' } : {}),
    });
  } else {
    const { before } = plan;
    const patch: Partial<NewHook> = { sourceFile };
    for (const [key, value] of Object.entries(columns)) {
      if (canonical(value) !== canonical(before[key as keyof Hook])) Object.assign(patch, { [key]: value });
    }
    if (columns.url && columns.url !== before.url) {
      Object.assign(patch, { forwardState: 'ok', forwardSecret: columns.forwardSecret ?? before.forwardSecret ?? newStandardSecret() });
    } else if (!columns.url && before.url) {
      Object.assign(patch, { forwardSecret: null, forwardState: null });
    }
    await deps.store.updateHook(plan.id, patch);
    if (before.url && !columns.url) await deps.store.failPendingForwards(plan.id, 'forward removed from the hooks file');
  }
  if (poll) await deps.store.setPollSource(plan.id, poll, now, at);
}
