import { checkTemplate, TemplateError } from '../../formatters/template.js';
import { DOCKER_CATEGORIES } from '../../parsers/docker-events.js';
import { ALL_EVENTS, GITHUB_EVENTS, githubEventByAlias } from '../../parsers/github-events.js';
import { alertContext, parsePing } from '../alerts/alerts.js';
import { checkRule } from '../alerts/expression.js';
import { FILTER_KEYS, isPayloadPath, regexProblem, SPECIAL_KEYS, splitStored } from '../rules/filters.js';
import type { NewHook } from '../store/store.js';
import type { ForwardRetry, HookService, HookVerify } from '../types.js';
import { storedOptions } from './options.js';
import { DURATION, type AggregateSetting, type FilterSettings, type ForwardSetting, type HookPatch } from './schema.js';

/** One problem with a setting: where (`filters.branch`, `alert_if.0.expr`) and what to do about it. */
export interface Issue {
  path: (string | number)[];
  message: string;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `5m` → 300000; null when not a duration. */
export function durationMs(s: string): number | null {
  const m = DURATION.exec(s.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2]] : null;
}

/** Headers a forward may not set: the body's framing and the Standard Webhooks signature are hookbot's. */
const RESERVED_HEADERS = new Set(['host', 'content-type', 'content-length', 'transfer-encoding', 'connection', 'webhook-id', 'webhook-timestamp', 'webhook-signature']);

/** The parts a retry policy leaves out (a hook without a policy keeps the forwarder's built-in schedule). */
export const DEFAULT_RETRY: ForwardRetry = { maxAttempts: 8, initialDelayMs: 5_000, backoffMultiplier: 2, maxDelayMs: 3_600_000 };

/** Schemes whose secret the provider issues: none is generated, the user sets it. */
export const PROVIDER_ISSUED = new Set<string>(['stripe', 'slack']);

/** Why a secret cannot be right for a scheme (caught now, not at the first delivery), or null. */
export function secretShapeProblem(scheme: string, value: string): string | null {
  if ((scheme === 'standard' || scheme === 'stripe') && !/^whsec_[A-Za-z0-9+/=_-]{8,}$/.test(value)) {
    return `a ${scheme === 'stripe' ? 'Stripe' : 'Standard Webhooks'} secret starts with \`whsec_\``;
  }
  if (value.length < 8) return 'that secret is too short (8 characters at least)';
  return null;
}

/** The event names a hook of `service` keeps, canonical (`pr` → `pull_request`); issues for the unknown ones. */
function canonicalEvents(service: HookService, events: string[], path: (string | number)[], issues: Issue[]): string[] {
  const names = events.map((e) => e.trim());
  const all = names.some((n) => n === '*' || n.toLowerCase() === 'all');
  if (service === 'ci') {
    if (!all) issues.push({ path, message: 'a CI hook takes every event: leave events out and narrow it with filters, e.g. {"status": "failed"}' });
    return [ALL_EVENTS];
  }
  if (service === 'custom' || service === 'poll') return all ? [ALL_EVENTS] : [...new Set(names)];
  if (service === 'docker') {
    if (all) return [...DOCKER_CATEGORIES];
    const unknown = names.filter((n) => !(DOCKER_CATEGORIES as readonly string[]).includes(n.toLowerCase()));
    if (unknown.length) issues.push({ path, message: `unknown Docker event ${unknown.map((u) => `"${u}"`).join(', ')}; valid: ${DOCKER_CATEGORIES.join(', ')}, or "*"` });
    return [...new Set(names.map((n) => n.toLowerCase()))];
  }
  if (all) return [ALL_EVENTS];
  const out: string[] = [];
  names.forEach((n, i) => {
    const hit = githubEventByAlias(n.toLowerCase());
    if (!hit) {
      const valid = Object.values(GITHUB_EVENTS).map((e) => e.aliases[0]).join(', ');
      issues.push({ path: [...path, i], message: `unknown GitHub event "${n}"; valid: ${valid}, or "*"` });
    } else if (!out.includes(hit)) out.push(hit);
  });
  return out;
}

/** A content filter's stored term (`~=<regex>`, `*=<text>`), its pattern checked; undefined when not one. */
function contentTerm(value: FilterSettings[string], path: (string | number)[], issues: Issue[]): string | undefined {
  const term = typeof value === 'string' ? value : Array.isArray(value) ? undefined : 'regex' in value ? `~=${value.regex}` : `*=${value.contains}`;
  if (term === undefined) return undefined;
  const { op, value: text } = splitStored(term);
  if (op !== '~=' && op !== '*=') return undefined;
  const problem = op === '~=' ? regexProblem(text) : null;
  if (problem) issues.push({ path: typeof value === 'string' ? path : [...path, 'regex'], message: problem });
  return term;
}

