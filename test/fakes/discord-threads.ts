/**
 * Threads for the Discord stand-in (test/fakes/discord.ts): threads started from messages, forum channels with tags
 * and their posts, archiving, deletion, thread members, and the buttons people click — the parts of Discord API v10
 * that src/threads/ and src/discord/thread-buttons.ts use, with Discord's error codes (10003, 10008, 50008, 50013,
 * 50083, 160004). Failures can be injected per route, before or after Discord did the work, like `failNext`.
 */
import type { ServerResponse } from 'node:http';
import { IDS, interactionCreate, limitsProblem } from './discord-guild.js';
import type { PostedMessage } from './discord.js';

export interface FakeThread {
  id: string;
  parentId: string;
  name: string;
  archived: boolean;
  deleted: boolean;
  /** Forum posts only. */
  appliedTags: string[];
  members: Set<string>;
}

export interface FakeForum { id: string; tags: { id: string; name: string }[] }

/** What the thread part needs from the stand-in it is part of. */
export interface ThreadHost {
  messages: PostedMessage[];
  snowflake(): string;
  dispatch(t: string, d: unknown): void;
  json(res: ServerResponse, status: number, body: unknown): void;
  hang(res: ServerResponse): void;
}

type Route = 'start' | 'forum' | 'unarchive';
type Failure = { status: number; code: number; afterCreate: boolean; hang: boolean };

const err = (message: string, code: number) => ({ message, code });

export class FakeThreads {
  readonly threads = new Map<string, FakeThread>();
  readonly forums = new Map<string, FakeForum>();
  /** Channels where the bot may not create threads (Create Public Threads missing): 50013. */
  readonly denyCreate = new Set<string>();
  /** Channels whose threads the bot may not post in (Send Messages in Threads missing): 50013. */
  readonly denySendIn = new Set<string>();
  /** Manage Threads: needed to remove someone else from a thread. */
  manageThreads = true;
  /** Every thread creation request (from a message or a forum post), also refused or failed ones. */
  readonly createRequests: { route: Route; channelId: string; name: string }[] = [];
  private failures = new Map<Route, Failure[]>();
  private seq = 0n;

  constructor(private readonly host: ThreadHost) {}

  /** A forum channel (type 15) with these tags. */
  addForum(id: string, tagNames: string[] = []): FakeForum {
    const forum = { id, tags: tagNames.map((name, i) => ({ id: `${id.slice(0, -2)}${String(50 + i)}`, name })) };
    this.forums.set(id, forum);
    return forum;
  }

  /** The next `n` requests of a route fail with `status` (after Discord did the work when `afterCreate`), or hang. */
  failNext(route: Route, n: number, status: number, opts: { code?: number; afterCreate?: boolean; hang?: boolean } = {}): void {
    const list = this.failures.get(route) ?? [];
    for (let i = 0; i < n; i++) list.push({ status, code: opts.code ?? 0, afterCreate: opts.afterCreate ?? false, hang: opts.hang ?? false });
    this.failures.set(route, list);
  }

  /** Live threads (not deleted), oldest first. */
  live(): FakeThread[] {
    return [...this.threads.values()].filter((t) => !t.deleted);
  }

  /** Messages posted in a thread, in order. */
  messagesIn(threadId: string): PostedMessage[] {
    return this.host.messages.filter((m) => m.channelId === threadId);
  }

  /** Discord archives a thread (inactivity, or a moderator): THREAD_UPDATE goes out. */
  archive(threadId: string): void {
    const t = this.threads.get(threadId)!;
    t.archived = true;
    this.host.dispatch('THREAD_UPDATE', this.channelOf(t));
  }

  /** A moderator deletes a thread (a forum post with its messages): THREAD_DELETE goes out. */
  deleteThread(threadId: string, announce = true): void {
    const t = this.threads.get(threadId)!;
    t.deleted = true;
    if (announce) this.host.dispatch('THREAD_DELETE', { id: t.id, guild_id: IDS.guild, parent_id: t.parentId, type: 11 });
  }

