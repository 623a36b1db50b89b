import type { OutboxRow, Rejection, Store, StoredEvent } from '../store/store.js';

/**
 * "Why didn't it post?": every delivery with its outcome — stored ones with the Discord messages they made, and the
 * ones refused with 4xx — newest first. The HTTP API lists these; the web page will too.
 */

export const OUTCOMES = ['posted', 'filtered', 'aggregated', 'pending', 'failed', 'rejected'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface DeliveryMessage {
  channel_id: string;
  message_id: string | null;
  /** The message in Discord, once posted. */
  url: string | null;
  state: OutboxRow['state'];
  /** Tries made to post it. */
  attempts: number;
}

export interface Delivery {
  /** `evt_<n>` for a stored delivery, `rej_<n>` for a refused one. */
  id: string;
  hook_id: string;
  event: string | null;
  /** The sender's own delivery id, when it sent one. */
  delivery_id: string | null;
  received_at: string;
  outcome: Outcome;
  reason: string;
  messages: DeliveryMessage[];
  /** Refused deliveries: the HTTP status answered, and the sender's address. */
  status?: number;
  source_ip?: string | null;
}

export interface DeliveryDetail extends Delivery {
  /** The JSON received (null for refused deliveries: their body is not kept). */
  payload: unknown;
  headers: Record<string, string> | null;
}

export interface DeliveryQuery {
  hook?: string;
  /** Only the deliveries of these hooks (the web page's per-server view). */
  hooks?: string[];
  /** Received at or after `since`, before `until` (ISO). */
  since?: string;
  until?: string;
  outcome?: Outcome;
  limit: number;
  cursor?: string;
}

/** Where a source (stored or refused deliveries) stands: below this id; 0 = nothing left. */
type Cursor = { e?: number; r?: number };

/** Stored rows looked at per page, at most, when looking for one outcome. */
const SCAN_MAX = 2000;
const SCAN_BATCH = 100;

/** What a stored delivery came to, from its outcome text and the messages it made. */
export function deriveOutcome(ev: StoredEvent, rows: OutboxRow[]): { outcome: Outcome; reason: string } {
  if (!ev.processed) return { outcome: 'pending', reason: 'stored, not processed yet' };
  const text = ev.outcome ?? '';
  const live = rows.filter((r) => r.state !== 'superseded');
  const failed = live.find((r) => r.state === 'failed');
  if (failed) return { outcome: 'failed', reason: `Discord refused the message: ${failed.lastError ?? 'unknown error'}` };
  if (live.some((r) => r.state === 'pending')) {
    const retrying = live.find((r) => r.state === 'pending' && r.lastError);
    return { outcome: 'pending', reason: retrying ? `retrying: ${retrying.lastError}` : 'queued for Discord' };
  }
  if (live.length) return { outcome: 'posted', reason: text || 'posted' };
  const m = /^(\w+):\s*(.*)$/s.exec(text);
  const [word, why] = m ? [m[1], m[2]] : [text, ''];
  if (word === 'aggregated') return { outcome: 'aggregated', reason: why || 'waiting for the digest' };
  if (word === 'error') return { outcome: 'failed', reason: why || 'could not be processed' };
  if (word === 'posted') return { outcome: 'posted', reason: 'posted' };
  return { outcome: 'filtered', reason: why || text || 'nothing to post' };
}

const messageUrl = (guildId: string | undefined, r: OutboxRow) =>
  guildId && r.messageId ? `https://discord.com/channels/${guildId}/${r.channelId}/${r.messageId}` : null;

function eventEntry(ev: StoredEvent, rows: OutboxRow[], guildId: string | undefined): Delivery {
  return {
    id: `evt_${ev.id}`, hook_id: ev.hookId, event: ev.eventType, delivery_id: ev.deliveryId, received_at: ev.receivedAt,
    ...deriveOutcome(ev, rows),
    messages: rows.filter((r) => r.state !== 'superseded').map((r) => ({
      // The outbox counts the tries that are to be retried; a sent or failed message had one more.
      channel_id: r.channelId, message_id: r.messageId, url: messageUrl(guildId, r), state: r.state,
      attempts: r.state === 'sent' || r.state === 'failed' ? r.attempts + 1 : r.attempts,
    })),
  };
}

function rejectionEntry(r: Rejection): Delivery {
  return {
    id: `rej_${r.id}`, hook_id: r.hookId, event: r.eventType, delivery_id: r.deliveryId, received_at: r.receivedAt,
    outcome: 'rejected', reason: r.reason, messages: [], status: r.status, source_ip: r.sourceIp,
  };
}

/** Stored deliveries with their messages, each hook's guild looked up once. */
async function entries(store: Store, events: StoredEvent[]): Promise<Delivery[]> {
  const rows = await store.eventMessages(events.map((e) => e.id));
  const byEvent = new Map<number, OutboxRow[]>();
  for (const r of rows) byEvent.set(r.eventId!, [...(byEvent.get(r.eventId!) ?? []), r]);
  const guilds = new Map<string, string | undefined>();
  for (const id of new Set(events.map((e) => e.hookId))) guilds.set(id, (await store.getHook(id))?.guildId);
  return events.map((e) => eventEntry(e, byEvent.get(e.id) ?? [], guilds.get(e.hookId)));
}

export const encodeCursor = (c: object) => Buffer.from(JSON.stringify(c)).toString('base64url');

/** A cursor this API gave out, or null when it is not one. */
export function decodeCursor(s: string): Cursor | null {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Cursor;
    const ok = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= 0);
    return c && typeof c === 'object' && ok(c.e) && ok(c.r) ? c : null;
  } catch {
    return null;
  }
}

