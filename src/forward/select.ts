import type { Hook, NewForward } from '../store/store.js';
import type { NormalizedEvent } from '../types.js';

/** Whether a forward hook wants this event: `*`, its kind (`github.push`) or its name (`push`). */
export function wantsForward(hook: Hook, event: NormalizedEvent): boolean {
  const list = hook.forwardEvents ?? ['*'];
  return list.includes('*') || list.includes(event.kind) || list.includes(event.event) || list.includes(`${event.source}-${event.event}`);
}

/** The Standard Webhooks body of a forward: `{type, timestamp, data}`. */
export function forwardBody(eventId: number, hook: Hook, event: NormalizedEvent, payload: unknown): string {
  return JSON.stringify({
    type: event.kind,
    timestamp: event.occurredAt,
    data: {
      id: eventId, hook: hook.id, source: event.source, event: event.event, action: event.action ?? null,
      title: event.title, summary: event.summary ?? null, url: event.url ?? null, repo: event.repo ?? null,
      branch: event.branch ?? null, status: event.status, actor: event.actor?.name ?? null, fields: event.fields, payload,
    },
  });
}

/**
 * The forwards one event makes: one per forward hook of the channel (`targets`) that is on and wants it,
 * each with a message id that stays the same across retries.
 */
export function forwardsFor(targets: Hook[], eventId: number, hook: Hook, event: NormalizedEvent, payload: unknown): NewForward[] {
  const out: NewForward[] = [];
  for (const t of targets) {
    if (!t.url || !t.enabled || t.forwardState === 'disabled' || !wantsForward(t, event)) continue;
    out.push({ hookId: t.id, url: t.url, messageId: `msg_${eventId}_${t.id}`, body: forwardBody(eventId, hook, event, payload) });
  }
  return out;
}
