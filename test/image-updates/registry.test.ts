import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatEvent } from '../../formatters/format-event.js';
import { parsePoll } from '../../parsers/poll.js';
import { DEFAULT_URL_POLICY } from '../../src/forward/url-policy.js';
import { checkImages, type RunningContainer } from '../../src/poll/check-images.js';
import { createHostGate } from '../../src/poll/hosts.js';
import { parseImageRef } from '../../src/poll/image-ref.js';
import { createRegistryClient, parseChallenge } from '../../src/poll/registry.js';

const INDEX = `sha256:${'1'.repeat(64)}`;
const AMD64 = `sha256:${'2'.repeat(64)}`;
const OLDER = `sha256:${'3'.repeat(64)}`;
const clock = { now: () => Date.now() };

/**
 * A stand-in registry: `library/app:1` is a multi-arch image (an OCI index with an amd64 manifest), behind the bearer
 * challenge Docker Hub and GHCR use; `plain/app:2` answers HEAD without Docker-Content-Digest (the digest is then the
 * SHA-256 of the manifest's bytes). It answers the index only to a client that accepts one, as real registries do.
 */
class StandInRegistry {
  readonly requests: { method: string; path: string; headers: IncomingHttpHeaders }[] = [];
  private server?: Server;
  base = '';
  host = '';
  readonly manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', layers: [] });

  async start() {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', this.base);
      this.requests.push({ method: req.method ?? '', path: url.pathname + url.search, headers: req.headers });
      if (url.pathname === '/token') {
        const ok = url.searchParams.get('service') === 'stand-in' && url.searchParams.get('scope') === 'repository:library/app:pull';
        res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' }).end(JSON.stringify(ok ? { token: 'tok-1', expires_in: 300 } : { error: 'bad' }));
        return;
      }
      if (url.pathname === '/v2/library/app/manifests/1') {
        if (req.headers.authorization !== 'Bearer tok-1') {
          res.writeHead(401, {
            'www-authenticate': `Bearer realm="${this.base}/token",service="stand-in",scope="repository:library/app:pull"`,
            'content-type': 'application/json',
          }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
          return;
        }
        const index = /application\/vnd\.oci\.image\.index\.v1\+json/.test(req.headers.accept ?? '');
        res.writeHead(200, {
          'docker-content-digest': index ? INDEX : AMD64,
          'content-type': index ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.docker.distribution.manifest.v2+json',
        }).end();
        return;
      }
      if (url.pathname === '/v2/plain/app/manifests/2') {
        res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' }).end(req.method === 'GET' ? this.manifest : undefined);
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.host = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.base = `http://${this.host}`;
    return this;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()));
  }
}

describe('image references as Docker reads them', () => {
  it('normalizes Docker Hub names and keeps other registries as written', () => {
    expect(parseImageRef('nginx')).toEqual({ registry: 'registry-1.docker.io', repository: 'library/nginx', tag: 'latest', digest: null });
    expect(parseImageRef('docker.io/library/nginx:1.27')).toEqual({ registry: 'registry-1.docker.io', repository: 'library/nginx', tag: '1.27', digest: null });
    expect(parseImageRef('grafana/grafana:11.0.0')).toMatchObject({ registry: 'registry-1.docker.io', repository: 'grafana/grafana', tag: '11.0.0' });
    expect(parseImageRef('ghcr.io/acme/api:v2')).toMatchObject({ registry: 'ghcr.io', repository: 'acme/api', tag: 'v2' });
    expect(parseImageRef('127.0.0.1:5000/app:1')).toMatchObject({ registry: '127.0.0.1:5000', repository: 'app', tag: '1' });
    expect(parseImageRef('localhost/app')).toMatchObject({ registry: 'localhost', repository: 'app', tag: 'latest' });
    expect(parseImageRef(`nginx@${INDEX}`)).toMatchObject({ repository: 'library/nginx', tag: null, digest: INDEX });
    expect(parseImageRef(`sha256:${'a'.repeat(64)}`)).toBeNull();
    expect(parseImageRef('Not/Valid:tag')).toBeNull();
  });

  it('reads a bearer challenge, quoted commas and all', () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull,push"')).toEqual({
      scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull,push' },
    });
  });
});

