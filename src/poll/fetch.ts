import type { UrlPolicy } from '../forward/url-policy.js';
import type { Clock } from '../ports.js';
import type { HostGate } from './hosts.js';
import { PollError } from './poll-error.js';
import { freshUntil, retryAfterMs } from './schedule.js';
import { pollUrlRefusal } from './url-check.js';

/** What the poller asks for: feeds first, then JSON, then anything. */
export const FEED_ACCEPT = 'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5';
export const USER_AGENT = 'hookbot (+https://github.com/hookbot; feed poller)';
/** Redirects followed at most (each target checked against the URL policy). */
const MAX_REDIRECTS = 5;
/** Waiting longer than this for a host's slot: the source is polled later instead. */
export const MAX_SLOT_WAIT_MS = 60_000;

export interface FetchDeps {
  clock: Clock;
  gate: HostGate;
  policy: UrlPolicy;
  timeoutMs: number;
  maxBytes: number;
  sleep: (ms: number) => Promise<void>;
}

/** Validators of the last answer, sent back so an unchanged source answers 304. */
export interface Validators { etag: string | null; lastModified: string | null }

export type Fetched =
  | { status: 304; freshUntil: number; validators: Validators }
  | { status: 200; body: Buffer; contentType: string | null; freshUntil: number; validators: Validators };

/** The source's host could not be given a slot soon: poll again at `until` (not a failure). */
export class HostBusy extends Error {
  constructor(readonly until: number) {
    super('host busy');
    this.name = 'HostBusy';
  }
}

/** `15000` → `15`, `300` → `0.3`. */
const secs = (ms: number) => (ms >= 1000 ? String(Math.round(ms / 1000)) : (ms / 1000).toFixed(1));

/** Reads a body up to `max` bytes (decompressed), refusing more. */
async function readCapped(res: Response, max: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => {});
    throw new PollError('too_large', `the answer is ${declared} bytes, over the ${max}-byte limit`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  if (res.body) {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > max) {
        await res.body.cancel().catch(() => {});
        throw new PollError('too_large', `the answer is over the ${max}-byte limit`);
      }
      chunks.push(Buffer.from(chunk));
    }
  }
  return Buffer.concat(chunks);
}

/** The cause of a failed fetch in words (`ECONNREFUSED 127.0.0.1:9`, `getaddrinfo ENOTFOUND …`). */
function networkWhy(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.message ?? cause?.code ?? (err as Error).message;
}

/**
 * One polite GET of a source: checked against the URL policy (each redirect too), spaced per host, conditional
 * (If-None-Match / If-Modified-Since), bounded in time and size. 304 and 200 are answers; anything else throws a
 * PollError (429/503 with the Retry-After, which also keeps the whole host waiting), or HostBusy.
 */
export async function fetchSource(deps: FetchDeps, url: string, opts: { validators?: Validators; accept?: string } = {}): Promise<Fetched> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const refused = await pollUrlRefusal(current, deps.policy);
    if (refused) throw new PollError('refused', hop ? `redirected to a refused URL: ${refused}` : refused);
    const host = new URL(current).host;
    const slot = deps.gate.reserve(host, MAX_SLOT_WAIT_MS);
    if (!slot.ok) throw new HostBusy(slot.until);
    if (slot.waitMs > 0) await deps.sleep(slot.waitMs);
    // Each request (and its body) within the time limit; the wait for the host's slot does not count.
    const signal = AbortSignal.timeout(deps.timeoutMs);
    const headers: Record<string, string> = { accept: opts.accept ?? FEED_ACCEPT, 'user-agent': USER_AGENT };
    if (opts.validators?.etag) headers['if-none-match'] = opts.validators.etag;
    if (opts.validators?.lastModified) headers['if-modified-since'] = opts.validators.lastModified;
    let res: Response;
    try {
      res = await fetch(current, { headers, redirect: 'manual', signal });
    } catch (err) {
      if (signal.aborted) throw new PollError('timeout', `no answer within ${secs(deps.timeoutMs)} s`);
      throw new PollError('network', `cannot reach ${host}: ${networkWhy(err)}`);
    }
    const now = deps.clock.now();
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && res.status !== 304 && location) {
      await res.body?.cancel().catch(() => {});
      current = new URL(location, current).href;
      continue;
    }
    const validators: Validators = {
      etag: res.headers.get('etag') ?? opts.validators?.etag ?? null,
      lastModified: res.headers.get('last-modified') ?? opts.validators?.lastModified ?? null,
    };
    if (res.status === 304) {
      await res.body?.cancel().catch(() => {});
      return { status: 304, freshUntil: freshUntil(res.headers, now), validators };
    }
    if (res.status === 429 || res.status === 503) {
      await res.body?.cancel().catch(() => {});
      const wait = retryAfterMs(res.headers.get('retry-after'), now);
      if (wait !== undefined) deps.gate.block(host, now + wait);
      throw new PollError('rate_limited', `${host} answered ${res.status}${wait !== undefined ? ` (Retry-After ${Math.round(wait / 1000)} s)` : ''}`, { status: res.status, retryAfterMs: wait });
    }
    if (res.status < 200 || res.status >= 300) {
      await res.body?.cancel().catch(() => {});
      throw new PollError('http', `${host} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, { status: res.status });
    }
    try {
      const body = await readCapped(res, deps.maxBytes);
      return { status: 200, body, contentType: res.headers.get('content-type'), freshUntil: freshUntil(res.headers, now), validators };
    } catch (err) {
      if (err instanceof PollError) throw err;
      if (signal.aborted) throw new PollError('timeout', `the answer did not arrive within ${secs(deps.timeoutMs)} s`);
      throw new PollError('network', `the answer broke off: ${networkWhy(err)}`);
    }
  }
  throw new PollError('http', `more than ${MAX_REDIRECTS} redirects`);
}
