import type { Logger } from 'pino';
import { NOTICE } from '../../formatters/notices.js';
import type { Store } from '../store/store.js';
import type { DiscordMessage } from '../types.js';
import { dockerHooks } from './deliver.js';

const TOLD_KEY = 'docker_status_told';

export type DockerStatus = 'up' | 'down' | 'unknown';

/**
 * Whether Docker is reachable. Channels with a docker hook are told when it goes down and when it is back, once
 * each (what they were told last is kept across restarts; a first "up" is not news).
 */
export function createDockerStatus(opts: {
  dockerHost: string; store: Store; log: Logger;
  notice: (channelId: string, body: DiscordMessage) => Promise<void>;
}) {
  const { store, log } = opts;
  let status: DockerStatus = 'unknown';

  async function set(next: 'up' | 'down', why?: string): Promise<void> {
    if (next === status) return;
    status = next;
    log.info({ docker: next, dockerHost: opts.dockerHost, why }, next === 'up' ? 'Docker is reachable' : 'Docker is not reachable');
    const told = await store.getMeta(TOLD_KEY);
    await store.setMeta(TOLD_KEY, next);
    if (told === next || (told === undefined && next === 'up')) return;
    const channels = new Set((await dockerHooks(store)).map((h) => h.channelId));
    const body = next === 'down' ? NOTICE.dockerDown({ dockerHost: opts.dockerHost, why }) : NOTICE.dockerUp();
    for (const channelId of channels) await opts.notice(channelId, body);
  }

  return { get: (): DockerStatus => status, set };
}
