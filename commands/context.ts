import { enableChannelHook, type HookProblem, type Origin } from '../src/hooks/manage.js';
import type { HookPatch } from '../src/hooks/schema.js';
import type { Clock } from '../src/ports.js';
import type { Hook, Store } from '../src/store/store.js';
import type { DiscordMessage } from '../src/types.js';
import type { UrlPolicy } from '../src/forward/url-policy.js';
import type { Poller } from '../src/poll/poller.js';
import type { RouteChannelCheck } from '../src/hooks/route-settings.js';

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
  /** Looks at a source to poll before a hook is set up for it, and takes that look as its baseline (src/poll/). */
  poll?: Pick<Poller, 'probe' | 'adopt'>;
  /** Whether the bot may post in a route's channel (asks Discord); routes are set unchecked without it. */
  routeChannel?: RouteChannelCheck;
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

/** Who a chat or slash command acts for, as the hook-management functions take it. */
export const chatOrigin = (ctx: CommandContext): Origin & { channelId: string } => ({
  source: 'chat', guildId: ctx.guildId, channelId: ctx.channelId, userId: ctx.userId,
});

/**
 * The answer when hook management refused a change: a file hook names its file; invalid settings say what is wrong
 * (with the command's usage line when given).
 */
export function refusal(problem: HookProblem, usageLine?: string): CommandResult {
  if (problem.kind === 'file_hook') return text(`🔒 ${problem.message}.`);
  if (problem.kind === 'invalid' && usageLine) return text(`⚠️ ${problem.message}\nUsage: \`${usageLine}\``);
  return text(`⚠️ ${problem.message}. Nothing changed.`);
}

/**
 * The channel's hook of a service, turned on: the existing one (same id, URL and secret) changed by
 * `settings(existing)`, or a new one with `settings()`. `existing` is the hook as it was.
 */
export function enableServiceHook(ctx: CommandContext, service: Hook['service'], settings: (existing?: Hook) => HookPatch) {
  return enableChannelHook(ctx, chatOrigin(ctx), service, settings);
}
