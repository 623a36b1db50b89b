import type Docker from 'dockerode';
import type { Logger } from 'pino';
import type { DockerEvent } from '../../parsers/docker-events.js';
import type { Clock } from '../ports.js';
import type { Store } from '../store/store.js';

const STATES_KEY = 'docker_container_states';

type Known = Record<string, { name: string; running: boolean }>;

/**
 * Container states as the events told them (kept across restarts). After (re)connecting, containers whose state
 * changed while no events reached us (a daemon restart loses its event log) are handled as synthetic events,
 * marked as reconciled.
 */
export function createReconciler(opts: {
  docker: Docker; store: Store; clock: Clock; log: Logger;
  handle: (e: DockerEvent, reconciled: boolean) => Promise<void>;
}) {
  const { docker, store, clock, log } = opts;
  let known: Known = {};

  /** A start/stop/die/destroy seen on the stream. */
  function track(e: DockerEvent): void {
    if (e.Type !== 'container') return;
    const id = e.Actor?.ID ?? e.id ?? '';
    const name = e.Actor?.Attributes?.name ?? known[id]?.name ?? id.slice(0, 12);
    if (e.Action === 'start' || e.Action === 'restart' || e.Action === 'unpause') known[id] = { name, running: true };
    else if (e.Action === 'die' || e.Action === 'stop' || e.Action === 'kill') known[id] = { name, running: false };
    else if (e.Action === 'destroy') delete known[id];
  }

  /** The event a state change would have produced, at the time the container started or finished. */
  async function synthetic(c: Docker.ContainerInfo, name: string, running: boolean): Promise<DockerEvent> {
    const info = await docker.getContainer(c.Id).inspect().catch(() => undefined);
    const at = Date.parse((running ? info?.State?.StartedAt : info?.State?.FinishedAt) ?? '') || clock.now();
    return {
      Type: 'container', Action: running ? 'start' : 'die', status: running ? 'start' : 'die', id: c.Id, from: c.Image,
      Actor: { ID: c.Id, Attributes: { ...(c.Labels ?? {}), name, image: c.Image, ...(info ? { exitCode: String(info.State?.ExitCode ?? '') } : {}) } },
      scope: 'local', time: Math.floor(at / 1000), timeNano: at * 1e6,
    };
  }

  async function reconcile(): Promise<void> {
    const list = await docker.listContainers({ all: true });
    const before = known;
    const now: Known = {};
    for (const c of list) {
      const name = (c.Names?.[0] ?? '').replace(/^\//, '') || c.Id.slice(0, 12);
      now[c.Id] = { name, running: c.State === 'running' };
      const was = before[c.Id];
      if (!was || was.running === now[c.Id].running) continue;
      const e = await synthetic(c, name, now[c.Id].running);
      log.info({ container: name, action: e.Action }, 'reconciled a state change missed while Docker was away');
      await opts.handle(e, true);
    }
    known = now;
    await store.setMeta(STATES_KEY, JSON.stringify(known));
  }

  return {
    /** Reads the states kept by the last run. */
    async load(): Promise<void> {
      known = JSON.parse((await store.getMeta(STATES_KEY)) ?? '{}');
    },
    track,
    reconcile,
  };
}