/** Filters in their stored form (`{branch: "=main", status: "!=failure", repo: "acme/api", "payload.title": "~=^fix"}`). */
export function storedFilters(service: HookService, filters: FilterSettings, issues: Issue[]): Record<string, string> {
  const valid = FILTER_KEYS[service];
  const out: Record<string, string> = {};
  for (const [rawKey, value] of Object.entries(filters)) {
    // Fields of known services are lower case; custom JSON (and payload paths) keep the case of the payload's keys.
    const payloadPath = isPayloadPath(rawKey);
    const key = valid && !payloadPath ? rawKey.toLowerCase() : rawKey;
    const path = ['filters', rawKey];
    if (valid && !payloadPath && !valid.includes(key)) {
      issues.push({ path, message: `"${rawKey}" is not a ${service} field; valid keys: ${valid.join(', ')}, or a path into the delivery like payload.commits[0].message` });
      continue;
    }
    const content = SPECIAL_KEYS.has(key) ? undefined : contentTerm(value, path, issues);
    if (content !== undefined) {
      out[key] = content;
      continue;
    }
    if (!Array.isArray(value) && typeof value !== 'string') {
      issues.push({ path, message: `${key} takes a plain value (${key === 'repo' ? '"owner/name"' : key === 'bots' ? '"include" or "exclude"' : '["web", "db"]'}), not {regex} or {contains}` });
      continue;
    }
    const list = Array.isArray(value) ? value : [value];
    if (key === 'bots') {
      if (list.length !== 1 || !['include', 'exclude'].includes(list[0])) issues.push({ path, message: 'bots is "include" or "exclude"' });
      else out.bots = list[0];
    } else if (key === 'repo') {
      if (list.length !== 1 || !/^!?=?[\w.-]+\/[\w.-]+$/.test(list[0])) issues.push({ path, message: 'repo is one repository like "owner/name"' });
      else out.repo = list[0];
    } else if (key === 'containers') {
      out.containers = list.flatMap((c) => c.split(',')).map((c) => c.trim()).filter(Boolean).join(',');
    } else if (list.length === 1 && /^!?=/.test(list[0])) {
      out[key] = list[0];
    } else if (list.some((v) => v.startsWith('!='))) {
      issues.push({ path, message: 'a list keeps any of its values; to exclude, give one string like "!=a,b"' });
    } else {
      out[key] = `=${list.join(',')}`;
    }
  }
  return out;
}

/** Filters as a user writes them back: the stored `=` dropped, `!=` and special keys as they are, `{regex}`, `{contains}`. */
export function filterSettings(stored: Record<string, string>): FilterSettings {
  return Object.fromEntries(Object.entries(stored).map(([k, v]) => {
    if (SPECIAL_KEYS.has(k)) return [k, v];
    const { op, value } = splitStored(v);
    return [k, op === '~=' ? { regex: value } : op === '*=' ? { contains: value } : v.replace(/^=/, '')];
  }));
}

/** Templates by canonical event name (`pr` → `pull_request`), each checked to parse. */
function storedTemplates(service: HookService, templates: Record<string, string>, issues: Issue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawKey, template] of Object.entries(templates)) {
    const name = service === 'custom' ? rawKey.trim() : rawKey.toLowerCase();
    const event = name === '*' ? '*' : service === 'custom' ? name || null
      : (service === 'github' ? githubEventByAlias(name) : undefined) ?? (/^[a-z_.]+$/.test(name) ? name : null);
    if (!event) {
      issues.push({ path: ['templates', rawKey], message: `"${rawKey}" does not name an event (use "*" for every event)` });
      continue;
    }
    try {
      checkTemplate(template);
      out[event] = template;
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      issues.push({ path: ['templates', rawKey], message: `the template does not parse: ${err.message}` });
    }
  }
  return out;
}

/** The digest window and what bypasses it. */
function storedAggregate(value: AggregateSetting, issues: Issue[]): Pick<NewHook, 'aggregateSeconds' | 'aggregateExcept'> {
  if (value === null || value === 'off') return { aggregateSeconds: 0 };
  const { window, except } = typeof value === 'string' ? { window: value, except: undefined } : value;
  const ms = durationMs(window);
  if (ms === null || ms < 30_000 || ms > 86_400_000 || ms % 1000 !== 0) {
    issues.push({ path: ['aggregate'], message: `"${window}" is not a window from 30s to 24h` });
    return {};
  }
  return { aggregateSeconds: ms / 1000, aggregateExcept: except ?? 'failed' };
}

