import type { DiscordEmbed, DiscordMessage } from '../src/types.js';

/** Discord's documented limits: https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export const LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  authorName: 256,
  total: 6000,
} as const;

/** Cuts `text` to `max` characters, ending with an ellipsis when it was cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // Avoid splitting a surrogate pair: an unpaired half is invalid UTF-16 and Discord rejects it.
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

function isHttpUrl(u: string | undefined): u is string {
  if (!u || u.length > 2048) return false;
  try {
    const parsed = new URL(u);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Characters Discord counts towards the 6000 total of one embed. */
export function embedLength(e: DiscordEmbed): number {
  return (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0)
    + (e.author?.name.length ?? 0)
    + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
}

function fitEmbed(e: DiscordEmbed): DiscordEmbed {
  const out: DiscordEmbed = { ...e };
  if (out.title !== undefined) out.title = truncate(out.title, LIMITS.title) || undefined;
  if (out.description !== undefined) out.description = truncate(out.description, LIMITS.description) || undefined;
  if (!isHttpUrl(out.url)) delete out.url;
  if (out.author) {
    out.author = { ...out.author, name: truncate(out.author.name || 'unknown', LIMITS.authorName) };
    if (!isHttpUrl(out.author.url)) delete out.author.url;
    if (!isHttpUrl(out.author.icon_url)) delete out.author.icon_url;
  }
  if (out.footer) out.footer = { text: truncate(out.footer.text || '—', LIMITS.footer) };
  if (out.fields) {
    out.fields = out.fields.slice(0, LIMITS.fields).map((f) => ({
      name: truncate(f.name.trim() || '—', LIMITS.fieldName),
      value: truncate(f.value.trim() || '—', LIMITS.fieldValue),
      ...(f.inline !== undefined ? { inline: f.inline } : {}),
    }));
    if (out.fields.length === 0) delete out.fields;
  }
  if (!out.title && !out.description && !out.fields) out.description = '(no details)';
  return out;
}

/** Shrinks an embed until it fits `budget` characters: fields go first (from the end), then the description. */
function shrinkEmbed(e: DiscordEmbed, budget: number): DiscordEmbed {
  const out = { ...e, fields: e.fields ? [...e.fields] : undefined };
  while (embedLength(out) > budget && out.fields && out.fields.length > 0) out.fields.pop();
  if (out.fields?.length === 0) delete out.fields;
  if (embedLength(out) > budget && out.description) {
    const rest = embedLength(out) - out.description.length;
    out.description = truncate(out.description, Math.max(1, budget - rest)) || undefined;
  }
  if (embedLength(out) > budget && out.footer) delete out.footer;
  if (embedLength(out) > budget && out.title) out.title = truncate(out.title, Math.max(1, budget - embedLength({ ...out, title: '' })));
  return out;
}

/**
 * Makes a message acceptable to Discord: every length limit, at most 10 embeds, 6000 characters over all
 * embeds, valid URLs only, never empty.
 */
export function fitToDiscordLimits(msg: DiscordMessage): DiscordMessage {
  const out: DiscordMessage = { ...msg };
  if (out.content !== undefined) {
    out.content = truncate(out.content, LIMITS.content);
    if (!out.content.trim()) delete out.content;
  }
  let embeds = (out.embeds ?? []).slice(0, LIMITS.embeds).map(fitEmbed);
  let used = 0;
  embeds = embeds.flatMap((e) => {
    const budget = LIMITS.total - used;
    if (embedLength(e) > budget && budget < 64) return []; // no room left for a readable embed
    const fitted = embedLength(e) > budget ? shrinkEmbed(e, budget) : e;
    used += embedLength(fitted);
    return [fitted];
  });
  if (embeds.length) out.embeds = embeds;
  else delete out.embeds;
  if (!out.content && !out.embeds) out.content = '(empty event)';
  return out;
}
