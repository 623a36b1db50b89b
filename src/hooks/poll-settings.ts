import type { PollConfig } from '../store/store.js';
import type { HookService } from '../types.js';
import type { PollSetting } from './schema.js';
import { durationMs, type Issue } from './settings.js';

/** `--every` bounds (the contract: 30s to 24h) and defaults: feeds every 5 minutes, image updates every 6 hours. */
export const EVERY_MIN_S = 30;
export const EVERY_MAX_S = 86_400;
export const FEED_EVERY_S = 300;
export const IMAGES_EVERY_S = 6 * 3600;

/** A dot path to a JSON document's item array: `data.releases`, `items`, `0.entries`. */
export const ITEMS_PATH = /^[\w$-]+(\.[\w$-]+)*$/;
/** An item's id field: a key, or a dot path into the item (`sys.id`). */
export const ID_FIELD = ITEMS_PATH;

/** Seconds of an `--every` value, or why it is refused. */
export function everySeconds(value: string): { ok: true; seconds: number } | { ok: false; error: string } {
  const ms = durationMs(value);
  if (ms === null || ms % 1000 !== 0 || ms < EVERY_MIN_S * 1000 || ms > EVERY_MAX_S * 1000) {
    return { ok: false, error: `"${value}" is not an interval from 30s to 24h (e.g. 5m, 1h)` };
  }
  return { ok: true, seconds: ms / 1000 };
}

/** Why `raw` cannot be polled as a URL (only absolute http(s) URLs without user:password), or null. */
export function pollUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `"${raw}" is not a URL: give a full one like https://example.com/feed.xml`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `only http:// and https:// URLs can be polled, not ${url.protocol}`;
  if (url.username || url.password) return 'URLs with user:password@ cannot be polled';
  return null;
}

/**
 * A poll hook's source in its stored form, from the `poll` setting every door states (`{url, every, items, id}`
 * or `{docker_updates: true, every}`); what is wrong goes to `issues`. Only `poll` hooks have one.
 */
export function storedPoll(service: HookService, poll: PollSetting, issues: Issue[]): PollConfig | undefined {
  if (service !== 'poll') {
    issues.push({ path: ['poll'], message: 'only poll hooks poll: create a hook with service "poll"' });
    return undefined;
  }
  const images = poll.docker_updates === true;
  if (images === (poll.url !== undefined)) {
    issues.push({ path: ['poll'], message: 'give either url (a feed or JSON URL) or docker_updates: true' });
    return undefined;
  }
  if (images && (poll.items !== undefined || poll.id !== undefined)) {
    issues.push({ path: ['poll'], message: 'items and id belong to JSON URLs, not to docker_updates' });
  }
  const urlProblem = poll.url !== undefined ? pollUrlProblem(poll.url) : null;
  if (urlProblem) issues.push({ path: ['poll', 'url'], message: urlProblem });
  let seconds = images ? IMAGES_EVERY_S : FEED_EVERY_S;
  if (poll.every !== undefined) {
    const every = everySeconds(poll.every);
    if (every.ok) seconds = every.seconds;
    else issues.push({ path: ['poll', 'every'], message: every.error });
  }
  return {
    kind: images ? 'images' : 'feed', url: images ? null : poll.url!, everySeconds: seconds,
    itemsPath: poll.items ?? null, idField: poll.id ?? null,
  };
}

/** A stored source as the doors state it (the API, the hooks file). */
export function pollSetting(c: PollConfig): PollSetting {
  const every = c.everySeconds % 3600 === 0 ? `${c.everySeconds / 3600}h` : c.everySeconds % 60 === 0 ? `${c.everySeconds / 60}m` : `${c.everySeconds}s`;
  if (c.kind === 'images') return { docker_updates: true, every };
  return { url: c.url!, every, ...(c.itemsPath ? { items: c.itemsPath } : {}), ...(c.idField ? { id: c.idField } : {}) };
}
