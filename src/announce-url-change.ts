import type { Logger } from 'pino';
import { NOTICE } from '../formatters/notices.js';
import type { Pipeline } from './pipeline.js';
import type { Store } from './store/store.js';

/**
 * Remembers the public URL; when it differs from the previous run's (an ngrok tunnel without a reserved
 * domain gets a new one each time), tells each channel with enabled hooks once, with the URLs to paste.
 */
export async function announceUrlChange(opts: { store: Store; pipeline: Pick<Pipeline, 'notice'>; log: Logger; publicUrl: string }): Promise<number> {
  const { store, pipeline, log, publicUrl } = opts;
  const previous = await store.getMeta('public_url');
  await store.setMeta('public_url', publicUrl);
  if (!previous || previous === publicUrl) return 0;
  const hooks = (await store.allHooks()).filter((h) => h.enabled);
  const byChannel = new Map<string, typeof hooks>();
  for (const h of hooks) byChannel.set(h.channelId, [...(byChannel.get(h.channelId) ?? []), h]);
  for (const [channelId, list] of byChannel) {
    await pipeline.notice(channelId, NOTICE.urlChanged({ previous, publicUrl, hooks: list }));
  }
  log.info({ previous, publicUrl, channels: byChannel.size }, 'public URL changed; channels told');
  return byChannel.size;
}
