import type { Store } from '../store/store.js';

/** A host counts as reporting to a hook for a day after its last event there. */
const HOST_WINDOW_MS = 86_400_000;
/** A host's own "last seen" is written at most this often: one meta write per hook a minute, not one per event. */
const REFRESH_MS = 60_000;

const hostsKey = (hookId: string) => `hook_hosts:${hookId}`;

/**
 * Notes that `host` (REPLICA_NAME) reports Docker events to `hookId`, and says whether another host did too in the
 * last day: then messages name the host. Kept in meta as `{ host: last seen ms }` per hook. Two hosts writing at the
 * same moment may drop one's entry; it is written again with that host's next event.
 */
export async function noteDockerHost(store: Pick<Store, 'getMeta' | 'setMeta'>, hookId: string, host: string, nowMs: number): Promise<boolean> {
  let seen: Record<string, unknown> = {};
  try {
    seen = JSON.parse((await store.getMeta(hostsKey(hookId))) ?? '{}') as Record<string, unknown>;
  } catch {
    seen = {};
  }
  const others = Object.entries(seen)
    .filter((e): e is [string, number] => e[0] !== host && typeof e[1] === 'number' && nowMs - e[1] < HOST_WINDOW_MS);
  const mine = seen[host];
  const stale = others.length + (host in seen ? 1 : 0) !== Object.keys(seen).length;
  if (typeof mine !== 'number' || nowMs - mine >= REFRESH_MS || stale) {
    await store.setMeta(hostsKey(hookId), JSON.stringify({ ...Object.fromEntries(others), [host]: nowMs }));
  }
  return others.length > 0;
}

/**
 * The store a replica's Docker watcher uses: its own bookkeeping (meta keys `docker_…`: the stream position, the
 * containers' states, what channels were told about Docker being down) is kept per replica, since each process
 * watches its own DOCKER_HOST. Everything else is the shared store.
 */
export function perReplicaDockerState(store: Store, replica: string): Store {
  const scoped = (key: string) => (key.startsWith('docker_') ? `${key}@${replica}` : key);
  return { ...store, getMeta: (key) => store.getMeta(scoped(key)), setMeta: (key, value) => store.setMeta(scoped(key), value) };
}