type Batch = { items: Delivery[]; ids: number[]; scannedTo: number; done: boolean };

/** The query's hook and time filters, as the store takes them. */
const pageFilter = (q: DeliveryQuery) => ({ hookId: q.hook, hookIds: q.hooks, since: q.since, until: q.until });

/** Stored deliveries below `before` with the wanted outcome: up to `limit`, looking at SCAN_MAX rows at most. */
async function scanEvents(store: Store, q: DeliveryQuery, before: number | undefined): Promise<Batch> {
  const out: Batch = { items: [], ids: [], scannedTo: before ?? 0, done: false };
  let pos = before;
  for (let scanned = 0; scanned < SCAN_MAX;) {
    const size = q.outcome ? SCAN_BATCH : q.limit;
    const rows = await store.listEvents({ ...pageFilter(q), beforeId: pos, limit: size });
    const list = await entries(store, rows);
    for (let i = 0; i < rows.length; i++) {
      out.scannedTo = rows[i].id;
      if (!q.outcome || list[i].outcome === q.outcome) {
        out.items.push(list[i]);
        out.ids.push(rows[i].id);
        if (out.items.length === q.limit) return out;
      }
    }
    scanned += rows.length;
    if (rows.length < size) return { ...out, done: true };
    pos = rows[rows.length - 1].id;
  }
  return out;
}

/**
 * One page of deliveries, newest first: stored and refused ones merged by time. The cursor holds where each of the
 * two lists stands, so a page never repeats or skips a delivery. A page looking for a rare outcome may come back
 * short (with a cursor to go on) rather than reading the whole log at once.
 */
export async function listDeliveries(store: Store, q: DeliveryQuery): Promise<{ data: Delivery[]; next_cursor: string | null }> {
  const cur: Cursor = q.cursor ? decodeCursor(q.cursor) ?? {} : {};
  const wantEvents = q.outcome !== 'rejected' && cur.e !== 0;
  const wantRejected = (q.outcome === undefined || q.outcome === 'rejected') && cur.r !== 0;
  const empty: Batch = { items: [], ids: [], scannedTo: 0, done: true };
  const ev = wantEvents ? await scanEvents(store, q, cur.e) : empty;
  let rj = empty;
  if (wantRejected) {
    const rows = await store.listRejections({ ...pageFilter(q), beforeId: cur.r, limit: q.limit });
    rj = { items: rows.map(rejectionEntry), ids: rows.map((r) => r.id), scannedTo: rows.at(-1)?.id ?? 0, done: rows.length < q.limit };
  }
  // Merge the two newest-first lists, each kept in its own order, so what a page takes of each is a prefix.
  const data: Delivery[] = [];
  let i = 0;
  let j = 0;
  while (data.length < q.limit && (i < ev.items.length || j < rj.items.length)) {
    const takeEvent = j >= rj.items.length || (i < ev.items.length && ev.items[i].received_at >= rj.items[j].received_at);
    data.push(takeEvent ? ev.items[i++] : rj.items[j++]);
  }
  const next = (b: Batch, taken: number, was: number | undefined, wanted: boolean): number | undefined => {
    if (!wanted) return was;
    if (taken < b.items.length) return taken === 0 ? was : b.ids[taken - 1];
    return b.done ? 0 : b.scannedTo;
  };
  const c: Cursor = { e: next(ev, i, cur.e, wantEvents), r: next(rj, j, cur.r, wantRejected) };
  const finished = (!wantEvents || c.e === 0) && (!wantRejected || c.r === 0);
  return { data, next_cursor: finished ? null : encodeCursor(c) };
}

/** One delivery by its API id, with its payload and headers. */
export async function getDelivery(store: Store, id: string): Promise<DeliveryDetail | undefined> {
  const m = /^(evt|rej)_(\d{1,15})$/.exec(id);
  if (!m) return undefined;
  if (m[1] === 'rej') {
    const r = await store.getRejection(Number(m[2]));
    return r ? { ...rejectionEntry(r), payload: null, headers: null } : undefined;
  }
  const ev = await store.getEvent(Number(m[2]));
  if (!ev) return undefined;
  const [entry] = await entries(store, [ev]);
  let payload: unknown;
  try {
    payload = JSON.parse(ev.payload);
  } catch {
    payload = ev.payload;
  }
  return { ...entry, payload, headers: ev.headers };
}
