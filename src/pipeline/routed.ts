import { renderEvent } from '../../formatters/format-event.js';
import { describeMatch, routeEvent, withMentions, type Destination } from '../rules/routes.js';
import type { EventResult, Hook, NewOutboxRow } from '../store/store.js';
import type { DiscordMessage, NormalizedEvent } from '../types.js';

/**
 * A kept event's messages, one outbox row per destination channel (src/rules/routes.ts): each rendered with its
 * route's template, else the hook's template for the event, else the default layout (a CI run's own body when there
 * is no template). The outbox posts per channel, so order, pacing, packing and exactly-once hold per destination.
 * A route's mentions go first in its message, and such a message has no packed `line`: it is never packed with others.
 */
export type Routed =
  | { ok: true; rows: NewOutboxRow[]; destinations: Destination[]; outcome: string }
  | { ok: false; reason: string };

export function routedMessages(hook: Hook, event: NormalizedEvent, payload: unknown, ciBody?: DiscordMessage): Routed {
  const destinations = routeEvent(hook, event, payload);
  if (!destinations.length) return { ok: false, reason: `no route matched and this hook drops unrouted events (${hook.routes.length} route${hook.routes.length === 1 ? '' : 's'})` };
  const hookTemplate = hook.templates?.[event.event] ?? hook.templates?.['*'];
  const rows = destinations.map((d): NewOutboxRow => {
    const template = d.template ?? hookTemplate;
    const { body, line } = renderEvent(event, template, payload);
    const message = ciBody && !template ? ciBody : body;
    if (d.mentions?.length) return { channelId: d.channelId, hookId: hook.id, body: { ...withMentions(message, d.mentions) } };
    return { channelId: d.channelId, hookId: hook.id, body: { ...message }, line };
  });
  if (!hook.routes?.length) return { ok: true, rows, destinations, outcome: 'posted' };
  const via = destinations.map((d) => (d.routeIndex === null ? `unrouted → <#${d.channelId}>` : `route ${d.routeIndex + 1} (${describeMatch(hook.routes[d.routeIndex].match)}) → <#${d.channelId}>`));
  return { ok: true, rows, destinations, outcome: `posted via ${via.join(', ')}` };
}

/**
 * Runs `step` (the thread routing) on the messages to the hook's own channel only: messages a route sent to other
 * channels are posted there as they are.
 */
export async function ownChannelOnly(hook: Hook, result: EventResult, step: (r: EventResult) => Promise<EventResult>): Promise<EventResult> {
  const elsewhere = result.messages.filter((m) => m.channelId !== hook.channelId);
  if (!elsewhere.length) return step(result);
  const own = await step({ ...result, messages: result.messages.filter((m) => m.channelId === hook.channelId) });
  return { ...own, messages: [...own.messages, ...elsewhere] };
}