/** The forward's stored columns (its URL is checked against the SSRF policy separately: that needs DNS). */
function storedForward(forward: ForwardSetting, issues: Issue[]): Pick<NewHook, 'url' | 'forwardEvents' | 'forwardHeaders' | 'forwardRetry' | 'forwardSecret'> {
  const headers = forward.headers ?? {};
  for (const name of Object.keys(headers)) {
    if (RESERVED_HEADERS.has(name.toLowerCase())) issues.push({ path: ['forward', 'headers', name], message: `${name} is set by hookbot and cannot be overridden` });
  }
  let retry: ForwardRetry | null = null;
  if (forward.retry) {
    const r = forward.retry;
    const initial = r.initial_delay !== undefined ? durationMs(r.initial_delay) : DEFAULT_RETRY.initialDelayMs;
    const max = r.max_delay !== undefined ? durationMs(r.max_delay) : DEFAULT_RETRY.maxDelayMs;
    if (initial === null || max === null || max > 86_400_000) issues.push({ path: ['forward', 'retry'], message: 'delays are durations up to 24h' });
    else if (initial > max) issues.push({ path: ['forward', 'retry', 'initial_delay'], message: 'initial_delay is longer than max_delay' });
    retry = {
      maxAttempts: r.max_attempts ?? DEFAULT_RETRY.maxAttempts, initialDelayMs: initial ?? 0,
      backoffMultiplier: r.backoff_multiplier ?? DEFAULT_RETRY.backoffMultiplier, maxDelayMs: max ?? 0,
    };
  }
  return {
    ...(forward.secret ? { forwardSecret: forward.secret } : {}),
    url: forward.url, forwardEvents: forward.events?.length ? forward.events : [ALL_EVENTS],
    forwardHeaders: Object.keys(headers).length ? headers : null, forwardRetry: retry,
  };
}

/** The stored `verify` of a hook of `service`. */
function storedVerify(service: HookService, verify: string | undefined, issues: Issue[]): HookVerify | undefined {
  const fixed: Partial<Record<HookService, HookVerify>> = { github: 'github', ci: 'ci', docker: 'none', poll: 'none' };
  const own = fixed[service];
  if (own && verify !== undefined && verify !== own) {
    issues.push({ path: ['verify'], message: service === 'ci' ? 'a CI hook picks the scheme by each sender: leave verify out'
      : `a ${service} hook is verified with ${own}: leave verify out, or use a custom hook` });
  }
  return own ?? (verify as HookVerify | undefined);
}

/**
 * Checks the settings that depend on the service (events, filter keys, templates, rules, verification) and turns
 * them into stored columns; what is wrong goes to `issues`. The secret and the forward's URL are checked by the caller.
 */
export function storedSettings(service: HookService, s: HookPatch, issues: Issue[]): Partial<NewHook> {
  const out: Partial<NewHook> = {};
  if (s.channel_id !== undefined) out.channelId = s.channel_id;
  if (s.guild_id !== undefined) out.guildId = s.guild_id;
  if (s.enabled !== undefined) out.enabled = s.enabled;
  if (s.events !== undefined) out.events = canonicalEvents(service, s.events, ['events'], issues);
  if (s.filters !== undefined) out.filters = storedFilters(service, s.filters, issues);
  if (s.templates !== undefined) out.templates = storedTemplates(service, s.templates, issues);
  if (s.aggregate !== undefined) Object.assign(out, storedAggregate(s.aggregate, issues));
  if (s.alert_if !== undefined) {
    const sample = alertContext(service);
    s.alert_if.forEach((rule, i) => {
      const problem = checkRule(rule.expr, sample);
      if (problem) issues.push({ path: ['alert_if', i, 'expr'], message: `that rule is refused: ${problem}` });
      if (rule.ping && !parsePing(rule.ping)) issues.push({ path: ['alert_if', i, 'ping'], message: 'ping is a role or user mention like <@&123456789012345678>' });
    });
    out.alertRules = s.alert_if.map((r) => ({ expr: r.expr, ...(r.ping ? { ping: r.ping } : {}) }));
  }
  const verify = storedVerify(service, s.verify, issues);
  if (s.verify !== undefined && verify) out.verify = verify;
  if (s.forward !== undefined) {
    if (service !== 'custom') issues.push({ path: ['forward'], message: 'forwards belong to custom hooks: create a custom hook in the same channel with a forward' });
    if (s.forward === null) Object.assign(out, { url: null, forwardEvents: null, forwardHeaders: null, forwardRetry: null, forwardSecret: null, forwardState: null });
    else Object.assign(out, storedForward(s.forward, issues));
  }
  if (s.threads !== undefined) {
    if (s.threads && service !== 'github' && service !== 'ci') issues.push({ path: ['threads'], message: 'threads are for GitHub hooks (one per pull request and issue) and CI hooks (one per pipeline run)' });
    out.threads = s.threads;
  }
  Object.assign(out, storedOptions(service, s, issues));
  return out;
}

/** The secret a hook is given: checked against its scheme's shape. */
export function checkSecret(service: HookService, scheme: HookVerify, secret: string, issues: Issue[]): void {
  if (service === 'docker' || service === 'poll' || scheme === 'none') {
    const message = service === 'docker' ? 'Docker hooks have no secret' : service === 'poll' ? 'poll hooks have no secret (nothing is sent to them)' : 'a hook with verify "none" has no secret';
    issues.push({ path: ['secret'], message });
    return;
  }
  const problem = secretShapeProblem(scheme, secret);
  if (problem) issues.push({ path: ['secret'], message: problem.replace(/`/g, '"') });
}