  /** A moderator deletes a message (e.g. a thread's starter before its thread was made). */
  deleteMessage(messageId: string): void {
    const i = this.host.messages.findIndex((m) => m.id === messageId);
    if (i >= 0) this.host.messages.splice(i, 1);
  }

  /** A member clicks a button of a message: INTERACTION_CREATE (type 3) as Discord sends it. Returns the interaction id. */
  click(userId: string, messageId: string, customId: string): string {
    const msg = this.host.messages.find((m) => m.id === messageId);
    if (!msg) throw new Error(`no message ${messageId}`);
    const id = this.host.snowflake();
    const base = interactionCreate(id, userId, 'x', {}, 2);
    const inThread = this.threads.has(msg.channelId);
    this.host.dispatch('INTERACTION_CREATE', {
      ...base, type: 3, channel_id: msg.channelId,
      channel: { ...base.channel, id: msg.channelId, type: inThread ? 11 : 0, ...(inThread ? { parent_id: this.threads.get(msg.channelId)!.parentId } : {}) },
      message: {
        id: msg.id, channel_id: msg.channelId, type: 0, content: msg.body.content ?? '', embeds: msg.body.embeds ?? [], components: msg.body.components ?? [],
        author: { id: IDS.bot, username: 'hookbot', discriminator: '0', avatar: null, global_name: null, bot: true },
        timestamp: new Date().toISOString(), edited_timestamp: null, tts: false, mention_everyone: false, mentions: [], mention_roles: [],
        attachments: [], pinned: false, flags: 0,
      },
      data: { custom_id: customId, component_type: 2 },
    });
    return id;
  }

  /** Posts into a thread: refused when it is gone, archived or forbidden; otherwise the stand-in's post route continues. */
  accepts(channelId: string): boolean {
    const t = this.threads.get(channelId);
    return !!t && !t.deleted;
  }

  private channelOf(t: FakeThread) {
    return {
      id: t.id, type: 11, guild_id: IDS.guild, parent_id: t.parentId, name: t.name, owner_id: IDS.bot, applied_tags: t.appliedTags,
      thread_metadata: { archived: t.archived, locked: false, auto_archive_duration: 10080, archive_timestamp: new Date().toISOString() },
      member_count: t.members.size, message_count: this.messagesIn(t.id).length,
    };
  }

  private takeFailure(route: Route): Failure | undefined {
    return this.failures.get(route)?.shift();
  }

  /** Answers after the work was done: as planned, or with the injected failure (or never). */
  private finish(res: ServerResponse, failure: Failure | undefined, status: number, body: unknown): true {
    if (failure?.hang) this.host.hang(res);
    else if (failure) this.host.json(res, failure.status, err('injected failure', failure.code));
    else this.host.json(res, status, body);
    return true;
  }

  private create(parentId: string, id: string, name: string, tags: string[] = []): FakeThread {
    const t: FakeThread = { id, parentId, name, archived: false, deleted: false, appliedTags: tags, members: new Set([IDS.bot]) };
    this.threads.set(id, t);
    return t;
  }

