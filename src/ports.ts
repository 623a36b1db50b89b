import type { DiscordMessage } from './types.js';

export interface PostResult {
  messageId: string;
  /** The channel route's bucket after this post, from Discord's `X-RateLimit-*` headers. */
  rateLimit?: { remaining: number; resetAfterMs: number };
}

/** Posts to Discord. Throws DeliveryError. */
export interface Notifier {
  /** Posts `body` to a channel; `nonce` makes a retried post return the first message instead of a duplicate. */
  post(channelId: string, body: DiscordMessage, nonce: string): Promise<PostResult>;
  /** Replaces a posted message's content and embeds (no notification). */
  edit(channelId: string, messageId: string, body: DiscordMessage): Promise<void>;
  /** Sends a direct message to a user. */
  dm(userId: string, body: DiscordMessage): Promise<void>;
  /** Thread operations (src/threads/); a notifier without them posts every event in its channel. */
  threads?: ThreadApi;
}

/** What hookbot needs to know of a channel, a forum or a thread (`GET /channels/{id}`). */
export interface ChannelInfo {
  id: string;
  /** Discord's channel type: 0 text, 5 announcement, 11 public thread, 15 forum. */
  type: number;
  guildId: string | null;
  parentId: string | null;
  /** Threads only. */
  archived: boolean;
  /** Forums: the tags a post may carry. */
  availableTags: { id: string; name: string }[];
  /** Forum posts: the tags it carries. */
  appliedTags: string[];
}

/** Discord's thread routes. Each throws DeliveryError (with Discord's code) when refused. */
export interface ThreadApi {
  channel(id: string): Promise<ChannelInfo>;
  /** Starts a public thread on a message; its id is the message's. "Thread already created for this message" (160004) counts as done. */
  startThread(channelId: string, messageId: string, name: string): Promise<string>;
  /** A forum post: a thread with its first message; returns the thread's id (also its first message's). */
  createForumPost(forumId: string, name: string, body: DiscordMessage, tagIds: string[]): Promise<string>;
  /** The guild's active threads (to find a forum post a timed-out request may have created). */
  activeThreads(guildId: string): Promise<{ id: string; parentId: string | null; name: string }[]>;
  /** Unarchives a thread and/or replaces its tags. */
  updateThread(threadId: string, patch: { archived?: boolean; appliedTags?: string[] }): Promise<void>;
}

export interface Clock {
  /** Wall-clock time in ms since the epoch (stored timestamps, due times). */
  now(): number;
  /** Monotonic ms for short intervals (debounces); a clock without one is measured with `now()`. */
  monotonic?(): number;
}

export const systemClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };
