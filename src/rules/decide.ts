import type { Hook } from '../store/store.js';
import type { NormalizedEvent } from '../types.js';
import { ALL_EVENTS } from '../../parsers/github-events.js';
import { fieldOf, matchStored, SPECIAL_KEYS } from './filters.js';

export type Decision = { keep: true; reason: string } | { keep: false; reason: string };

/** A field's value in a reason: short, on one line. */
const shown = (v: string | undefined) => (v === undefined ? 'not set' : (v.length > 80 ? `${v.slice(0, 79)}…` : v).replace(/\s+/g, ' '));

/**
 * Whether a hook's settings let an event through, and why. Pure; `explain` reuses it.
 * Ping always passes so that a new hook can be seen to work; `!hook test` samples skip the event-type check.
 * `payload` (the delivery's JSON) is what `payload.…` filter paths look into.
 */
export function decide(hook: Pick<Hook, 'events' | 'filters'>, event: NormalizedEvent, opts: { test?: boolean; payload?: unknown } = {}): Decision {
  if (event.kind === 'github.ping') return { keep: true, reason: 'ping is always shown' };
  const events = hook.events ?? [];
  if (!opts.test && !events.includes(ALL_EVENTS) && !events.includes(event.event)) {
    return { keep: false, reason: `event \`${event.event}\` is not in this hook's events (${events.join(', ')})` };
  }
  const containers = hook.filters?.containers;
  if (containers && event.source === 'docker' && event.kind !== 'docker.image') {
    const wanted = containers.split(',').map((c) => c.trim().toLowerCase());
    const f = event.fields as Record<string, unknown>;
    const names = [f.container, f.compose_service].map((v) => String(v ?? '').toLowerCase());
    if (!names.some((n) => wanted.includes(n))) return { keep: false, reason: `container ${f.container} is not one of ${containers}` };
  }
  const repo = hook.filters?.repo;
  if (repo && event.repo?.toLowerCase() !== repo.toLowerCase()) {
    return { keep: false, reason: `repository ${event.repo ?? '(none)'} is not ${repo}` };
  }
  // Bot accounts (dependabot[bot], renovate[bot]…) are noise most teams filter by hand: dropped unless asked for.
  if (event.source === 'github' && !event.kind.startsWith('ci.') && /\[bot\]$/i.test(event.actor?.name ?? '') && hook.filters?.bots !== 'include') {
    return { keep: false, reason: `sender ${event.actor!.name} is a bot (\`filter bots=include\` keeps bots)` };
  }
  for (const [key, stored] of Object.entries(hook.filters ?? {})) {
    if (SPECIAL_KEYS.has(key)) continue;
    if (!matchStored(event, key, stored, opts.payload)) {
      return { keep: false, reason: `filter \`${key}${stored}\` does not match (${key} is ${shown(fieldOf(event, key, opts.payload))})` };
    }
  }
  return { keep: true, reason: 'matched this hook\'s events and filters' };
}
