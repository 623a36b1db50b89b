import { createHash } from 'node:crypto';
import { parseFeed } from 'feedsmith';
import type { PollEntry } from '../../parsers/poll.js';
import { readableText } from './html-text.js';
import { PollError } from './poll-error.js';

/** Items read from one answer: at most this many (the first ones; feeds list the newest first). */
export const MAX_ITEMS = 1000;
/** An id longer than this is kept as its SHA-256 (`sha256:…`). */
const MAX_ID = 300;

type Json = Record<string, unknown>;

/** One item of a source: what hookbot reads of it, and the item as the source had it. */
export interface SourceItem {
  entry: PollEntry;
  raw: unknown;
}

/** What an answer holds: the source's own title and link, its format, and its items in the source's order. */
export interface SourceItems {
  format: 'rss' | 'atom' | 'rdf' | 'json-feed' | 'json';
  title: string | null;
  link: string | null;
  items: SourceItem[];
  /** Items left out: no id (JSON items without the id field), or beyond MAX_ITEMS. */
  skipped: number;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string') return v.trim() || null;
  if (isObject(v) && typeof v.value === 'string') return v.value.trim() || null; // Atom text constructs
  return null;
};
/** Atom `type="html"`/`xhtml` text, or text that contains markup, as plain text. */
const plain = (v: unknown): string | null => {
  const t = text(v);
  if (!t) return null;
  const html = isObject(v) && typeof v.type === 'string' && /html/i.test(v.type);
  return readableText(t, html) || null;
};
const first = <T>(...xs: (T | null | undefined)[]): T | null => xs.find((x) => x !== null && x !== undefined) ?? null;

