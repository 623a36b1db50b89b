import type { z } from 'zod';
import type { ChannelGuild } from '../discord/channel-guild.js';
import { applyPlanned, planDeclaration, type Declaration, type PlannedHook } from '../hooks/declare.js';
import { issuePath, type ManageDeps } from '../hooks/manage.js';
import type { HookCreate } from '../hooks/schema.js';
import type { Issue } from '../hooks/settings.js';
import { FILE_KEYS, hooksFileSchema, type FileHook, type HooksFile } from './file-schema.js';
import { readHooksFile, type FileIssue, type ParsedFile } from './read.js';

/** What planning a hooks file needs: hook management, the environment (for `secret_env`), and Discord (for guilds). */
export interface PlanDeps extends ManageDeps {
  /** Looks an environment variable up (the file's secrets). */
  env: (name: string) => string | undefined;
  /** The server of a channel, from Discord; left out (hooks:check), a hook keeps the server it has. */
  channelGuild?: (channelId: string) => Promise<ChannelGuild>;
}

/** A file checked against the store: its problems (`file:line: what`), or what applying it does. */
export interface HooksFilePlan {
  ok: boolean;
  /** One line per problem, `hookbot.yaml:12: hooks[0].events[1]: unknown GitHub event "deploys"`, in file order. */
  problems: string[];
  /** Every hook of the file (and every file hook the file no longer has), with what applying does to it. */
  planned: PlannedHook[];
  /** How many hooks the file declares. */
  declared: number;
  /** What works but is probably not what was meant (e.g. a forward signed with a secret nobody was shown). */
  warnings: string[];
}

/** The file's key for a setting the API names otherwise. */
const FILE_KEY: Record<string, string> = { channel_id: 'channel', guild_id: 'guild', templates: 'template', secret: 'secret_env' };

/** Zod's issues as file issues: an unknown key points at that key, and the valid ones are listed. */
function zodFileIssues(error: z.ZodError): FileIssue[] {
  return error.issues.flatMap((i) => {
    const path = i.path as (string | number)[];
    if (i.code === 'unrecognized_keys') {
      const keys = FILE_KEYS.filter((k) => k !== 'secret' && (path[0] !== 'defaults' || k !== 'name'));
      const valid = path.length === 0 ? 'defaults, hooks' : keys.join(', ');
      return i.keys.map((k) => ({ path: [...path, k], message: `unknown key "${k}"${path.length <= 2 ? `; valid keys: ${valid}` : ''}` }));
    }
    return [{ path, message: i.message }];
  });
}

/** One hook with its defaults merged (a key the hook gives replaces the default's), and where each key is written. */
function merged(file: HooksFile, i: number) {
  const hook = file.hooks[i];
  const values: FileHook = { ...file.defaults, ...hook };
  const where = (key: string): (string | number)[] => (key in hook ? ['hooks', i, key] : file.defaults && key in file.defaults ? ['defaults', key] : ['hooks', i]);
  return { values, where };
}

/** An issue of hook management (API keys) → where in the file. */
function located(issue: Issue, values: FileHook, where: (key: string) => (string | number)[], i: number): FileIssue {
  const [top, ...rest] = issue.path;
  if (top === undefined) return { path: ['hooks', i, 'name'], message: issue.message };
  let path: (string | number)[] = [FILE_KEY[String(top)] ?? String(top), ...rest];
  if (top === 'forward' && rest[0] === 'secret') path = ['forward', 'secret_env'];
  if (top === 'templates' && typeof values.template === 'string') path = ['template'];
  const at = where(String(path[0]));
  // A key the hook does not write (nor its defaults): the problem is named on the hook's line.
  if (at[at.length - 1] !== path[0]) return { path: at, message: `${[path[0], ...path.slice(1)].join('.')} ${issue.message}` };
  return { path: [...at, ...path.slice(1)], message: issue.message };
}

/** The API's settings for one file hook: keys renamed, secrets read from the environment. */
function declaration(values: FileHook, guildId: string | undefined, env: PlanDeps['env']): Declaration {
  const { name, channel, guild: _guild, secret_env: secretEnv, template, forward, enabled, secret: _secret, ...same } = values;
  const input = {
    ...same, channel_id: channel, ...(guildId ? { guild_id: guildId } : {}),
    ...(template !== undefined ? { templates: typeof template === 'string' ? { '*': template } : template } : {}),
    ...(secretEnv ? { secret: env(secretEnv) } : {}),
    ...(forward ? { forward: { ...withoutKey(forward, 'secret_env'), ...(forward.secret_env ? { secret: env(forward.secret_env) } : {}) } } : {}),
  } as HookCreate;
  return { id: name, input, enabled: enabled ?? true };
}

function withoutKey<T extends object, K extends string>(o: T, key: K): Omit<T, K> {
  const { [key]: _gone, ...rest } = o as Record<string, unknown>;
  return rest as Omit<T, K>;
}

/** Discord's answer, or "unreachable" after a few seconds: a slow Discord must not hold up the start. */
async function askBriefly(channelGuild: NonNullable<PlanDeps['channelGuild']>, channelId: string, ms = 5000): Promise<ChannelGuild> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ChannelGuild>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: 'unreachable', message: `Discord did not answer within ${ms / 1000} s` }), ms);
  });
  try {
    return await Promise.race([channelGuild(channelId), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Checks a hooks file (its text) and plans it against the store; nothing is written. `name` is how problems name the file. */
export async function planHooksFile(deps: PlanDeps, name: string, text: string): Promise<HooksFilePlan> {
  const read = readHooksFile(text);
  const fail = (issues: (FileIssue & { line?: number })[], file?: ParsedFile): HooksFilePlan => {
    const lines = issues.map((i) => ({ line: i.line ?? file?.lineOf(i.path) ?? 1, text: i.path.length ? `${issuePath(i.path)}: ${i.message}` : i.message }));
    lines.sort((a, b) => a.line - b.line);
    return { ok: false, problems: lines.map((l) => `${name}:${l.line}: ${l.text}`), planned: [], declared: 0, warnings: [] };
  };
  if (!read.ok) return fail(read.issues);
  const parsed = hooksFileSchema.safeParse(read.file.value ?? {});
  if (!parsed.success) return fail(zodFileIssues(parsed.error), read.file);
  const file = parsed.data;
  const issues: FileIssue[] = [];
  const guilds = new Map<string, Promise<ChannelGuild>>();
  const seen = new Set<string>();
  const planned: PlannedHook[] = [];
  const warnings: string[] = [];
  for (let i = 0; i < file.hooks.length; i++) {
    const { values, where } = merged(file, i);
    const before = issues.length;
    if (seen.has(values.name)) issues.push({ path: ['hooks', i, 'name'], message: `another hook above is named ${values.name}: names are ids and must differ` });
    seen.add(values.name);
    if (!values.service) issues.push({ path: ['hooks', i], message: 'service is required: github, ci, custom, docker or poll' });
    if (!values.channel) issues.push({ path: ['hooks', i], message: 'channel is required: the Discord channel id, here or in defaults' });
    for (const [key, envName] of [['secret_env', values.secret_env], ['forward', values.forward?.secret_env]] as const) {
      if (envName && !deps.env(envName)) {
        issues.push({ path: key === 'forward' ? [...where('forward'), 'secret_env'] : where(key), message: `${envName} is not set in hookbot's environment (or is empty)` });
      }
    }
    if (issues.length > before) continue;
    const existing = await deps.store.getHook(values.name);
    let plan = await planDeclaration(deps, declaration(values, values.guild, deps.env), existing);
    if (!plan.ok) {
      if (plan.problem.kind === 'invalid') issues.push(...plan.problem.issues.map((x) => located(x, values, where, i)));
      else issues.push({ path: ['hooks', i, 'name'], message: plan.problem.message });
      continue;
    }
    // Valid: which server its channel is in (Discord is asked once per channel; unreachable → the server it had).
    if (!values.guild && deps.channelGuild) {
      if (!guilds.has(values.channel!)) guilds.set(values.channel!, askBriefly(deps.channelGuild, values.channel!));
      const found = await guilds.get(values.channel!)!;
      if (!found.ok && found.reason !== 'unreachable') {
        issues.push({ path: where('channel'), message: found.message });
        continue;
      }
      if (found.ok && found.guildId !== existing?.guildId) plan = await planDeclaration(deps, declaration(values, found.guildId, deps.env), existing);
      if (!plan.ok) throw new Error(`hooks file: ${values.name} planned twice with different answers: ${plan.problem.message}`);
    }
    planned.push(plan.value);
    if (values.forward && !values.forward.secret_env) {
      warnings.push(`${name}:${read.file.lineOf(where('forward'))}: ${values.name}'s forwards are signed with a generated secret nobody has seen: set forward.secret_env to the whsec_… your receiver checks`);
    }
  }
  if (issues.length) return fail(issues, read.file);
  for (const h of await deps.store.allHooks()) {
    if (h.source === 'file' && !seen.has(h.id)) planned.push({ action: 'remove', id: h.id, before: h });
  }
  return { ok: true, problems: [], planned, declared: file.hooks.length, warnings };
}

/** What applying a plan did, by hook id. */
export interface Applied { added: string[]; changed: { id: string; settings: string[] }[]; removed: string[] }

/** Applies a plan: removals first, then additions and changes. Only file hooks are touched (planning checked that). */
export async function applyHooksFilePlan(deps: ManageDeps, plan: HooksFilePlan, sourceFile: string): Promise<Applied> {
  const out: Applied = { added: [], changed: [], removed: [] };
  const order = [...plan.planned].sort((a, b) => Number(b.action === 'remove') - Number(a.action === 'remove'));
  for (const p of order) {
    await applyPlanned(deps, p, sourceFile);
    if (p.action === 'add') out.added.push(p.id);
    else if (p.action === 'remove') out.removed.push(p.id);
    else if (p.action === 'replace') out.changed.push({ id: p.id, settings: ['service'] });
    else if (p.action === 'change') out.changed.push({ id: p.id, settings: p.changes });
  }
  return out;
}
