import type { Notifier } from '../../src/ports.js';
import type { DiscordMessage } from '../../src/types.js';

/** A Notifier that records every call instead of talking to Discord: the pipeline's port, for unit tests. */
export interface RecordingNotifier extends Notifier {
  /** The bodies of the channel posts, in order (a live array); post n got the message id `String(n)`. */
  readonly posted: DiscordMessage[];
  /** Where and under which nonce each post went, in the order of `posted`. */
  readonly posts: { channelId: string; nonce: string; messageId: string }[];
  readonly edits: { channelId: string; messageId: string; body: DiscordMessage }[];
  readonly dms: { userId: string; body: DiscordMessage }[];
  /** What each post shows first: its content, else its first embed's title. */
  texts(): string[];
  /** Forgets every recorded call (message ids start again at 1). */
  clear(): void;
}

export function recordingNotifier(): RecordingNotifier {
  const posted: DiscordMessage[] = [];
  const posts: RecordingNotifier['posts'] = [];
  const edits: RecordingNotifier['edits'] = [];
  const dms: RecordingNotifier['dms'] = [];
  return {
    posted, posts, edits, dms,
    async post(channelId, body, nonce) {
      posted.push(body);
      const messageId = String(posted.length);
      posts.push({ channelId, nonce, messageId });
      return { messageId };
    },
    async edit(channelId, messageId, body) {
      edits.push({ channelId, messageId, body });
    },
    async dm(userId, body) {
      dms.push({ userId, body });
    },
    texts: () => posted.map((b) => String(b.content ?? b.embeds?.[0]?.title)),
    clear() {
      for (const list of [posted, posts, edits, dms]) list.length = 0;
    },
  };
}
