import type { REST } from '@discordjs/rest';
import { Routes, RESTJSONErrorCodes } from 'discord-api-types/v10';
import type { ChannelInfo, ThreadApi } from '../ports.js';
import type { DiscordMessage } from '../types.js';

/** A week: the longest a thread may stay quiet before Discord archives it (60, 1440, 4320 or 10080 minutes). */
const AUTO_ARCHIVE_MINUTES = 10080;

type RawChannel = {
  id: string; type: number; guild_id?: string; parent_id?: string | null; thread_metadata?: { archived?: boolean };
  available_tags?: { id: string; name: string }[]; applied_tags?: string[];
};

const info = (c: RawChannel): ChannelInfo => ({
  id: c.id, type: c.type, guildId: c.guild_id ?? null, parentId: c.parent_id ?? null, archived: c.thread_metadata?.archived ?? false,
  availableTags: (c.available_tags ?? []).map((t) => ({ id: t.id, name: t.name })), appliedTags: c.applied_tags ?? [],
});

/**
 * Discord's thread routes through discord.js REST (https://discord.com/developers/docs/resources/channel#start-thread-from-message);
 * failures become `toDeliveryError`'s errors, like the notifier's.
 */
export function createRestThreadApi(rest: REST, toDeliveryError: (err: unknown) => Error & { code?: number }): ThreadApi {
  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw toDeliveryError(err);
    }
  };
  return {
    channel: (id) => run(async () => info(await rest.get(Routes.channel(id)) as RawChannel)),
    startThread: (channelId, messageId, name) => run(async () => {
      try {
        const thread = await rest.post(Routes.threads(channelId, messageId), { body: { name, auto_archive_duration: AUTO_ARCHIVE_MINUTES } }) as RawChannel;
        return thread.id;
      } catch (err) {
        // A retry after a lost answer: the thread exists, and a message's thread has the message's id.
        if (toDeliveryError(err).code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) return messageId;
        throw err;
      }
    }),
    createForumPost: (forumId, name, body: DiscordMessage, tagIds) => run(async () => {
      const { flags: _flags, ...message } = body;
      const thread = await rest.post(Routes.threads(forumId), {
        body: { name, auto_archive_duration: AUTO_ARCHIVE_MINUTES, message, ...(tagIds.length ? { applied_tags: tagIds } : {}) },
      }) as RawChannel;
      return thread.id;
    }),
    activeThreads: (guildId) => run(async () => {
      const r = await rest.get(Routes.guildActiveThreads(guildId)) as { threads: (RawChannel & { name?: string })[] };
      return r.threads.map((t) => ({ id: t.id, parentId: t.parent_id ?? null, name: t.name ?? '' }));
    }),
    updateThread: (threadId, patch) => run(async () => {
      await rest.patch(Routes.channel(threadId), {
        body: { ...(patch.archived !== undefined ? { archived: patch.archived } : {}), ...(patch.appliedTags ? { applied_tags: patch.appliedTags } : {}) },
      });
    }),
  };
}
