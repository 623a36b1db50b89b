import type { DockerOptions } from 'dockerode';

/** `DOCKER_HOST` as the docker CLI reads it → dockerode options. */
export function dockerOptions(dockerHost: string): DockerOptions {
  const u = new URL(dockerHost);
  if (u.protocol === 'unix:') return { socketPath: decodeURIComponent(u.pathname) };
  if (u.protocol === 'npipe:') return { socketPath: dockerHost.replace(/^npipe:\/\//, '') };
  const protocol = u.protocol === 'https:' ? 'https' : 'http';
  return { host: u.hostname, port: Number(u.port || (protocol === 'https' ? 2376 : 2375)), protocol };
}
