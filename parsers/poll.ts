import type { ImageUpdateEvent, NormalizedEvent, PollItemEvent } from '../src/types.js';
import { ParseError, trimText } from './common.js';

/**
 * Stored items of poll hooks (src/poll/) into normalized events. A poll hook stores each new item like a delivery:
 * `item` (a feed entry or a JSON document's item, with what src/poll/read-items.ts read of it) or `image_update`
 * (src/poll/images/). Pure.
 */

/** What src/poll reads of one item (text, not markup), next to the item as the source had it. */
export interface PollEntry {
  id: string;
  title: string | null;
  link: string | null;
  summary: string | null;
  author: string | null;
  /** ISO 8601 when the source says (and it parses). */
  published: string | null;
}

/** The stored payload of a new item (`eventType` `item`). */
export interface PollItemPayload {
  type: 'item';
  feed: { title: string | null; url: string; link: string | null; format: string };
  entry: PollEntry;
  /** The item as the source had it (a feed parser's object, or the JSON item): `{{item.…}}` in templates. */
  item: unknown;
}

/** The stored payload of an image update (`eventType` `image_update`). */
export interface ImageUpdatePayload {
  type: 'image_update';
  /** The reference containers run, as they were created with it (`nginx:1.27`, `127.0.0.1:5000/app:1`). */
  image: string;
  /** Where the tag lives: `registry-1.docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
  registry: string;
  /** The repository in that registry (`library/nginx`). */
  repository: string;
  tag: string;
  /** The digest the running image was pulled (or pushed) by, and the tag's digest in the registry now. */
  running_digest: string;
  new_digest: string;
  containers: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** `sha256:0123456789ab…` → `sha256:0123456789ab` (12 hex digits, as `docker images` shows). */
export function shortDigest(d: string): string {
  const m = /^(sha256:)?([0-9a-f]{12})[0-9a-f]*$/i.exec(d);
  return m ? `${m[1] ?? ''}${m[2]}` : d;
}

function parseItem(p: Record<string, unknown>, receivedAt: string): PollItemEvent {
  const entry = isObject(p.entry) ? p.entry : undefined;
  const feed = isObject(p.feed) ? p.feed : undefined;
  if (!entry || typeof entry.id !== 'string' || !feed || typeof feed.url !== 'string') {
    throw new ParseError('a poll item needs entry.id and feed.url');
  }
  const link = str(entry.link);
  const title = str(entry.title) ?? link ?? `Item ${entry.id}`;
  const summary = str(entry.summary);
  const author = str(entry.author);
  const published = str(entry.published);
  const feedTitle = str(feed.title);
  return {
    source: 'poll', kind: 'poll.item', event: 'item',
    title: trimText(title, 256), summary: summary ? trimText(summary, 1000) : undefined, url: link ?? undefined,
    actor: author ? { name: trimText(author, 256) } : undefined,
    status: 'info',
    fields: {
      title, link, summary, author, published, feed: feedTitle, feed_url: feed.url, item_id: entry.id,
    },
    occurredAt: published && Number.isFinite(Date.parse(published)) ? published : receivedAt,
  };
}

function parseImageUpdate(p: Record<string, unknown>, receivedAt: string): ImageUpdateEvent {
  const need = ['image', 'registry', 'repository', 'tag', 'running_digest', 'new_digest'] as const;
  for (const k of need) if (typeof p[k] !== 'string') throw new ParseError(`an image update needs ${k}`);
  const containers = Array.isArray(p.containers) ? p.containers.filter((c): c is string => typeof c === 'string') : [];
  const image = p.image as string;
  return {
    source: 'docker', kind: 'docker.image_update', event: 'image_update',
    title: trimText(`⬆️ ${image} has a newer image`, 256),
    summary: `The tag now points at ${shortDigest(p.new_digest as string)}; ${containers.length === 1 ? 'the container runs' : `${containers.length} containers run`} ${shortDigest(p.running_digest as string)}.`,
    status: 'warning',
    fields: {
      image, registry: p.registry as string, repository: p.repository as string, tag: p.tag as string,
      running_digest: p.running_digest as string, new_digest: p.new_digest as string,
      containers: containers.join(', '), container_count: containers.length,
    },
    occurredAt: receivedAt,
  };
}

/** A stored poll item (`item`) or image update (`image_update`) into its normalized event. */
export function parsePoll(eventType: string, payload: unknown, receivedAt: string): NormalizedEvent {
  if (!isObject(payload)) throw new ParseError('a poll payload is a JSON object');
  const type = payload.type ?? eventType;
  if (type === 'item') return parseItem(payload, receivedAt);
  if (type === 'image_update') return parseImageUpdate(payload, receivedAt);
  throw new ParseError(`unknown poll payload type ${JSON.stringify(type)}`);
}
