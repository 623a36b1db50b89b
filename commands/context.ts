import type { Clock } from '../src/ports.js';
import type { Hook, NewHook, Store } from '../src/store/store.js';
import type { DiscordMessage } from '../src/types.js';
import type { UrlPolicy } from '../src/forward/url-policy.js';

/** What a command may use. Both front ends (`!hook` and `/hook`) build one of these. */
export interface CommandContext {
  guildId: string;
  channelId: string;
  userId: string;
  /** Manage Webhooks or Administrator in this channel. */
  canManage: boolean;
  prefix: string;
  publicUrl: () => string;
  store: Store;
  clock: Clock;
  /** Tells the pipeline new events are stored. */
  kick: () => void;
  newSecret: () => string;
  dockerStatus: () => string;
  /** Which forward URLs are allowed (SSRF guard). */
  forwardPolicy?: UrlPolicy;
}

/**
 * A command's answer: `reply` is for the channel; `secret` only for the invoker (DM, or an ephemeral reply);
 * `secretUndelivered` is added to the channel reply when the DM could not be sent.
 */
export interface CommandResult {
  reply: DiscordMessage;
  secret?: DiscordMessage;
  secretUndelivered?: string;
  /** The invoking message held a secret: delete it (chat), or answer ephemerally (slash). */
  deleteInvocation?: boolean;
}

export const text = (content: string): CommandResult => ({ reply: { content, allowed_mentions: { parse: [] } } });

/**
 * The channel's hook of a service, turned on: the existing one (same id, URL and secret) updated with
 * `settings(existing)`, or a new one created from `create` and `settings()`. `existing` is the hook as it was.
 */
export async function enableServiceHook(
  ctx: CommandContext, service: NewHook['service'], settings: (existing?: Hook) => Partial<NewHook>,
  create: Pick<NewHook, 'secret' | 'verify' | 'events' | 'filters'> & Partial<NewHook>,
): Promise<{ hook: Hook; existing?: Hook }> {
  const existing = await ctx.store.findHook(ctx.channelId, service);
  if (existing) return { hook: (await ctx.store.updateHook(existing.id, { ...settings(existing), enabled: true }))!, existing };
  const hook = await ctx.store.createHook({
    guildId: ctx.guildId, channelId: ctx.channelId, userId: ctx.userId, service, templates: {}, enabled: true,
    createdAt: new Date(ctx.clock.now()).toISOString(), ...create, ...settings(),
  });
  return { hook };
}