describe('asking a registry what a tag points at (a stand-in registry)', () => {
  let registry: StandInRegistry;
  let client: ReturnType<typeof createRegistryClient>;
  beforeEach(async () => {
    registry = await new StandInRegistry().start();
    client = createRegistryClient({ clock, gate: createHostGate({ clock, spacingMs: 0 }), policy: DEFAULT_URL_POLICY, timeoutMs: 5000, sleep: async () => {} });
  });
  afterEach(async () => {
    await registry.stop();
  });

  const container = (name: string, imageRef: string, repoDigests: string[]): RunningContainer => ({ name, imageRef, imageId: `sha256:${name}`, repoDigests });

  it('answers the bearer challenge, reuses the token, and takes a multi-arch tag\'s index digest', async () => {
    const ref = parseImageRef(`${registry.host}/library/app:1`)!;
    expect(await client.tagDigest(ref)).toBe(INDEX);
    expect(await client.tagDigest(ref)).toBe(INDEX);
    expect(registry.requests.filter((r) => r.path.startsWith('/token'))).toHaveLength(1);
    const heads = registry.requests.filter((r) => r.method === 'HEAD');
    expect(heads.map((r) => r.headers.authorization)).toEqual([undefined, 'Bearer tok-1', 'Bearer tok-1']); // the second check brings the token along
    expect(heads[0].headers.accept?.split(', ')[0]).toBe('application/vnd.oci.image.index.v1+json');
  });

  it('takes the SHA-256 of the manifest when HEAD leaves the digest out, and says when a tag is not there', async () => {
    const digest = `sha256:${createHash('sha256').update(registry.manifest).digest('hex')}`;
    expect(await client.tagDigest(parseImageRef(`${registry.host}/plain/app:2`)!)).toBe(digest);
    await expect(client.tagDigest(parseImageRef(`${registry.host}/plain/app:3`)!)).rejects.toThrow(`plain/app:3 is not in ${registry.host}`);
  });

  it('checks each image tag once, compares the index digest with the one the image was pulled by, and skips what it cannot follow', async () => {
    const tag = `${registry.host}/library/app:1`;
    const result = await checkImages({
      registry: client,
      lister: {
        running: async () => [
          container('web-1', tag, [`${registry.host}/library/app@${INDEX}`]), // pulled by the index digest: up to date
          container('web-2', tag, [`${registry.host}/library/app@${INDEX}`, `other.test/app@${OLDER}`]),
          container('old-1', tag, [`${registry.host}/library/app@${OLDER}`]), // an older pull of the same tag
          container('old-2', tag, [`${registry.host}/library/app@${OLDER}`]),
          container('pinned', `${registry.host}/library/app@${INDEX}`, [`${registry.host}/library/app@${INDEX}`]),
          container('built-here', 'myapp:dev', []),
        ],
      },
    });
    expect(result.updates).toEqual([{
      type: 'image_update', image: tag, registry: registry.host, repository: 'library/app', tag: '1',
      running_digest: OLDER, new_digest: INDEX, containers: ['old-1', 'old-2'],
    }]);
    expect(result).toMatchObject({ containers: 6, checked: 1, errors: [] });
    expect(result.notes).toEqual(['1 container run an image by digest or id (nothing to follow)', '1 container run a local image (never pulled from a registry)']);
    expect(registry.requests.filter((r) => r.method === 'HEAD' && r.headers.authorization)).toHaveLength(1);
  });

  it('formats an update with the image, tag, both digests and the containers', () => {
    const event = parsePoll('image_update', {
      type: 'image_update', image: 'ghcr.io/acme/api:v2', registry: 'ghcr.io', repository: 'acme/api', tag: 'v2',
      running_digest: OLDER, new_digest: INDEX, containers: ['api-1', 'api-2'],
    }, '2026-05-01T00:00:00.000Z');
    const embed = formatEvent(event).embeds![0];
    expect(embed.title).toBe('⬆️ ghcr.io/acme/api:v2 has a newer image');
    expect(embed.footer?.text).toBe('docker · image_update');
    expect(embed.fields).toEqual([
      { name: 'Image', value: '`acme/api`', inline: true },
      { name: 'Tag', value: '`v2`', inline: true },
      { name: 'Registry', value: 'ghcr.io', inline: true },
      { name: 'Running', value: `\`sha256:${'3'.repeat(12)}\``, inline: true },
      { name: 'New', value: `\`sha256:${'1'.repeat(12)}\``, inline: true },
      { name: 'Containers (2)', value: '`api-1`, `api-2`', inline: false },
    ]);
  });
});
