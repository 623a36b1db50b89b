import type { ImageUpdatePayload } from '../../parsers/poll.js';
import { PollError } from './poll-error.js';
import { parseImageRef, repoKey, type ImageRef } from './image-ref.js';
import type { RegistryClient } from './registry.js';

/** A running container: the reference it was created from, the image it runs and that image's RepoDigests. */
export interface RunningContainer {
  name: string;
  /** `Config.Image`: `nginx:1.27`, `127.0.0.1:5000/app:1`, `app@sha256:…`, or an image id. */
  imageRef: string;
  imageId: string;
  /** `repo@sha256:…` for each repository the image was pulled from or pushed to (by the digest it had there). */
  repoDigests: string[];
}

export interface ContainerLister {
  running(): Promise<RunningContainer[]>;
}

/** What one check found: the updates (one per image tag that has moved on), and what it could not check. */
export interface ImageCheck {
  containers: number;
  /** Distinct image tags looked up in their registries. */
  checked: number;
  updates: ImageUpdatePayload[];
  /** Containers skipped, in words (`2 run an image by digest`…). */
  notes: string[];
  /** Image tags whose registry could not say (`ghcr.io/o/app:1: …`). */
  errors: string[];
}

type Tag = { ref: ImageRef; shown: string; containers: RunningContainer[] };

/** The digests an image has in the repository `ref` names (any spelling of it: `nginx`, `docker.io/library/nginx`). */
function digestsIn(c: RunningContainer, ref: ImageRef): string[] {
  const want = repoKey(ref);
  return c.repoDigests.flatMap((d) => {
    const r = parseImageRef(d);
    return r?.digest && repoKey(r) === want ? [r.digest] : [];
  });
}

/**
 * Checks each distinct image tag the running containers use against its registry, once: a container whose image
 * has none of its RepoDigests in that repository equal to the tag's digest now runs an outdated image. Containers
 * running an image by digest, by id, or built locally (no RepoDigests) are skipped and counted.
 */
export async function checkImages(deps: { lister: ContainerLister; registry: RegistryClient }): Promise<ImageCheck> {
  const containers = await deps.lister.running();
  const tags = new Map<string, Tag>();
  let pinned = 0;
  let local = 0;
  for (const c of containers) {
    const ref = parseImageRef(c.imageRef);
    if (!ref || !ref.tag || ref.digest) {
      pinned++;
      continue;
    }
    if (digestsIn(c, ref).length === 0) {
      local++;
      continue;
    }
    const key = `${repoKey(ref)}:${ref.tag}`;
    const tag = tags.get(key) ?? { ref, shown: c.imageRef, containers: [] };
    tag.containers.push(c);
    tags.set(key, tag);
  }
  const result: ImageCheck = { containers: containers.length, checked: 0, updates: [], notes: [], errors: [] };
  if (pinned) result.notes.push(`${pinned} container${pinned === 1 ? '' : 's'} run an image by digest or id (nothing to follow)`);
  if (local) result.notes.push(`${local} container${local === 1 ? '' : 's'} run a local image (never pulled from a registry)`);
  for (const tag of tags.values()) {
    let latest: string;
    try {
      latest = await deps.registry.tagDigest(tag.ref);
    } catch (err) {
      if (!(err instanceof PollError)) throw err;
      result.errors.push(`${tag.shown}: ${err.message}`);
      continue;
    }
    result.checked++;
    const behind = tag.containers.filter((c) => !digestsIn(c, tag.ref).includes(latest));
    if (!behind.length) continue;
    result.updates.push({
      type: 'image_update', image: tag.shown, registry: tag.ref.registry, repository: tag.ref.repository, tag: tag.ref.tag!,
      running_digest: digestsIn(behind[0], tag.ref)[0], new_digest: latest, containers: [...new Set(behind.map((c) => c.name))].sort(),
    });
  }
  return result;
}

/** The id an update is told under, once: the tag and the digest it points at now. */
export const updateId = (u: Pick<ImageUpdatePayload, 'registry' | 'repository' | 'tag' | 'new_digest'>) =>
  `${u.registry}/${u.repository}:${u.tag}@${u.new_digest}`;
