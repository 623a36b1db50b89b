import { DiscordAPIError, Routes, type REST } from 'discord.js';

export type ChannelGuild =
  | { ok: true; guildId: string }
  | { ok: false; reason: 'unknown' | 'not_in_guild' | 'unreachable'; message: string };

/** Which server a channel is in, from Discord (`GET /channels/{id}` → `guild_id`), through the REST client that posts. */
export async function channelGuild(rest: REST, channelId: string): Promise<ChannelGuild> {
  try {
    const channel = await rest.get(Routes.channel(channelId)) as { guild_id?: string };
    if (!channel.guild_id) return { ok: false, reason: 'not_in_guild', message: `channel ${channelId} is not in a server: use a text channel of a server` };
    return { ok: true, guildId: channel.guild_id };
  } catch (err) {
    if (err instanceof DiscordAPIError && (err.status === 404 || err.status === 403)) {
      return {
        ok: false, reason: 'unknown',
        message: `the bot cannot see channel ${channelId} (Discord answered ${err.status}): check the id, and that the bot is in that server and may view the channel`,
      };
    }
    return { ok: false, reason: 'unreachable', message: `could not ask Discord which server channel ${channelId} is in (${(err as Error).message}): retry, or give guild_id` };
  }
}
