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
}

export interface Clock {
  /** Wall-clock time in ms since the epoch (stored timestamps, due times). */
  now(): number;
  /** Monotonic ms for short intervals (debounces); a clock without one is measured with `now()`. */
  monotonic?(): number;
}

export const systemClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };
