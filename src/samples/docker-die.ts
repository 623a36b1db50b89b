import type { DockerPayload } from '../../parsers/docker-events.js';

/** A realistic crashed container (exit 137 after OOM), as the Docker watcher stores it; used by `!hook test`. */
export function sampleDockerDie(atMs: number): DockerPayload {
  const id = '4f66ad9a0b2e8d2b1c4e2a7f0c3d9e8b7a6f5e4d3c2b1a09f8e7d6c5b4a39281';
  const attributes = {
    'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web', exitCode: '137',
    image: 'shop-web:latest', name: 'shop-web-1',
  };
  return {
    event: {
      status: 'die', id, from: 'shop-web:latest', Type: 'container', Action: 'die', Actor: { ID: id, Attributes: attributes },
      scope: 'local', time: Math.floor(atMs / 1000), timeNano: atMs * 1e6,
    },
    container: {
      name: 'shop-web-1', image: 'shop-web:latest', restartCount: 2,
      state: {
        Status: 'exited', ExitCode: 137, OOMKilled: true,
        StartedAt: new Date(atMs - 3 * 3600_000 - 25 * 60_000).toISOString(), FinishedAt: new Date(atMs).toISOString(),
      },
    },
    logs: [
      '[info] GET /api/orders 200 12ms',
      '[warn] heap usage 1.9 GB of 2 GB',
      '<--- Last few GCs --->',
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    ],
  };
}
