import type { EventEmitter } from 'node:events';
import { MessageFlags, RESTJSONErrorCodes, Routes, type ButtonInteraction, type Client, type Interaction } from 'discord.js';
import type { Logger } from 'pino';
import type { Store, ThreadRow } from '../store/store.js';
import { FOLLOW_ID, MUTE_ID } from '../threads/messages.js';

// Read by shape: discord.js's REST errors may come from either build of @discordjs/rest (see notifier.ts).
const codeOf = (err: unknown) => (err as { code?: unknown } | undefined)?.code;
const statusOf = (err: unknown) => (err as { status?: unknown } | undefined)?.status;
const bold = (s: string) => `**${s.replace(/[*_`~|\\]/g, '\\$&')}**`;

/** Adds or removes the member, unarchiving the thread first when Discord says it is archived. */
async function setMember(client: Client, store: Store, t: ThreadRow, threadId: string, userId: string, follow: boolean): Promise<void> {
  const route = Routes.threadMembers(threadId, userId);
  const call = () => (follow ? client.rest.put(route) : client.rest.delete(route));
  try {
    await call();
  } catch (err) {
    if (codeOf(err) !== RESTJSONErrorCodes.InvalidActionOnArchivedThread) throw err;
    await client.rest.patch(Routes.channel(threadId), { body: { archived: false } });
    await store.updateThread(t.hookId, t.subjectKey, { archived: false });
    await call();
  }
}

/** What the member is told (only they see it). */
async function answerFor(client: Client, store: Store, i: ButtonInteraction): Promise<string> {
  const follow = i.customId === FOLLOW_ID;
  // The buttons sit on the thread's starter message, and a thread started from a message has the message's id
  // (a forum post's first message has the post's): https://discord.com/developers/docs/topics/threads
  const threadId = i.message.id;
  const t = await store.findThreadById(threadId);
  if (!t) {
    return '🧵 This message has no thread (any more): it was deleted or not created — newer events of this subject open a new one.';
  }
  try {
    await setMember(client, store, t, threadId, i.user.id, follow);
  } catch (err) {
    // Removing someone who is not a member is what Mute wanted anyway.
    if (!follow && (statusOf(err) === 404 || codeOf(err) === RESTJSONErrorCodes.UnknownMember)) return `🔕 You do not follow ${bold(t.name)}.`;
    if (codeOf(err) === RESTJSONErrorCodes.MissingPermissions) {
      return follow
        ? `⚠️ I may not add you to <#${threadId}>: I need **Send Messages in Threads** here. You can open the thread and join it yourself.`
        : `⚠️ I may not remove you from <#${threadId}>: that needs **Manage Threads**. You can leave it yourself from the thread's menu (Leave Thread).`;
    }
    if (codeOf(err) === RESTJSONErrorCodes.UnknownChannel) {
      await store.updateThread(t.hookId, t.subjectKey, { threadId: null, starterMessageId: null, archived: false });
      return '🧵 That thread was deleted; the next event of this subject opens a new one.';
    }
    throw err;
  }
  return follow
    ? `🔔 You follow ${bold(t.name)}: its events in <#${threadId}> notify you. **Mute** stops that.`
    : `🔕 You no longer follow ${bold(t.name)}. **Follow** brings you back.`;
}

/** Keeps the stored threads current from the gateway: archived or unarchived, deleted (then recreated on the next event). */
async function syncThread(store: Store, packet: { t?: string | null; d?: Record<string, any> }): Promise<void> {
  if ((packet.t !== 'THREAD_UPDATE' && packet.t !== 'THREAD_DELETE') || typeof packet.d?.id !== 'string') return;
  const t = await store.findThreadById(packet.d.id);
  if (!t) return;
  // A deleted thread is opened again on a new starter message when the next event comes (src/threads/steps.ts).
  if (packet.t === 'THREAD_DELETE') await store.updateThread(t.hookId, t.subjectKey, { threadId: null, starterMessageId: null, archived: false });
  else await store.updateThread(t.hookId, t.subjectKey, { archived: Boolean(packet.d.thread_metadata?.archived) });
}

/**
 * The Follow / Mute buttons on a thread's starter message (src/threads/messages.ts): a click adds the member to the
 * thread or removes them (`PUT`/`DELETE /channels/{thread}/thread-members/{user}`), answered only to them. Also keeps
 * the stored threads' archived state from the gateway's THREAD_UPDATE and THREAD_DELETE.
 */
export function attachThreadButtons(client: Client, deps: { store: Store; log: Logger }): void {
  client.on('interactionCreate', async (i: Interaction) => {
    if (!i.isButton() || (i.customId !== FOLLOW_ID && i.customId !== MUTE_ID)) return;
    try {
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      await i.editReply({ content: await answerFor(client, deps.store, i), allowedMentions: { parse: [] } });
    } catch (err) {
      deps.log.error({ err: (err as Error).message, customId: i.customId }, 'thread button failed');
      if (i.deferred) await i.editReply({ content: '⚠️ That did not work; it is logged. Try again in a moment.' }).catch(() => {});
    }
  });
  // Threads the client never cached still send these: the raw packets are read, not discord.js's cached events.
  (client as unknown as EventEmitter).on('raw', (packet: { t?: string | null; d?: Record<string, any> }) => {
    syncThread(deps.store, packet).catch((err: unknown) => deps.log.warn({ err: (err as Error).message }, 'could not record a thread update'));
  });
}
