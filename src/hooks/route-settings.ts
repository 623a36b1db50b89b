import { checkTemplate, TemplateError } from '../../formatters/template.js';
import { SPECIAL_KEYS } from '../rules/filters.js';
import type { Hook, NewHook } from '../store/store.js';
import type { HookRoute, HookService } from '../types.js';
import type { HookPatch, RouteSetting } from './schema.js';
import { durationMs, filterSettings, storedFilters, type Issue } from './settings.js';

/**
 * A hook's routes (`routes`, `unrouted`) in their stored form, checked: each route's `match` as a filter (same keys,
 * same grammar), its template parses, and its channel is one the bot may post in (asked of Discord through
 * `routeChannel` when the door can ask: chat, API, hooks file). Called by every door through manage.ts / declare.ts.
 */

/** Why the bot may not post a hook's routed events in `channelId` (not in the server of `hookChannelId`, no access), or null. */
export type RouteChannelCheck = (channelId: string, hookChannelId: string) => Promise<string | null>;

/** Route match keys that are options of the hook, not fields of an event. */
const NOT_MATCHABLE = new Set([...SPECIAL_KEYS].filter((k) => k !== 'repo'));

function storedRoute(service: HookService, r: RouteSetting, i: number, issues: Issue[]): HookRoute {
  const local: Issue[] = [];
  const match = storedFilters(service, r.match, local);
  for (const issue of local) issues.push({ path: ['routes', i, 'match', ...issue.path.slice(1)], message: issue.message });
  for (const key of Object.keys(r.match)) {
    if (NOT_MATCHABLE.has(key.toLowerCase())) issues.push({ path: ['routes', i, 'match', key], message: `${key} is a hook option, not a field a route can match` });
  }
  if (r.template !== undefined) {
    try {
      checkTemplate(r.template);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      issues.push({ path: ['routes', i, 'template'], message: `the template does not parse: ${err.message}` });
    }
  }
  let aggregateSeconds: number | undefined;
  if (r.aggregate !== undefined) {
    const ms = durationMs(r.aggregate);
    if (ms === null || ms < 30_000 || ms > 86_400_000 || ms % 1000 !== 0) issues.push({ path: ['routes', i, 'aggregate'], message: `"${r.aggregate}" is not a window from 30s to 24h` });
    else aggregateSeconds = ms / 1000;
  }
  const mentions = r.mentions && [...new Set(r.mentions.map((m) => m.replace('<@!', '<@')))];
  return {
    match, channelId: r.channel, ...(r.template !== undefined ? { template: r.template } : {}), ...(r.continue ? { continue: true } : {}),
    ...(mentions ? { mentions } : {}), ...(aggregateSeconds ? { aggregateSeconds } : {}),
  };
}

/** 300 → "5m": a window as a user writes it. */
export function windowText(seconds: number): string {
  for (const [unit, s] of [['d', 86_400], ['h', 3600], ['m', 60]] as const) if (seconds % s === 0) return `${seconds / s}${unit}`;
  return `${seconds}s`;
}

/**
 * The stored `routes` / `unrouted` a change states, checked. Channels not routed to before are checked with
 * `routeChannel` (only when the settings are valid otherwise: it asks Discord).
 */
export async function routeSettings(
  deps: { routeChannel?: RouteChannelCheck }, service: HookService, s: HookPatch,
  before: Pick<Hook, 'routes' | 'channelId'> | undefined, issues: Issue[],
): Promise<Pick<NewHook, 'routes' | 'unrouted'>> {
  const out: Pick<NewHook, 'routes' | 'unrouted'> = {};
  if (s.unrouted !== undefined) out.unrouted = s.unrouted;
  if (s.routes === undefined) return out;
  const routes = s.routes.map((r, i) => storedRoute(service, r, i, issues));
  out.routes = routes;
  const hookChannel = s.channel_id ?? before?.channelId;
  if (issues.length || !deps.routeChannel || !hookChannel) return out;
  // Channels already routed to were checked when they were set (the hook's channel stays with it).
  const known = new Set(hookChannel === before?.channelId ? before.routes.map((r) => r.channelId) : []);
  const checked = new Map<string, Promise<string | null>>();
  for (const [i, r] of routes.entries()) {
    if (known.has(r.channelId)) continue;
    if (!checked.has(r.channelId)) checked.set(r.channelId, deps.routeChannel(r.channelId, hookChannel));
    const problem = await checked.get(r.channelId)!;
    if (problem) issues.push({ path: ['routes', i, 'channel'], message: `that route is refused: ${problem}` });
  }
  return out;
}

/** Routes as a user writes them (the API's and the hooks file's keys). */
export function routeView(routes: HookRoute[]): RouteSetting[] {
  return routes.map((r) => ({
    match: filterSettings(r.match), channel: r.channelId,
    ...(r.template !== undefined ? { template: r.template } : {}), ...(r.continue ? { continue: true } : {}),
    ...(r.mentions?.length ? { mentions: [...r.mentions] } : {}), ...(r.aggregateSeconds ? { aggregate: windowText(r.aggregateSeconds) } : {}),
  }));
}