  /** The thread routes; false when the request is not about threads (the stand-in's own routes answer it). */
  async handle(method: string, path: string, body: any, res: ServerResponse): Promise<boolean> {
    const { json } = this.host;
    let m: RegExpMatchArray | null;
    if (method === 'GET' && (m = path.match(/^\/channels\/(\d+)$/))) {
      const forum = this.forums.get(m[1]);
      if (forum) {
        json(res, 200, { id: forum.id, type: 15, guild_id: IDS.guild, name: 'reviews', parent_id: null, available_tags: forum.tags.map((x) => ({ ...x, moderated: false, emoji_id: null, emoji_name: null })) });
        return true;
      }
      const t = this.threads.get(m[1]);
      if (!t) return false;
      if (t.deleted) json(res, 404, err('Unknown Channel', 10003));
      else json(res, 200, this.channelOf(t));
      return true;
    }
    if (method === 'GET' && path === `/guilds/${IDS.guild}/threads/active`) {
      json(res, 200, { threads: this.live().filter((t) => !t.archived).map((t) => this.channelOf(t)), members: [] });
      return true;
    }
    if (method === 'POST' && (m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)\/threads$/))) {
      const [, channelId, messageId] = m;
      this.createRequests.push({ route: 'start', channelId, name: body?.name });
      if (typeof body?.name !== 'string' || body.name.length < 1 || body.name.length > 100) json(res, 400, err('Invalid Form Body', 50035));
      else if (this.denyCreate.has(channelId)) json(res, 403, err('Missing Permissions', 50013));
      else if (this.threads.has(messageId)) json(res, 400, err('A thread has already been created for this message', 160004));
      else if (!this.host.messages.some((x) => x.id === messageId && x.channelId === channelId)) json(res, 404, err('Unknown Message', 10008));
      else {
        const failure = this.takeFailure('start');
        if (failure && !failure.afterCreate) return this.finish(res, failure, 0, null);
        return this.finish(res, failure, 201, this.channelOf(this.create(channelId, messageId, body.name)));
      }
      return true;
    }
    if (method === 'POST' && (m = path.match(/^\/channels\/(\d+)\/(threads|messages)$/)) && this.forums.has(m[1])) {
      if (m[2] === 'messages') {
        json(res, 400, err('Cannot send messages in a non-text channel', 50008));
        return true;
      }
      const forum = this.forums.get(m[1])!;
      this.createRequests.push({ route: 'forum', channelId: forum.id, name: body?.name });
      const problem = body?.message ? limitsProblem(body.message) : 'a forum post needs a message';
      if (problem || typeof body?.name !== 'string' || body.name.length > 100) json(res, 400, err('Invalid Form Body', 50035));
      else if (this.denyCreate.has(forum.id)) json(res, 403, err('Missing Permissions', 50013));
      else if ((body.applied_tags ?? []).some((id: string) => !forum.tags.some((x) => x.id === id))) json(res, 400, err('Invalid Form Body', 50035));
      else {
        const failure = this.takeFailure('forum');
        if (failure && !failure.afterCreate) return this.finish(res, failure, 0, null);
        // Like Discord's, a post's id tells when it was made (milliseconds since 2015 in its top bits).
        const id = String(((BigInt(Date.now()) - 1420070400000n) << 22n) | (this.seq++ & 0xfffn));
        const t = this.create(forum.id, id, body.name, body.applied_tags ?? []);
        this.host.messages.push({ id: t.id, channelId: t.id, body: body.message });
        return this.finish(res, failure, 201, { ...this.channelOf(t), message: { id: t.id, channel_id: t.id, ...body.message } });
      }
      return true;
    }
    if ((m = path.match(/^\/channels\/(\d+)(\/messages|\/thread-members\/(\d+))?$/)) && this.threads.has(m[1])) {
      const t = this.threads.get(m[1])!;
      if (t.deleted) {
        json(res, 404, err('Unknown Channel', 10003));
        return true;
      }
      if (method === 'PATCH' && !m[2]) {
        const failure = this.takeFailure('unarchive');
        if (failure && !failure.afterCreate) return this.finish(res, failure, 0, null);
        if (body?.archived === false) t.archived = false;
        if (Array.isArray(body?.applied_tags)) t.appliedTags = body.applied_tags;
        return this.finish(res, failure, 200, this.channelOf(t));
      }
      if (m[3] && (method === 'PUT' || method === 'DELETE')) {
        if (t.archived) json(res, 400, err('Thread is archived', 50083));
        else if (method === 'DELETE' && !this.manageThreads && m[3] !== IDS.bot) json(res, 403, err('Missing Permissions', 50013));
        else if (method === 'DELETE' && !t.members.has(m[3])) json(res, 404, err('Unknown Member', 10007));
        else {
          if (method === 'PUT') t.members.add(m[3]);
          else t.members.delete(m[3]);
          res.writeHead(204).end();
        }
        return true;
      }
      if (method === 'POST' && m[2] === '/messages') {
        if (t.archived) json(res, 400, err('Thread is archived', 50083));
        else if (this.denySendIn.has(t.parentId)) json(res, 403, err('Missing Permissions', 50013));
        else return false; // the stand-in's post route: limits, nonces, buckets, failures
        return true;
      }
    }
    return false;
  }
}
