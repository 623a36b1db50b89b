import { DiscordAPIError, PermissionFlagsBits, Routes, type REST } from 'discord.js';
import type { RouteChannelCheck } from '../hooks/route-settings.js';
import { computePermissions, type PermissionInputs } from './permissions.js';

/** What the bot needs in a route's channel: see it, post in it, and show embeds. */
const NEEDED: [bigint, string][] = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'], [PermissionFlagsBits.SendMessages, 'Send Messages'], [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
];

const definite = (err: unknown) => err instanceof DiscordAPIError && (err.status === 404 || err.status === 403);

/**
 * Whether the bot may post a hook's routed events in a channel, asked of Discord over REST (the client that posts):
 * the channel exists and the bot sees it (`GET /channels/{id}`), it is in the same server as the hook's channel, and
 * the bot's permissions there (computed from the server's roles and the channel's overwrites) allow posting embeds.
 * `lenient` (the hooks file, applied at start): when Discord cannot be reached the route is kept, not refused.
 */
export function routeChannelCheck(rest: REST, opts: { lenient?: boolean } = {}): RouteChannelCheck {
  let botId: Promise<string> | undefined;
  const me = () => (botId ??= (rest.get(Routes.user()) as Promise<{ id: string }>).then((u) => u.id).catch((err) => { botId = undefined; throw err; }));
  return async (channelId, hookChannelId) => {
    try {
      let channel: PermissionInputs['channel'] & { guild_id?: string };
      try {
        channel = await rest.get(Routes.channel(channelId)) as typeof channel;
      } catch (err) {
        if (definite(err)) return `the bot cannot see channel ${channelId} (Discord answered ${(err as DiscordAPIError).status}): check the id, and that the bot may view that channel`;
        throw err;
      }
      if (!channel.guild_id) return `channel ${channelId} is not a channel of a server`;
      if (hookChannelId !== channelId) {
        const hookChannel = await rest.get(Routes.channel(hookChannelId)).catch((err) => (definite(err) ? undefined : Promise.reject(err))) as { guild_id?: string } | undefined;
        if (hookChannel?.guild_id && hookChannel.guild_id !== channel.guild_id) return `channel ${channelId} is in another server than the hook's channel: route to a channel of the same server`;
      }
      const id = await me();
      const [guild, member] = await Promise.all([
        rest.get(Routes.guild(channel.guild_id)) as Promise<PermissionInputs['guild']>,
        rest.get(Routes.guildMember(channel.guild_id, id)) as Promise<PermissionInputs['member']>,
      ]);
      const perms = computePermissions({ guild, member, channel, userId: id });
      const missing = NEEDED.filter(([bit]) => (perms & bit) === 0n).map(([, name]) => name);
      return missing.length ? `the bot may not post in <#${channelId}> (missing ${missing.join(', ')}): give it those permissions there, or pick another channel` : null;
    } catch (err) {
      if (opts.lenient) return null;
      return `could not ask Discord about channel ${channelId} (${(err as Error).message}): try again`;
    }
  };
}
