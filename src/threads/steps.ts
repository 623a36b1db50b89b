import type { Logger } from 'pino';
import { NOTICE } from '../../formatters/notices.js';
import { DeliveryError } from '../lib/errors.js';
import type { ChannelInfo, Clock, Notifier, PostResult } from '../ports.js';
import type { OutboxRow, Store, ThreadPatch, ThreadRow } from '../store/store.js';
import type { DiscordMessage, ThreadStep } from '../types.js';
import { restartedStarter } from './messages.js';

/** Discord's forum channel type. */
export const FORUM = 15;
/** After Discord refused to create a thread (missing permissions), events go to the channel; creating it is tried again after this. */
const FALLBACK_RETRY_MS = 10 * 60_000;
/** Channel types and forum tags are read again after this. */
const CHANNEL_TTL_MS = 10 * 60_000;
/** https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes */
const CODE = { unknownChannel: 10003, unknownMessage: 10008, missingAccess: 50001, missingPermissions: 50013, archived: 50083 } as const;
/** The forum tags hookbot sets, one per state. */
const STATE_TAGS = ['open', 'merged', 'closed'] as const;
/**
 * A deleted thread is forgotten with its starter: the next event posts a new starter and opens a new thread on it
 * (a message keeps the id of the thread it had, so it is not threaded again).
 */
const FORGET: ThreadPatch = { threadId: null, starterMessageId: null, archived: false };
/** Discord's snowflake epoch: a snowflake's top bits are milliseconds since then. */
const DISCORD_EPOCH = 1420070400000;

/** Where a thread row's work went: the message id to record, and the channel it was posted in (pacing is per channel). */
export type StepResult = PostResult & { destination: string };

export interface ThreadSteps {
  /** The channel a row's message will be posted in: the thread's for posts into it, else the row's channel. */
  destinationOf(row: OutboxRow): Promise<string>;
  /** Carries out a row of a thread's queue (starter, open, post, channel): posts, creates, unarchives, recreates. */
  send(row: OutboxRow, body: DiscordMessage, nonce: string): Promise<StepResult>;
  /** The channel an edit of `target` goes to: a forum post's starter is inside the post. */
  editChannel(row: OutboxRow, target: OutboxRow): Promise<string>;
}

export interface ThreadStepDeps {
  store: Store;
  notifier: Notifier;
  clock: Clock;
  log: Logger;
  prefix: string;
}

const codeOf = (err: unknown) => (err instanceof DeliveryError ? err.code : undefined);
const gone = (err: unknown) => err instanceof DeliveryError && (err.code === CODE.unknownChannel || err.status === 404);
const refused = (err: unknown) => codeOf(err) === CODE.missingPermissions || codeOf(err) === CODE.missingAccess;

/**
 * The outbox's side of threads (src/outbox.ts calls these for rows with a `thread` step). Every Discord call can be
 * repeated safely: posts carry the row's nonce, a thread created by an attempt whose answer was lost is found again
 * (`GET /channels/{message id}`, or Discord's 160004), a forum post by its name among the active threads; and each
 * Discord answer is saved on the subject's thread record before the next call, so a retry starts where it stopped.
 */
