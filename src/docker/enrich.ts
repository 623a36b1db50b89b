import type Docker from 'dockerode';
import type { Logger } from 'pino';
import { classify, type DockerEvent, type DockerPayload } from '../../parsers/docker-events.js';
import { demuxLogs, orderByTimestamp } from './demux.js';

/**
 * What the Engine can tell about an event beyond the event itself: a container's name, image, state and restart
 * count (and its last log lines when it died), an image's tags, size and layers. Lookups that fail (a container
 * removed already) leave the payload as it is.
 */
export function createEnricher(opts: { docker: Docker; log: Logger; logLines?: number }) {
  const { docker, log } = opts;

  async function imageDetails(e: DockerEvent, payload: DockerPayload): Promise<void> {
    if (e.Action === 'delete' || e.Action === 'untag') return;
    try {
      // By the image's id (a tag/import/load event's Actor.ID; a pull's is the reference pulled), not by the tag:
      // the tag may point at another image by the time we ask.
      const info = await docker.getImage(e.Actor?.ID || e.id || (e.Actor?.Attributes?.name ?? '')).inspect();
      payload.image = { tags: info.RepoTags ?? [], sizeBytes: info.Size, layers: info.RootFS?.Layers?.length };
    } catch (err) {
      log.debug({ err: (err as Error).message }, 'image inspect failed');
    }
  }

  async function containerDetails(e: DockerEvent, payload: DockerPayload): Promise<void> {
    const category = classify(e);
    const id = e.Actor?.ID ?? e.id ?? '';
    try {
      const info = await docker.getContainer(id).inspect();
      payload.container = {
        name: (info.Name ?? '').replace(/^\//, '') || (e.Actor?.Attributes?.name ?? id.slice(0, 12)),
        image: info.Config?.Image ?? e.Actor?.Attributes?.image ?? '',
        state: info.State,
        restartCount: info.RestartCount,
      };
      if (category === 'die' || category === 'oom') {
        const buf = await docker.getContainer(id).logs({ stdout: true, stderr: true, tail: opts.logLines ?? 20, timestamps: true, follow: false });
        const lines = demuxLogs(Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf)), Boolean(info.Config?.Tty));
        payload.logs = orderByTimestamp(lines).map((l) => l.line);
      }
    } catch (err) {
      log.debug({ err: (err as Error).message, id }, 'container inspect failed (removed already?)');
    }
  }

  return async function enrich(e: DockerEvent): Promise<DockerPayload> {
    const payload: DockerPayload = { event: e };
    await (e.Type === 'image' ? imageDetails(e, payload) : containerDetails(e, payload));
    return payload;
  };
}
