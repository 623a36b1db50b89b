/**
 * Image references as Docker reads them (github.com/distribution/reference): `nginx` is
 * `docker.io/library/nginx:latest`, `user/app:1` is `docker.io/user/app:1`, and the first part names a registry
 * only when it has a `.` or a `:` or is `localhost` (`ghcr.io/o/app`, `127.0.0.1:5000/app:1`).
 */

/** Docker Hub's API host: `docker.io` is its name, `registry-1.docker.io` where its Registry API answers. */
export const DOCKER_HUB = 'registry-1.docker.io';

export interface ImageRef {
  /** The registry's API host (`registry-1.docker.io` for Docker Hub), with its port when it has one. */
  registry: string;
  /** The repository in it (`library/nginx`, `o/app`). */
  repository: string;
  /** The tag (`latest` when none was given); null for a reference by digest only. */
  tag: string | null;
  digest: string | null;
}

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-f0-9]{32,}$/i;

/** Parses a reference (`nginx`, `ghcr.io/o/app:1.2`, `app@sha256:…`); null when it is not one (an image id, junk). */
export function parseImageRef(ref: string): ImageRef | null {
  let rest = ref.trim();
  if (!rest || /^sha256:[a-f0-9]+$/i.test(rest) || /^[a-f0-9]{64}$/i.test(rest)) return null;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return null;
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return null;
  }
  const slash = rest.indexOf('/');
  const first = slash === -1 ? '' : rest.slice(0, slash);
  const hasDomain = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasDomain ? first.toLowerCase() : 'docker.io';
  let repository = hasDomain ? rest.slice(slash + 1) : rest;
  if (registry === 'docker.io' || registry === 'index.docker.io') {
    registry = DOCKER_HUB;
    if (!repository.includes('/')) repository = `library/${repository}`;
  }
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository)) return null;
  return { registry, repository, tag: tag ?? (digest ? null : 'latest'), digest };
}

/** `registry/repository`: the same for every spelling of one repository (`nginx`, `docker.io/library/nginx`). */
export const repoKey = (r: Pick<ImageRef, 'registry' | 'repository'>) => `${r.registry}/${r.repository}`;

/** Whether the registry is on this machine: Docker talks plain HTTP to those by default (127.0.0.0/8, localhost, ::1). */
export function isLocalRegistry(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
