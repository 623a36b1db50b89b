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

/**
 * Turns a normalized event (and the hook's template, if any) into a Discord message within Discord's limits.
 * A template renders to the message text; when it renders to nothing the default embed is used instead.
 * Mentions are never allowed here: only alert-if alerts may mention.
 */
export function formatEvent(event: NormalizedEvent, template?: string | null, payload?: unknown): DiscordMessage {
  const noMentions = { parse: [] as string[] };
  if (template) {
    const text = renderTemplate(template, templateView(event, payload)).trim();
    if (text) return fitToDiscordLimits({ content: text, allowed_mentions: noMentions });
  }
  const embed = buildEmbed(event);
  for (const key of Object.keys(embed) as (keyof DiscordEmbed)[]) if (embed[key] === undefined) delete embed[key];
  return fitToDiscordLimits({ embeds: [embed], allowed_mentions: noMentions });
}

/** The one-line form of an event, used when a backlog is condensed: `[title](url)` or the template's first line. */
export function formatLine(event: NormalizedEvent, template?: string | null, payload?: unknown): string {
  if (template) {
    const text = renderTemplate(template, templateView(event, payload)).trim().split('\n', 1)[0];
    if (text) return truncate(text, 200);
  }
  const title = truncate(event.title.replace(/[[\]]/g, (c) => `\\${c}`), 150);
  return event.url && /^https?:\/\//.test(event.url) ? `[${title}](${event.url})` : `**${title}**`;
}
