import type { DiscordEmbed, DiscordMessage, NormalizedEvent } from '../src/types.js';
import { STATUS_COLOR } from './colors.js';
import { fieldsFor } from './fields.js';
import { eventLine, templateLine } from './line.js';
import { fitToDiscordLimits } from './limits.js';
import { renderTemplate, templateView } from './template.js';

/** The default embed for an event: title, link, summary, kind-specific fields, coloured by outcome. */
export function buildEmbed(event: NormalizedEvent): DiscordEmbed {
  return {
    title: event.title,
    url: event.url,
    description: event.summary,
    color: STATUS_COLOR[event.status],
    author: event.actor ? { name: event.actor.name, url: event.actor.url, icon_url: event.actor.avatarUrl } : undefined,
    fields: fieldsFor(event),
    footer: { text: footerText(event) },
    timestamp: validIso(event.occurredAt),
  };
}

/**
 * `github · pull_request.opened`: the source, the event and its action. A Docker event names Docker's own action
 * once (`docker · start`, `docker · die`, `docker · health_status: unhealthy`, `docker · tag`): its category
 * (`event`) only groups actions for `--events`.
 */
function footerText(event: NormalizedEvent): string {
  if (!event.action || event.action === event.event) return `${event.source} · ${event.event}`;
  return event.source === 'docker' ? `docker · ${event.action}` : `${event.source} · ${event.event}.${event.action}`;
}

function validIso(t: string): string | undefined {
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** A rendered event: the Discord message, and its one-line form for when a backlog is condensed. */
export interface RenderedEvent {
  body: DiscordMessage;
  /**
   * What the event says in one line of a packed backlog (formatters/line.ts): its essential text, payload text
   * made inert, linked to its page; or the first line of the template's text.
   */
  line: string;
}

/**
 * Renders an event once (with the hook's template, if any) into its Discord message, within Discord's limits,
 * and its one-line form. A template renders to the message text; when it renders to nothing the default embed
 * is used instead. Mentions are never allowed here: only alert-if alerts may mention.
 */
export function renderEvent(event: NormalizedEvent, template?: string | null, payload?: unknown): RenderedEvent {
  const noMentions = { parse: [] as string[] };
  const view = template ? templateView(event, payload) : undefined;
  const text = template && view ? renderTemplate(template, view).trim() : '';
  if (template && view && text) {
    return { body: fitToDiscordLimits({ content: text, allowed_mentions: noMentions }), line: templateLine(template, view) || eventLine(event) };
  }
  const embed = buildEmbed(event);
  for (const key of Object.keys(embed) as (keyof DiscordEmbed)[]) if (embed[key] === undefined) delete embed[key];
  return { body: fitToDiscordLimits({ embeds: [embed], allowed_mentions: noMentions }), line: eventLine(event) };
}

/** The Discord message of an event (see renderEvent). */
export function formatEvent(event: NormalizedEvent, template?: string | null, payload?: unknown): DiscordMessage {
  return renderEvent(event, template, payload).body;
}
