import { createHash } from 'node:crypto';
import type { UrlPolicy } from '../forward/url-policy.js';
import type { Clock } from '../ports.js';
import type { HostGate } from './hosts.js';
import { MAX_SLOT_WAIT_MS, USER_AGENT } from './fetch.js';
import { PollError } from './poll-error.js';
import { retryAfterMs } from './schedule.js';
import { pollUrlRefusal } from './url-check.js';
import { isLocalRegistry, type ImageRef } from './image-ref.js';

/**
 * What a tag points at in its registry, by the Registry API v2 (the OCI distribution spec): `HEAD
 * /v2/<name>/manifests/<tag>` accepting an OCI index, a Docker manifest list and single manifests, reading
 * `Docker-Content-Digest`. For a multi-arch image that is the index's digest — the one `docker pull` records in the
 * image's RepoDigests — never a platform manifest's. Anonymous bearer tokens (Docker Hub, GHCR) are fetched when
 * the registry challenges (`WWW-Authenticate: Bearer realm=…,service=…,scope=…`) and reused until they expire.
 */

/** Index types first: asked for a multi-arch tag, the registry answers with the index (and its digest). */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
].join(', ');

export interface RegistryDeps {
  clock: Clock;
  gate: HostGate;
  policy: UrlPolicy;
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
}

/** `Bearer realm="…",service="…"` → `{scheme: 'bearer', params: {realm, service}}`. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  const params: Record<string, string> = {};
  for (const p of (m?.[2] ?? '').matchAll(/([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
  }
  return { scheme: (m?.[1] ?? '').toLowerCase(), params };
}

/** A registry client keeping anonymous tokens per realm, service and scope. */
export function createRegistryClient(deps: RegistryDeps) {
  const tokens = new Map<string, { token: string; until: number }>();
  /** The challenge each repository answered with: later checks bring a token along at once (one request, not two). */
  const challenges = new Map<string, Record<string, string>>();

  /** One request, spaced per host and bounded in time; the policy is checked first. */
  async function request(url: string, init: { method: string; headers: Record<string, string> }): Promise<Response> {
    const refused = await pollUrlRefusal(url, deps.policy);
    if (refused) throw new PollError('refused', refused);
    const host = new URL(url).host;
    const slot = deps.gate.reserve(host, MAX_SLOT_WAIT_MS);
    if (!slot.ok) throw new PollError('rate_limited', `${host} asked to wait`, { retryAfterMs: slot.until - deps.clock.now() });
    if (slot.waitMs > 0) await deps.sleep(slot.waitMs);
    try {
      return await fetch(url, { ...init, headers: { 'user-agent': USER_AGENT, ...init.headers }, signal: AbortSignal.timeout(deps.timeoutMs) });
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
      throw new PollError((err as Error).name === 'TimeoutError' ? 'timeout' : 'network', `cannot reach ${host}: ${cause}`);
    }
  }

  /** An anonymous pull token for the challenge (cached until shortly before it expires; `fresh`: a new one). */
  async function token(params: Record<string, string>, ref: ImageRef, fresh = false): Promise<string> {
    if (!params.realm) throw new PollError('http', `${ref.registry} asked for a token without saying where to get it`);
    const scope = params.scope ?? `repository:${ref.repository}:pull`;
    const key = `${params.realm} ${params.service ?? ''} ${scope}`;
    const cached = tokens.get(key);
    if (cached && cached.until > deps.clock.now() && !fresh) return cached.token;
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', scope);
    const res = await request(url.href, { method: 'GET', headers: { accept: 'application/json' } });
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new PollError('http', `the token service of ${ref.registry} answered HTTP ${res.status}`, { status: res.status });
    }
    const body = await res.json().catch(() => ({})) as { token?: unknown; access_token?: unknown; expires_in?: unknown };
    const value = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
    if (!value) throw new PollError('http', `the token service of ${ref.registry} gave no token`);
    const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    tokens.set(key, { token: value, until: deps.clock.now() + Math.max(0, seconds - 5) * 1000 });
    return value;
  }

  /** The digest `ref`'s tag points at in its registry now. Throws a PollError saying why not. */
  async function tagDigest(ref: ImageRef): Promise<string> {
    if (!ref.tag) throw new PollError('unreadable', 'a reference by digest has no tag to follow');
    const scheme = isLocalRegistry(ref.registry) ? 'http' : 'https';
    const url = `${scheme}://${ref.registry}/v2/${ref.repository}/manifests/${encodeURIComponent(ref.tag)}`;
    const known = challenges.get(`${ref.registry}/${ref.repository}`);
    let auth = known ? await token(known, ref) : undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const headers: Record<string, string> = { accept: MANIFEST_ACCEPT, ...(auth ? { authorization: `Bearer ${auth}` } : {}) };
      let res = await request(url, { method: 'HEAD', headers });
      if (res.status === 401 && attempt === 0) {
        await res.body?.cancel().catch(() => {});
        const challenge = parseChallenge(res.headers.get('www-authenticate') ?? '');
        if (challenge.scheme !== 'bearer') throw new PollError('http', `${ref.registry} wants credentials for ${ref.repository} (only public images can be checked)`, { status: 401 });
        challenges.set(`${ref.registry}/${ref.repository}`, challenge.params);
        auth = await token(challenge.params, ref, auth !== undefined); // a token brought along was refused: a new one
        continue;
      }
      if (res.status === 200 && !res.headers.get('docker-content-digest')) {
        // Some registries leave the header off HEAD answers: the digest is the SHA-256 of the manifest's bytes.
        res = await request(url, { method: 'GET', headers });
        if (res.status === 200) {
          const header = res.headers.get('docker-content-digest');
          const bytes = Buffer.from(await res.arrayBuffer());
          return header ?? `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
        }
      }
      await res.body?.cancel().catch(() => {});
      if (res.status === 200) return res.headers.get('docker-content-digest')!;
      if (res.status === 401) throw new PollError('http', `${ref.registry} refused access to ${ref.repository} (only public images can be checked)`, { status: 401 });
      if (res.status === 404) throw new PollError('http', `${ref.repository}:${ref.tag} is not in ${ref.registry}`, { status: 404 });
      if (res.status === 429 || res.status === 503) {
        const wait = retryAfterMs(res.headers.get('retry-after'), deps.clock.now());
        if (wait !== undefined) deps.gate.block(new URL(url).host, deps.clock.now() + wait);
        throw new PollError('rate_limited', `${ref.registry} answered ${res.status}`, { status: res.status, retryAfterMs: wait });
      }
      throw new PollError('http', `${ref.registry} answered HTTP ${res.status}`, { status: res.status });
    }
    throw new PollError('http', `${ref.registry} refused the token it issued`);
  }

  return { tagDigest };
}

export type RegistryClient = ReturnType<typeof createRegistryClient>;
