import type { Clock } from '../ports.js';
import type { Store } from '../store/store.js';
import type { Managed } from './manage.js';

/** Replays of one delivery, at most: a loop that keeps replaying is a mistake worth stopping. */
const MAX_REPLAYS = 1000;

/**
 * Runs a stored delivery through its hook's current rules again, and posts it again: a copy is stored with the
 * delivery id `replay:<event id>:<n>` (so it is a new delivery, not a duplicate) and the pipeline is woken.
 */
export async function replayDelivery(
  deps: { store: Store; clock: Clock; kick: () => void }, eventId: number,
): Promise<Managed<{ eventId: number; deliveryId: string; hookId: string }>> {
  const ev = await deps.store.getEvent(eventId);
  if (!ev) return { ok: false, problem: { kind: 'not_found', message: `there is no stored delivery evt_${eventId} (refused deliveries have no payload to replay)` } };
  const hook = await deps.store.getHook(ev.hookId);
  if (!hook) return { ok: false, problem: { kind: 'not_found', message: `hook ${ev.hookId} of this delivery was deleted` } };
  if (!hook.enabled) return { ok: false, problem: { kind: 'conflict', message: `hook ${hook.id} is off: turn it on (PATCH {"enabled": true}) before replaying` } };
  const receivedAt = new Date(deps.clock.now()).toISOString();
  for (let n = 1; n <= MAX_REPLAYS; n++) {
    const deliveryId = `replay:${ev.id}:${n}`;
    const stored = await deps.store.insertEvent({
      hookId: ev.hookId, deliveryId, eventType: ev.eventType, payload: ev.payload, receivedAt, headers: ev.headers,
    });
    if (stored.duplicate) continue;
    deps.kick();
    return { ok: true, value: { eventId: stored.id, deliveryId, hookId: hook.id } };
  }
  return { ok: false, problem: { kind: 'conflict', message: `evt_${eventId} was replayed ${MAX_REPLAYS} times already` } };
}
