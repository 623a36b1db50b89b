import type { DiscordEmbed, DiscordMessage } from '../src/types.js';
import { embedLength, LIMITS } from './limits.js';
import { packableLine } from './line.js';

/** A queued message and its one-line form. */
export interface Packable {
  body: DiscordMessage;
  line: string;
}

/**
 * Combines the oldest queued messages of a channel into one message, order kept.
 * A backlog that fits is sent as is (up to 10 embeds / 6000 characters, or 2000 characters of text);
 * a larger one is condensed to one line per event (formatters/line.ts) so that every event stays visible while
 * Discord allows only about 5 messages per 5 s per channel. Mentions are never allowed in a packed message.
 * @returns the message and how many of `items` (from the start) it covers (at least 1)
 */
export function packMessages(items: Packable[]): { body: DiscordMessage; count: number } {
  if (items.length === 0) throw new Error('nothing to pack');
  if (items.length === 1) return { body: items[0].body, count: 1 };
  const full = packFull(items);
  if (full.count === items.length) return full;
  // Lines keep their links when the whole backlog fits in one message; a longer backlog (a burst) goes out with
  // the lines' text only, so that as many events as possible share a message (Discord allows ~5 per 5 s).
  const linked = packLines(items, false);
  const compact = linked.count === items.length ? linked : packLines(items, true);
  return compact.count > full.count ? compact : full;
}

function isEmbedOnly(m: DiscordMessage): boolean {
  return !m.content && (m.embeds?.length ?? 0) > 0;
}

/** As many messages as fit, unchanged, in one: all embed-only, or all text-only. */
function packFull(items: Packable[]): { body: DiscordMessage; count: number } {
  const first = items[0].body;
  if (isEmbedOnly(first)) {
    const embeds: DiscordEmbed[] = [];
    let chars = 0;
    let count = 0;
    for (const { body } of items) {
      if (!isEmbedOnly(body)) break;
      const more = body.embeds!;
      const len = more.reduce((n, e) => n + embedLength(e), 0);
      if (embeds.length + more.length > LIMITS.embeds || chars + len > LIMITS.total) break;
      embeds.push(...more);
      chars += len;
      count++;
    }
    return count <= 1 ? { body: first, count: 1 } : { body: { embeds, allowed_mentions: { parse: [] } }, count };
  }
  if (first.content && !first.embeds?.length) {
    let content = first.content;
    let count = 1;
    for (const { body } of items.slice(1)) {
      if (!body.content || body.embeds?.length) break;
      const next = `${content}\n${body.content}`;
      if (next.length > LIMITS.content) break;
      content = next;
      count++;
    }
    return { body: { content, allowed_mentions: { parse: [] } }, count };
  }
  return { body: first, count: 1 };
}

/** One line per event (without its link when `plain`), in embeds of up to 4096 characters, 6000 in all. */
function packLines(items: Packable[], plain: boolean): { body: DiscordMessage; count: number } {
  const titleFor = (n: number) => `📦 ${n} events (sent together while the channel was busy)`;
  const budget = LIMITS.total - titleFor(items.length).length;
  const descriptions: string[] = [''];
  let used = 0;
  let count = 0;
  for (const item of items) {
    const line = packableLine(item.line, plain);
    let current = descriptions[descriptions.length - 1];
    const cost = line.length + (current ? 1 : 0);
    if (used + cost > budget) break;
    if (current.length + cost > LIMITS.description) {
      if (descriptions.length === LIMITS.embeds) break;
      descriptions.push('');
      current = '';
    }
    descriptions[descriptions.length - 1] = current ? `${current}\n${line}` : line;
    used += line.length + (current ? 1 : 0);
    count++;
  }
  if (count === 0) return { body: items[0].body, count: 1 };
  const embeds: DiscordEmbed[] = descriptions.filter(Boolean).map((description, i) => ({
    ...(i === 0 ? { title: titleFor(count) } : {}),
    description,
    color: 0x6e7781,
  }));
  return { body: { embeds, allowed_mentions: { parse: [] } }, count };
}
