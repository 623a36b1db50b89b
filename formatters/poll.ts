import type { PollItemEvent } from '../src/types.js';

type Field = { name: string; value: string; inline?: boolean };

/** Discord's relative time markup for an ISO time (`<t:1700000000:R>`), or the text as it came. */
const when = (iso: string) => {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? `<t:${Math.floor(ms / 1000)}:f>` : iso;
};

/** The embed fields of a polled item: its feed (linked to the site) and when it was published. */
export function pollItemFields(e: PollItemEvent): Field[] {
  const x = e.fields;
  const out: Field[] = [];
  const feed = x.feed ?? /^https?:\/\/([^/?#]+)/.exec(x.feed_url)?.[1] ?? x.feed_url;
  out.push({ name: 'Feed', value: feed.slice(0, 200), inline: true });
  if (x.published) out.push({ name: 'Published', value: when(x.published), inline: true });
  return out;
}
