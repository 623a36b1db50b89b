import Docker from 'dockerode';
import type { Logger } from 'pino';
import { dockerOptions } from './docker-options.js';

/** Pings the Docker Engine now and then so `/healthz` and `!hook list` can say whether it is reachable. */
export function watchDockerStatus(dockerHost: string, log: Logger, everyMs = 30_000) {
  const docker = new Docker(dockerOptions(dockerHost));
  let status: 'up' | 'down' | 'unknown' = 'unknown';
  const check = async () => {
    let next: 'up' | 'down';
    try {
      await docker.ping();
      next = 'up';
    } catch {
      next = 'down';
    }
    if (next !== status) log.info({ docker: next, dockerHost }, next === 'up' ? 'Docker is reachable' : 'Docker is not reachable');
    status = next;
  };
  void check();
  const timer = setInterval(check, everyMs);
  timer.unref();
  return { status: () => status, stop: () => clearInterval(timer) };
}