/** An absolute http(s) URL (relative ones resolved against `base`), else null: embeds only take those. */
function httpUrl(v: unknown, base: string): string | null {
  const t = text(v);
  if (!t) return null;
  try {
    const u = new URL(t, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** ISO 8601 of a date the source wrote (RFC 822 in RSS, RFC 3339 elsewhere), or null when it does not parse. */
function isoDate(v: unknown): string | null {
  const t = text(v);
  if (!t) return null;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function itemId(v: string): string {
  const t = v.trim();
  return t.length <= MAX_ID ? t : `sha256:${createHash('sha256').update(t).digest('hex')}`;
}

/** An id for a feed entry that has none: its title, link and date, hashed (stable while the entry is unchanged). */
const contentId = (...parts: (string | null)[]) => `hash:${createHash('sha256').update(parts.map((p) => p ?? '').join('\n')).digest('hex').slice(0, 32)}`;

const personName = (p: unknown): string | null => (isObject(p) ? first(text(p.name), text(p.login), text(p.email)) : text(p));

function feedEntry(format: SourceItems['format'], it: Json, base: string): PollEntry {
  const atomLink = Array.isArray(it.links)
    ? (it.links as Json[]).find((l) => isObject(l) && (!l.rel || l.rel === 'alternate'))?.href : undefined;
  const dc = isObject(it.dc) ? it.dc : {};
  const content = isObject(it.content) ? it.content : {};
  const authors = Array.isArray(it.authors) ? it.authors : [];
  const title = plain(it.title);
  const link = format === 'atom' ? httpUrl(atomLink, base) : httpUrl(first(text(it.link), text(it.url), text(it.external_url)), base);
  const published = isoDate(first(text(it.pubDate), text(it.published), text(it.date_published), text(it.updated), text(it.date_modified),
    Array.isArray(dc.dates) ? text(dc.dates[0]) : null));
  const summary = format === 'json-feed'
    ? first(plain(it.summary), text(it.content_text), plain(it.content_html))
    : first(plain(it.description), plain(it.summary), plain(content.encoded), plain(it.content));
  const author = first(personName(authors[0]), Array.isArray(dc.creators) ? text(dc.creators[0]) : null);
  const guid = isObject(it.guid) ? text(it.guid.value) : text(it.guid);
  const rdfAbout = isObject(it.rdf) ? text(it.rdf.about) : null;
  const id = first(guid, text(it.id), link, rdfAbout) ?? contentId(title, link, published);
  return { id: itemId(id), title, link, summary, author, published };
}

/** A JSON document's item: what the common field names say. */
function jsonEntry(it: Json, idField: string | null, base: string): PollEntry | null {
  const id = idField ? text(dig(it, idField)) : first(text(it.id), text(it.guid), text(it.link), text(it.url));
  if (!id) return null;
  const author = isObject(it.author) || typeof it.author === 'string' ? personName(it.author) : isObject(it.user) ? personName(it.user) : null;
  return {
    id: itemId(id),
    title: first(plain(it.title), plain(it.name), text(it.tag_name), text(it.version)),
    link: first(httpUrl(it.link, base), httpUrl(it.url, base), httpUrl(it.html_url, base)),
    summary: first(plain(it.summary), plain(it.description), plain(it.body), plain(it.content), plain(it.message)),
    author,
    published: isoDate(first(text(it.published), text(it.published_at), text(it.date), text(it.created_at), text(it.updated_at))),
  };
}

/** The value at a dot path (`data.releases`, `0.items`). */
function dig(v: unknown, path: string): unknown {
  let cur = v;
  for (const key of path.split('.')) {
    if (Array.isArray(cur) && /^\d+$/.test(key)) cur = cur[Number(key)];
    else if (isObject(cur)) cur = cur[key];
    else return undefined;
  }
  return cur;
}

/** Paths to arrays of objects in a document (up to 3 levels deep): what `--items` could be. */
function arrayPaths(v: unknown, prefix = '', depth = 0, out: string[] = []): string[] {
  if (!isObject(v) || depth > 2 || out.length >= 5) return out;
  for (const [k, x] of Object.entries(v)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (Array.isArray(x) && x.some(isObject)) out.push(path);
    else arrayPaths(x, path, depth + 1, out);
  }
  return out;
}

/** The answer's text: its charset (Content-Type, else an XML declaration), UTF-8 otherwise. */
export function decodeBody(body: Buffer, contentType: string | null): string {
  const declared = /charset="?([\w.:-]+)/i.exec(contentType ?? '')?.[1]
    ?? /^<\?xml[^>]*encoding=["']([\w.:-]+)["']/i.exec(body.subarray(0, 200).toString('latin1'))?.[1];
  try {
    return new TextDecoder(declared ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

function jsonItems(doc: unknown, itemsPath: string | null, idField: string | null, base: string): SourceItems {
  const list = itemsPath ? dig(doc, itemsPath) : doc;
  if (!Array.isArray(list)) {
    const where = itemsPath ? `there is no array at \`${itemsPath}\`` : 'this JSON is not a feed and not an array of items';
    const found = arrayPaths(itemsPath ? doc : doc);
    throw new PollError('unreadable', `${where}${found.length ? `; arrays in it: ${found.map((p) => `\`${p}\``).join(', ')} (give one with --items)` : ''}`);
  }
  const items: SourceItem[] = [];
  let skipped = Math.max(0, list.length - MAX_ITEMS);
  for (const raw of list.slice(0, MAX_ITEMS)) {
    const entry = isObject(raw) ? jsonEntry(raw, idField, base) : null;
    if (entry) items.push({ entry, raw });
    else skipped++;
  }
  if (list.length > 0 && items.length === 0) {
    throw new PollError('unreadable', idField ? `no item has a \`${idField}\` field` : 'the items have no `id`, `guid`, `link` or `url` field: say which field identifies an item with --id');
  }
  const title = isObject(doc) ? first(text(doc.title), text(doc.name)) : null;
  return { format: 'json', title, link: null, items, skipped };
}

/**
 * Reads a source's answer: RSS 2.0, Atom, RDF and JSON Feed with feedsmith; any other JSON as a document whose item
 * array is at `itemsPath` (or the document itself), each item identified by `idField` (default `id`, `guid`, `link`).
 * Throws a PollError (`unreadable`) saying what is wrong and what to try.
 */
export function readItems(bodyText: string, opts: { url: string; itemsPath: string | null; idField: string | null }): SourceItems {
  const trimmed = bodyText.trimStart();
  const looksJson = trimmed.startsWith('{') || trimmed.startsWith('[');
  let doc: unknown;
  if (looksJson) {
    try {
      doc = JSON.parse(trimmed);
    } catch (err) {
      throw new PollError('unreadable', `the answer is not valid JSON (${(err as Error).message})`);
    }
  }
  if (!opts.itemsPath && !opts.idField && (!looksJson || (isObject(doc) && 'version' in doc && 'items' in doc))) {
    let parsed: ReturnType<typeof parseFeed>;
    try {
      parsed = parseFeed(looksJson ? doc as object : bodyText);
    } catch {
      throw new PollError('unreadable', looksJson ? 'this JSON is not a JSON Feed: give --items <path> for a JSON document'
        : 'the answer is not an RSS, Atom, RDF or JSON feed (is the URL the feed\'s, not the page\'s?)');
    }
    const format = parsed.format === 'json' ? 'json-feed' : parsed.format;
    const feed = parsed.feed as Json;
    const list = (Array.isArray(feed.items) ? feed.items : Array.isArray(feed.entries) ? feed.entries : []) as unknown[];
    const feedLinks = Array.isArray(feed.links) ? (feed.links as Json[]).find((l) => isObject(l) && (!l.rel || l.rel === 'alternate'))?.href : undefined;
    const items = list.slice(0, MAX_ITEMS).filter(isObject).map((raw) => ({ entry: feedEntry(format, raw, opts.url), raw }));
    return {
      format, title: plain(feed.title), link: httpUrl(first(text(feed.link), text(feed.home_page_url), text(feedLinks)), opts.url),
      items, skipped: Math.max(0, list.length - MAX_ITEMS),
    };
  }
  if (!looksJson) throw new PollError('unreadable', '--items and --id are for JSON documents, and the answer is not JSON');
  return jsonItems(doc, opts.itemsPath, opts.idField, opts.url);
}
