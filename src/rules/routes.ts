import type { Hook } from '../store/store.js';
import type { DiscordMessage, NormalizedEvent } from '../types.js';
import { matchStored } from './filters.js';

/** Where one event goes: a channel, the template for it (a route's own), and which route sent it there (null: none). */
export interface Destination {
  channelId: string;
  template?: string;
  /** The route's position (0-based) in the hook's routes; null when no route matched (the hook's own channel). */
  routeIndex: number | null;
  /** Who the route's messages mention. */
  mentions?: string[];
  /** The route's own digest window (s). */
  aggregateSeconds?: number;
}

/** Whether an event matches every term of a route (the filter grammar: lists, `*` globs, `!=`, regex, contains). */
export function routeMatches(match: Record<string, string>, event: NormalizedEvent, payload?: unknown): boolean {
  return Object.entries(match).every(([key, stored]) => matchStored(event, key, stored, payload));
}

/**
 * The channels an event goes to, like Alertmanager's routes: in order, the first route that matches takes it unless it
 * says `continue` (then later routes are tried too); an event no route takes goes to the hook's own channel, or nowhere
 * with `unrouted: drop`. A channel gets an event once (the first route to it wins). A hook without routes posts to its
 * channel. Pure: the pipeline and `explain` both use it.
 */
export function routeEvent(hook: Pick<Hook, 'channelId' | 'routes' | 'unrouted'>, event: NormalizedEvent, payload?: unknown): Destination[] {
  const out: Destination[] = [];
  const routes = hook.routes ?? [];
  for (const [i, route] of routes.entries()) {
    if (!routeMatches(route.match, event, payload)) continue;
    if (!out.some((d) => d.channelId === route.channelId)) {
      out.push({
        channelId: route.channelId, ...(route.template !== undefined ? { template: route.template } : {}), routeIndex: i,
        ...(route.mentions?.length ? { mentions: route.mentions } : {}), ...(route.aggregateSeconds ? { aggregateSeconds: route.aggregateSeconds } : {}),
      });
    }
    if (!route.continue) return out;
  }
  if (out.length) return out;
  if (routes.length && hook.unrouted === 'drop') return [];
  return [{ channelId: hook.channelId, routeIndex: null }];
}

/** `<@&1…>`, `<@2…>` → the `allowed_mentions` that lets exactly those roles and users be pinged (never everyone). */
export function allowedMentions(mentions: readonly string[]): { parse: string[]; roles?: string[]; users?: string[] } {
  const roles: string[] = [];
  const users: string[] = [];
  for (const m of mentions) {
    const role = /^<@&(\d{17,20})>$/.exec(m);
    const user = /^<@!?(\d{17,20})>$/.exec(m);
    if (role && !roles.includes(role[1])) roles.push(role[1]);
    else if (user && !users.includes(user[1])) users.push(user[1]);
  }
  return { parse: [], ...(roles.length ? { roles } : {}), ...(users.length ? { users } : {}) };
}

/** A message with `mentions` put first in its content; only they may ping (Discord's limit of 2000 characters kept). */
export function withMentions(body: DiscordMessage, mentions: readonly string[]): DiscordMessage {
  const content = [mentions.join(' '), body.content].filter(Boolean).join('\n');
  return { ...body, content: content.length > 2000 ? `${content.slice(0, 1999)}…` : content, allowed_mentions: allowedMentions(mentions) };
}

/** `event=release,tag=v*` — a route's match as the chat grammar writes it. */
export function describeMatch(match: Record<string, string>): string {
  return Object.entries(match).map(([k, v]) => (/^(!=|~=|\*=|=)/.test(v) ? `${k}${v}` : `${k}=${v}`)).join(' ');
}
