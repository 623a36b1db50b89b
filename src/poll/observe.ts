import type { PollItemPayload } from '../../parsers/poll.js';
import type { PollConfig } from '../store/store.js';
import { fetchSource, type FetchDeps, type Validators } from './fetch.js';
import { checkImages, updateId, type ContainerLister, type ImageCheck } from './check-images.js';
import type { RegistryClient } from './registry.js';
import { PollError } from './poll-error.js';
import { decodeBody, readItems } from './read-items.js';

/** One item as a poll hook stores it when it is new: its id (the delivery id) and its payload. */
export interface ObservedItem {
  id: string;
  eventType: 'item' | 'image_update';
  payload: object;
  /** ISO time the source says the item was published, for posting the oldest first. */
  published: string | null;
}

/** What one look at a source found. */
export type Observation =
  | { notModified: true; freshUntil: number; validators: Validators }
  | {
    notModified: false;
    freshUntil: number;
    validators: Validators | null;
    items: ObservedItem[];
    /** How the source describes itself in replies: `12 items (RSS, "Release notes")`. */
    described: string;
    /** Left out or not checkable, in words. */
    notes: string[];
  };

/** Where image updates come from (`!hook docker updates`): the Engine's containers and their registries. */
export interface ImageSource {
  lister: ContainerLister;
  registry: RegistryClient;
}

const FORMAT_NAMES: Record<string, string> = { rss: 'RSS', atom: 'Atom', rdf: 'RDF', 'json-feed': 'JSON Feed', json: 'JSON' };

/** Fetches a feed or JSON source (conditionally, with the validators given) and reads its items. */
export async function observeFeed(deps: FetchDeps, config: PollConfig, validators?: Validators): Promise<Observation> {
  const url = config.url!;
  const got = await fetchSource(deps, url, { validators });
  if (got.status === 304) return { notModified: true, freshUntil: got.freshUntil, validators: got.validators };
  const read = readItems(decodeBody(got.body, got.contentType), { url, itemsPath: config.itemsPath, idField: config.idField });
  const feed = { title: read.title, url, link: read.link, format: read.format };
  const items: ObservedItem[] = read.items.map(({ entry, raw }) => ({
    id: entry.id, eventType: 'item', published: entry.published,
    payload: { type: 'item', feed, entry, item: raw } satisfies PollItemPayload,
  }));
  const n = read.items.length;
  return {
    notModified: false, freshUntil: got.freshUntil, validators: got.validators, items,
    described: `${n} item${n === 1 ? '' : 's'} (${FORMAT_NAMES[read.format]}${read.title ? `, "${read.title.slice(0, 80)}"` : ''})`,
    notes: read.skipped ? [`${read.skipped} item${read.skipped === 1 ? '' : 's'} left out (no id, or beyond the first 1000)`] : [],
  };
}

/** Checks the running containers' image tags against their registries. Fails only when no registry could answer. */
export async function observeImages(source: ImageSource): Promise<Observation> {
  const check: ImageCheck = await checkImages(source);
  if (check.errors.length && check.checked === 0) throw new PollError('http', check.errors.slice(0, 3).join('; '));
  const items: ObservedItem[] = check.updates.map((u) => ({ id: updateId(u), eventType: 'image_update', payload: u, published: null }));
  const c = check.containers;
  return {
    notModified: false, freshUntil: 0, validators: null, items,
    described: `${check.checked} image tag${check.checked === 1 ? '' : 's'} of ${c} running container${c === 1 ? '' : 's'}`,
    notes: [...check.notes, ...check.errors.map((e) => `could not check ${e}`)],
  };
}
