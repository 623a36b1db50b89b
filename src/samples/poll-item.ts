import type { PollItemPayload } from '../../parsers/poll.js';

/** A realistic new feed item, as a poll hook stores it (`!hook test` on a poll hook). */
export function samplePollItem(at: string): PollItemPayload {
  return {
    type: 'item',
    feed: { title: 'Node.js Blog', url: 'https://nodejs.org/en/feed/blog.xml', link: 'https://nodejs.org/en/blog', format: 'rss' },
    entry: {
      id: 'https://nodejs.org/en/blog/release/v22.12.0', title: 'Node.js 22.12.0 (LTS)', link: 'https://nodejs.org/en/blog/release/v22.12.0',
      summary: 'require(esm) is now enabled by default for this release line.', author: 'Antoine du Hamel', published: at,
    },
    item: {
      title: 'Node.js 22.12.0 (LTS)', link: 'https://nodejs.org/en/blog/release/v22.12.0', guid: { value: 'https://nodejs.org/en/blog/release/v22.12.0', isPermaLink: true },
      description: 'require(esm) is now enabled by default for this release line.', pubDate: new Date(at).toUTCString(), authors: [{ name: 'Antoine du Hamel' }],
    },
  };
}
