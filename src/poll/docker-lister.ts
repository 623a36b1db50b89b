import Docker from 'dockerode';
import { dockerOptions } from '../docker/docker-options.js';
import { PollError } from './poll-error.js';
import type { ContainerLister, RunningContainer } from './check-images.js';

/** Containers checked at most per run (a host with more is checked for its first ones). */
const MAX_CONTAINERS = 500;

/**
 * The running containers of a Docker Engine with the reference each was created from (`Config.Image`: the tag it
 * names, even after the tag moved on to another image) and the RepoDigests of the image it runs.
 */
export function dockerLister(dockerHost: string): ContainerLister {
  const docker = new Docker({ ...dockerOptions(dockerHost), timeout: 15_000 });
  return {
    async running(): Promise<RunningContainer[]> {
      let list: Docker.ContainerInfo[];
      try {
        list = await docker.listContainers({ filters: JSON.stringify({ status: ['running'] }) });
      } catch (err) {
        throw new PollError('docker', `Docker is not reachable at ${dockerHost}: ${(err as Error).message}`);
      }
      const digests = new Map<string, Promise<string[]>>();
      const out: RunningContainer[] = [];
      for (const c of list.slice(0, MAX_CONTAINERS)) {
        const info = await docker.getContainer(c.Id).inspect().catch(() => undefined);
        if (!info) continue; // gone meanwhile
        const imageId = info.Image;
        if (!digests.has(imageId)) {
          digests.set(imageId, docker.getImage(imageId).inspect().then((i) => i.RepoDigests ?? [], () => []));
        }
        out.push({ name: info.Name.replace(/^\//, ''), imageRef: info.Config.Image, imageId, repoDigests: await digests.get(imageId)! });
      }
      return out;
    },
  };
}
