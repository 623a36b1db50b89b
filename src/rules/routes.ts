import type { Hook } from '../store/store.js';
import type { NormalizedEvent } from '../types.js';
import { matchStored } from './filters.js';

/** Where one event goes: a channel, the template for it (a route's own), and which route sent it there (null: none). */
export interface Destination {
  channelId: string;
  template?: string;
  /** The route's position (0-based) in the hook's routes; null when no route matched (the hook's own channel). */
  routeIndex: number | null;
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
      out.push({ channelId: route.channelId, ...(route.template !== undefined ? { template: route.template } : {}), routeIndex: i });
    }
    if (!route.continue) return out;
  }
  if (out.length) return out;
  if (routes.length && hook.unrouted === 'drop') return [];
  return [{ channelId: hook.channelId, routeIndex: null }];
}

/** `event=release,tag=v*` — a route's match as the chat grammar writes it. */
export function describeMatch(match: Record<string, string>): string {
  return Object.entries(match).map(([k, v]) => (/^(!=|~=|\*=|=)/.test(v) ? `${k}${v}` : `${k}=${v}`)).join(' ');
}