export function createThreadSteps(deps: ThreadStepDeps): ThreadSteps {
  const { store, notifier, clock, log } = deps;
  const api = notifier.threads;
  const channels = new Map<string, { info: ChannelInfo | null; at: number }>();

  /** The channel's type and tags (cached); null when Discord will not say (the post that follows says why). */
  async function channelInfo(id: string): Promise<ChannelInfo | null> {
    const hit = channels.get(id);
    if (hit && clock.now() - hit.at < CHANNEL_TTL_MS) return hit.info;
    let info: ChannelInfo | null = null;
    try {
      info = api ? await api.channel(id) : null;
    } catch (err) {
      if (err instanceof DeliveryError && err.retryable) throw err;
    }
    channels.set(id, { info, at: clock.now() });
    return info;
  }

  const save = async (t: ThreadRow, patch: ThreadPatch) => {
    Object.assign(t, patch);
    await store.updateThread(t.hookId, t.subjectKey, patch);
  };
  const plain = async (channelId: string, body: DiscordMessage, nonce: string): Promise<StepResult> =>
    ({ ...(await notifier.post(channelId, body, nonce)), destination: channelId });
  const toldKey = (channelId: string) => `threads:told:${channelId}`;

  /** Discord refused the thread: the subject's events go to the channel, and the channel is told once what to grant. */
  async function fallBack(row: OutboxRow, t: ThreadRow, err: unknown): Promise<void> {
    await save(t, { fallbackAt: clock.now() });
    log.warn({ hookId: t.hookId, channelId: t.channelId, err: (err as Error).message }, 'cannot open or post in a thread; posting in the channel');
    if (await store.getMeta(toldKey(t.channelId))) return;
    await store.setMeta(toldKey(t.channelId), '1');
    const body = NOTICE.threadsNeedPermissions(deps.prefix, { hookId: t.hookId, channelId: t.channelId });
    await store.enqueue([{ channelId: t.channelId, hookId: row.hookId, body: { ...body } }], new Date(clock.now()).toISOString());
  }
  /** A thread was created: should permissions go missing again, the channel is told again. */
  async function permissionsBack(channelId: string): Promise<void> {
    if (await store.getMeta(toldKey(channelId))) await store.setMeta(toldKey(channelId), '');
  }

  /** The tags a forum post in `state` carries: its state's tag when the forum has one (by name), none otherwise. */
  const tagId = (forum: ChannelInfo | null, state: string) => forum?.availableTags.find((x) => x.name.trim().toLowerCase() === state)?.id;

  /** A forum post (for a new subject, or again after its post was deleted); one an earlier attempt created is taken. */
  async function forumPost(row: OutboxRow, t: ThreadRow, body: DiscordMessage, tag: ThreadStep['tag']): Promise<string> {
    const forum = await channelInfo(t.channelId);
    if (row.attempts > 0 && forum?.guildId) {
      // The answer to an earlier attempt was lost: a post of this name made since the row was queued is that attempt's.
      const since = Date.parse(row.createdAt) - 60_000;
      const made = (await api!.activeThreads(forum.guildId)).filter((x) => x.parentId === t.channelId && x.name === t.name
        && Number(BigInt(x.id) >> 22n) + DISCORD_EPOCH >= since);
      if (made.length) return made[made.length - 1].id;
    }
    const wanted = tag ? tagId(forum, tag) : undefined;
    return api!.createForumPost(t.channelId, t.name, body, wanted ? [wanted] : []);
  }

  /** Replaces the post's state tag (other tags stay); a forum without such tags gets none. */
  async function applyTag(t: ThreadRow, state: NonNullable<ThreadStep['tag']>): Promise<void> {
    if (!t.threadId) return;
    const forum = await channelInfo(t.channelId);
    const ours = STATE_TAGS.map((s) => tagId(forum, s)).filter((x): x is string => !!x);
    if (!ours.length) return;
    const post = await api!.channel(t.threadId);
    const wanted = tagId(forum, state);
    const next = [...post.appliedTags.filter((x) => !ours.includes(x)), ...(wanted ? [wanted] : [])].slice(0, 5);
    if (next.length === post.appliedTags.length && next.every((x) => post.appliedTags.includes(x))) return;
    await api!.updateThread(t.threadId, { appliedTags: next, ...(post.archived ? { archived: false } : {}) });
  }

  /** Creates the subject's thread: on its starter (posted again when it was deleted), or as a new forum post. */
  async function createThread(row: OutboxRow, t: ThreadRow, nonce: string): Promise<string> {
    if (t.forum || (await channelInfo(t.channelId))?.type === FORUM) {
      const id = await forumPost(row, t, restartedStarter(t.name, t.url), row.thread?.tag);
      await save(t, { starterMessageId: id, threadId: id, forum: true, archived: false, fallbackAt: null });
      return id;
    }
    if (t.starterMessageId && row.attempts > 0) {
      // An earlier attempt may have created it: a message's thread has the message's id.
      const found = await api!.channel(t.starterMessageId).catch((err: unknown) => { if (gone(err)) return null; throw err; });
      if (found) {
        await save(t, { threadId: found.id, archived: found.archived, fallbackAt: null });
        return found.id;
      }
    }
    for (let i = 0; i < 2; i++) {
      if (!t.starterMessageId) {
        const posted = await notifier.post(t.channelId, restartedStarter(t.name, t.url), `${nonce}-s${i}`);
        await save(t, { starterMessageId: posted.messageId, threadId: null });
      }
      try {
        const id = await api!.startThread(t.channelId, t.starterMessageId!, t.name);
        await save(t, { threadId: id, archived: false, fallbackAt: null });
        await permissionsBack(t.channelId);
        return id;
      } catch (err) {
        if (codeOf(err) === CODE.unknownMessage) {
          await save(t, { starterMessageId: null }); // the starter was deleted: post it again
          continue;
        }
        if (refused(err)) {
          await fallBack(row, t, err);
          return t.channelId;
        }
        throw err;
      }
    }
    throw new DeliveryError('the thread\'s starter message was deleted while the thread was being created', true);
  }

  /** Unarchives the thread; a thread found deleted is forgotten (created again next). */
  async function unarchive(row: OutboxRow, t: ThreadRow): Promise<void> {
    try {
      await api!.updateThread(t.threadId!, { archived: false });
      await save(t, { archived: false });
    } catch (err) {
      if (gone(err)) await save(t, FORGET);
      else if (refused(err)) await fallBack(row, t, err);
      else throw err;
    }
  }

  /** Where the subject's events go now: its thread (created, unarchived or recreated as needed), or the channel. */
  async function ensureThread(row: OutboxRow, t: ThreadRow, nonce: string): Promise<string> {
    if (t.fallbackAt !== null && clock.now() - t.fallbackAt < FALLBACK_RETRY_MS) return t.channelId;
    if (t.threadId && t.archived) await unarchive(row, t);
    if (t.fallbackAt !== null && clock.now() - t.fallbackAt < FALLBACK_RETRY_MS) return t.channelId;
    return t.threadId ?? createThread(row, t, nonce);
  }

  /** Posts into the thread, getting past an archived, deleted or forbidden thread (bounded). */
  async function postInThread(row: OutboxRow, t: ThreadRow, body: DiscordMessage, nonce: string): Promise<StepResult> {
    for (let i = 0; i < 3; i++) {
      const dest = await ensureThread(row, t, nonce);
      try {
        return await plain(dest, body, nonce);
      } catch (err) {
        if (dest === t.channelId) throw err;
        if (codeOf(err) === CODE.archived) await save(t, { archived: true });
        else if (gone(err)) await save(t, FORGET);
        else if (refused(err)) await fallBack(row, t, err);
        else throw err;
      }
    }
    throw new DeliveryError('the thread kept changing under the post', true);
  }

  /** The subject's first message: in the channel (the thread is opened on it next), or as a new forum post. */
  async function starter(row: OutboxRow, t: ThreadRow, body: DiscordMessage, nonce: string): Promise<StepResult> {
    if (t.starterMessageId) return { messageId: t.starterMessageId, destination: t.forum ? t.threadId ?? t.channelId : t.channelId };
    if ((await channelInfo(t.channelId))?.type === FORUM) {
      const id = await forumPost(row, t, body, row.thread?.tag);
      await save(t, { starterMessageId: id, threadId: id, forum: true, archived: false });
      return { messageId: id, destination: id };
    }
    const r = await plain(t.channelId, body, nonce);
    await save(t, { starterMessageId: r.messageId });
    return r;
  }

  async function threadOf(row: OutboxRow): Promise<ThreadRow | undefined> {
    return row.thread && row.hookId && api ? store.getThread(row.hookId, row.thread.subject) : undefined;
  }

  return {
    async destinationOf(row) {
      const step = row.thread?.step;
      if (step !== 'post' && step !== 'channel') return row.channelId;
      const t = await threadOf(row);
      if (!t || (step === 'channel' && !t.forum) || !t.threadId) return row.channelId;
      return t.fallbackAt !== null ? t.channelId : t.threadId;
    },
    async send(row, body, nonce) {
      const t = await threadOf(row);
      // Without thread support (or its record), a subject's messages are posted in the channel; an `open` step is then nothing.
      if (!t) return row.thread!.step === 'open' ? { messageId: '', destination: row.channelId } : plain(row.channelId, body, nonce);
      switch (row.thread!.step) {
        case 'starter': return starter(row, t, body, nonce);
        case 'open': {
          if (t.threadId && t.fallbackAt === null) return { messageId: t.threadId, destination: t.threadId };
          const dest = await ensureThread(row, t, nonce);
          return { messageId: dest === t.channelId ? t.starterMessageId ?? '' : dest, destination: dest };
        }
        case 'channel': {
          if (!t.forum) return plain(t.channelId, body, nonce);
          const r = await postInThread(row, t, body, nonce);
          const tag = row.thread!.tag;
          if (tag) await applyTag(t, tag).catch((err: unknown) => log.warn({ threadId: t.threadId, err: (err as Error).message }, 'could not set the forum post\'s tag'));
          return r;
        }
        default: return postInThread(row, t, body, nonce);
      }
    },
    async editChannel(row, target) {
      if (target.thread?.step !== 'starter') return row.channelId;
      const t = await threadOf(target);
      return t?.forum && t.threadId ? t.threadId : row.channelId;
    },
  };
}
