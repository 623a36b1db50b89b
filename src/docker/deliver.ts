import type { DockerPayload } from '../../parsers/docker-events.js';
import type { Clock } from '../ports.js';
import { noteDockerHost } from '../replicas/docker-hosts.js';
import type { Store } from '../store/store.js';

/** The enabled docker hooks: each gets every Docker event (its filters choose later, in the pipeline). */
export async function dockerHooks(store: Store) {
  return (await store.allHooks()).filter((h) => h.service === 'docker' && h.enabled);
}

/**
 * Stores `payload` for every docker hook, like a webhook delivery. True when at least one row is new (a replay
 * sends the events at its boundary again: the delivery-id index drops them). With `host` (several replicas, each
 * watching its own Docker), the payload names the host when another host reported to the same hook in the last day.
 */
export async function storeDockerEvent(store: Store, clock: Clock, payload: DockerPayload, deliveryId: string, host?: string): Promise<boolean> {
  const e = payload.event;
  let stored = false;
  for (const hook of await dockerHooks(store)) {
    const several = host !== undefined && await noteDockerHost(store, hook.id, host, clock.now());
    const r = await store.insertEvent({
      hookId: hook.id, deliveryId, eventType: `${e.Type}.${e.Action}`, payload: JSON.stringify(several ? { ...payload, host } : payload),
      receivedAt: new Date(clock.now()).toISOString(),
    });
    stored ||= !r.duplicate;
  }
  return stored;
}
