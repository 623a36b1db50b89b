import type { DiscordEmbed, DiscordMessage, NormalizedEvent } from '../src/types.js';
import { STATUS_COLOR } from './colors.js';
import { fieldsFor } from './fields.js';
import { fitToDiscordLimits, truncate } from './limits.js';
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
    footer: { text: event.action ? `${event.source} · ${event.event}.${event.action}` : `${event.source} · ${event.event}` },
    timestamp: validIso(event.occurredAt),
  };
}

function validIso(t: string): string | undefined {
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** A rendered event: the Discord message, and its one-line form for when a backlog is condensed. */
export interface RenderedEvent {
  body: DiscordMessage;
  /** `[title](url)`, or the first line of the template's text. */
  line: string;
}

/**
 * Renders an event once (with the hook's template, if any) into its Discord message, within Discord's limits,
 * and its one-line form. A template renders to the message text; when it renders to nothing the default embed
 * is used instead. Mentions are never allowed here: only alert-if alerts may mention.
 */
export function renderEvent(event: NormalizedEvent, template?: string | null, payload?: unknown): RenderedEvent {
  const noMentions = { parse: [] as string[] };
  const text = template ? renderTemplate(template, templateView(event, payload)).trim() : '';
  if (text) {
    return { body: fitToDiscordLimits({ content: text, allowed_mentions: noMentions }), line: truncate(text.split('\n', 1)[0], 200) };
  }
  const embed = buildEmbed(event);
  for (const key of Object.keys(embed) as (keyof DiscordEmbed)[]) if (embed[key] === undefined) delete embed[key];
  const title = truncate(event.title.replace(/[[\]]/g, (c) => `\\${c}`), 150);
  const line = event.url && /^https?:\/\//.test(event.url) ? `[${title}](${event.url})` : `**${title}**`;
  return { body: fitToDiscordLimits({ embeds: [embed], allowed_mentions: noMentions }), line };
}

/** The Discord message of an event (see renderEvent). */
export function formatEvent(event: NormalizedEvent, template?: string | null, payload?: unknown): DiscordMessage {
  return renderEvent(event, template, payload).body;
}
