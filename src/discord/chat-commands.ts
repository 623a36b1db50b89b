import { PermissionFlagsBits, Routes, type Client, type Message } from 'discord.js';
import type { Logger } from 'pino';
import type { CommandContext, CommandResult } from '../../commands/index.js';
import { runChatCommand } from '../../commands/index.js';
import type { Notifier } from '../ports.js';
import type { DiscordMessage } from '../types.js';
import { canManageWebhooks, computePermissions, type PermissionInputs } from './permissions.js';
import { toDeliveryError } from './notifier.js';
import { fitToDiscordLimits } from '../../formatters/limits.js';
import { NOTICE } from '../../formatters/notices.js';

export type ContextFactory = (base: Pick<CommandContext, 'guildId' | 'channelId' | 'userId' | 'canManage'>) => CommandContext;

/** Manage Webhooks in this channel: from the gateway caches, else from the REST objects. */
async function memberCanManage(client: Client, message: Message<true>): Promise<boolean> {
  const channel = message.channel;
  if (message.member && 'permissionsFor' in channel) {
    const perms = channel.permissionsFor(message.member);
    if (perms) return perms.has(PermissionFlagsBits.ManageWebhooks);
  }
  const [guild, member, ch] = await Promise.all([
    client.rest.get(Routes.guild(message.guildId)),
    client.rest.get(Routes.guildMember(message.guildId, message.author.id)),
    client.rest.get(Routes.channel(message.channelId)),
  ]);
  return canManageWebhooks(computePermissions({
    guild: guild as PermissionInputs['guild'], member: member as PermissionInputs['member'],
    channel: ch as PermissionInputs['channel'], userId: message.author.id,
  }));
}

/**
 * Sends a command's result: the secret by DM first (so the channel reply can say when the DM failed),
 * then the reply in the channel. The secret itself never goes to the channel.
 */
async function deliverResult(
  result: CommandResult, target: { channelId: string; userId: string; replyTo?: string },
  deps: { client: Client; notifier: Notifier; log: Logger },
): Promise<void> {
  const reply: DiscordMessage = { ...result.reply };
  const fit = fitToDiscordLimits;
  if (result.secret) {
    try {
      await deps.notifier.dm(target.userId, fit(result.secret));
    } catch (err) {
      const e = toDeliveryError(err);
      deps.log.info({ userId: target.userId, code: e.code, status: e.status }, 'could not DM a secret');
      const note = result.secretUndelivered ?? '⚠️ I could not DM you the secret.';
      reply.content = reply.content ? `${reply.content}\n\n${note}` : note;
    }
  }
  await deps.client.rest.post(Routes.channelMessages(target.channelId), {
    body: {
      ...fit(reply),
      ...(target.replyTo ? { message_reference: { message_id: target.replyTo, fail_if_not_exists: false } } : {}),
    },
  });
}

/** Listens for `!hook …` in guild channels. Never reacts to bots (itself included) or webhooks. */
export function attachChatCommands(client: Client, deps: {
  prefix: string; makeContext: ContextFactory; notifier: Notifier; log: Logger;
}): void {
  const { prefix, log } = deps;
  client.on('messageCreate', async (message) => {
    if (message.author.bot || message.webhookId || message.system) return;
    const content = message.content ?? '';
    if (!content.trim().toLowerCase().startsWith(prefix.toLowerCase())) return;
    try {
      if (!message.inGuild()) {
        await client.rest.post(Routes.channelMessages(message.channelId), {
          body: { content: NOTICE.noGuild },
        });
        return;
      }
      let canManage = false;
      try {
        canManage = await memberCanManage(client, message);
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'could not read member permissions; treating as not allowed');
      }
      const ctx = deps.makeContext({
        guildId: message.guildId, channelId: message.channelId, userId: message.author.id, canManage,
      });
      const result = await runChatCommand(content, ctx);
      if (!result) return;
      // A line that carries a secret must not stay in the channel, whatever happened to the command.
      const holdsSecret = result.deleteInvocation || /^\S+\s+\S+\s+secret\s/i.test(content.trim());
      if (holdsSecret) {
        try {
          await client.rest.delete(Routes.channelMessage(message.channelId, message.id));
        } catch {
          result.reply = {
            ...result.reply,
            content: `${result.reply.content ?? ''}\n\n${NOTICE.secretNotDeleted}`,
          };
        }
      }
      await deliverResult(result, { channelId: message.channelId, userId: message.author.id, replyTo: holdsSecret ? undefined : message.id },
        { client, notifier: deps.notifier, log });
    } catch (err) {
      log.error({ err: (err as Error).message, channelId: message.channelId }, 'command failed');
    }
  });
}
