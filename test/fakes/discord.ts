/**
 * A small stand-in for Discord API v10 on loopback: the REST routes hookbot uses and a minimal gateway
 * (HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME, MESSAGE_CREATE on cue).
 * It checks messages against Discord's limits and honours `nonce` + `enforce_nonce` like Discord does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { fakeGuild, IDS, interactionCreate, limitsProblem, messageCreate } from './discord-guild.js';
import { FakeThreads } from './discord-threads.js';

export { IDS } from './discord-guild.js';

export interface PostedMessage {
  id: string;
  channelId: string;
  body: Record<string, any>;
}

type Failure = { status: number; body: Record<string, unknown>; headers?: Record<string, string>; afterCreate?: boolean; hang?: boolean };

export interface FakeDiscordOptions {
  /** Discord-like per-channel message bucket (about 5 per 5 s); off when absent. */
  rateLimit?: { limit: number; windowMs: number };
  /** Gateway heartbeat interval announced in HELLO. */
  heartbeatMs?: number;
  /** When false, an IDENTIFY asking for Message Content is closed with 4014, as when the portal switch is off. */
  privilegedIntents?: boolean;
  /** Listen on this port (default: any free one). */
  port?: number;
  /** Text channel ids, besides the test server's two, that accept message posts (the bench gives each hook its own). */
  channels?: string[];
  /** Called as each request arrives, before its body is read (the bench records when message posts arrive). */
  onRequest?: (method: string, path: string) => void;
}

export interface InteractionCallback { interactionId: string; type: number; data?: Record<string, any> }
export interface WebhookCall { token: string; method: string; path: string; body: Record<string, any> }

export class FakeDiscord {
  readonly messages: PostedMessage[] = [];
  readonly dms: { userId: string; body: Record<string, any> }[] = [];
  readonly requests: { method: string; path: string }[] = [];
  readonly rejected: { path: string; reason: string }[] = [];
  token = 'test-token';
  private server!: Server;
  private wss!: WebSocketServer;
  private sockets = new Set<WebSocket>();
  private seq = 0;
  private nextId = 200000000000000000n;
  private failures: Failure[] = [];
  private nonces = new Map<string, PostedMessage>();
  private identified: (() => void)[] = [];
  deniedChannels = new Set<string>();
  url = '';
  /** 429s this stand-in answered. */
  tooManyRequests = 0;
  /** Message posts that repeated an earlier post's nonce (with enforce_nonce): answered with the first message. */
  nonceReplays = 0;
  /** Gateway connections opened, IDENTIFYs and RESUMEs received. */
  connections = 0;
  identifies = 0;
  resumes = 0;
  /** When false, heartbeats are not acknowledged (a zombie connection). */
  ackHeartbeats = true;
  readonly callbacks: InteractionCallback[] = [];
  /** Ids of messages the bot deleted. */
  readonly deleted: string[] = [];
  readonly webhookCalls: WebhookCall[] = [];
  /** Message edits the bot made, in order (the message itself is updated in `messages`). */
  readonly edits: { messageId: string; body: Record<string, any> }[] = [];
  registered: { scope: string; body: any[] } | null = null;
  lastIntents = 0;
  private buckets = new Map<string, { used: number; resetAt: number }>();
  private hanging: ServerResponse[] = [];
  readonly threads = new FakeThreads({ messages: this.messages, snowflake: () => this.snowflake(), dispatch: (t, d) => this.dispatch(t, d), json: (r, s, b) => this.json(r, s, b), hang: (r) => this.hanging.push(r) });

  constructor(private readonly options: FakeDiscordOptions = {}) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.wss = new WebSocketServer({ server: this.server, path: '/gateway' });
    this.wss.on('connection', (ws) => this.onGateway(ws));
    await new Promise<void>((r) => this.server.listen(this.options.port ?? 0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The value for DISCORD_API_URL. */
  get apiUrl(): string {
    return `${this.url}/api`;
  }

  async stop(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    for (const s of this.sockets) s.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** The next `n` message posts fail with `status` (optionally after creating the message). */
  failNext(n: number, status: number, body: Record<string, unknown> = { message: 'Server Error', code: 0 }, afterCreate = false,
    headers?: Record<string, string>): void {
    for (let i = 0; i < n; i++) this.failures.push({ status, body, afterCreate, headers });
  }

  /** The next `n` message posts get a 429 as Discord sends it (per-route, or global). */
  rateLimitNext(n: number, retryAfterS: number, global = false): void {
    const headers: Record<string, string> = {
      'retry-after': String(Math.ceil(retryAfterS)), 'x-ratelimit-scope': global ? 'global' : 'user',
      ...(global ? { 'x-ratelimit-global': 'true' } : {
        'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': String(retryAfterS),
        'x-ratelimit-reset': String(Date.now() / 1000 + retryAfterS), 'x-ratelimit-bucket': 'fake-bucket',
      }),
    };
    this.failNext(n, 429, { message: 'You are being rate limited.', retry_after: retryAfterS, global, code: global ? 0 : 20028 }, false, headers);
  }

  /** Discord is back: the failures queued by `failNext`/`rateLimitNext`/`hangNext` are dropped. */
  recover(): void {
    this.failures.length = 0;
  }

  /** The next `n` message posts create the message (when `afterCreate`) or not, and never answer. */
  hangNext(n: number, afterCreate = false): void {
    for (let i = 0; i < n; i++) this.failures.push({ status: 0, body: {}, hang: true, afterCreate });
  }

  /** Message posts left hanging (`hangNext`) so far. */
  get hangingPosts(): number {
    return this.hanging.length;
  }

  /** Sends op 9 Invalid Session (not resumable): the client must identify again. */
  invalidateSession(): void {
    for (const ws of this.sockets) this.send(ws, { op: 9, d: false, s: null, t: null });
  }

  /** Resolves once a client has identified (and received READY). */
  waitForIdentify(): Promise<void> {
    return new Promise((r) => this.identified.push(r));
  }

  channelMessages(channelId = IDS.channel): PostedMessage[] {
    return this.messages.filter((m) => m.channelId === channelId);
  }

  /** Every event visible in a channel, in order: embed titles, and the lines of packed backlog messages. */
  visibleEvents(channelId = IDS.channel): string[] {
    return this.channelMessages(channelId).flatMap((m) => {
      const embeds: any[] = m.body.embeds ?? [];
      if (embeds[0]?.title?.startsWith('📦')) return embeds.flatMap((e) => String(e.description ?? '').split('\n'));
      return embeds.length ? embeds.map((e) => e.title ?? e.description) : [m.body.content];
    });
  }

  /** The bot's replies to a user's message (see `userSays`), in order. */
  repliesTo(messageId: string, channelId = IDS.channel): PostedMessage[] {
    return this.channelMessages(channelId).filter((m) => m.body.message_reference?.message_id === messageId);
  }

  /** Waits until `predicate` holds (it may be async), polling. */
  async waitFor<T>(predicate: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await predicate();
      if (v) return v;
      if (Date.now() > end) throw new Error('timed out waiting in FakeDiscord');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** A user types in a channel: dispatches MESSAGE_CREATE to connected clients. */
  userSays(userId: string, content: string, channelId = IDS.channel, opts: { bot?: boolean } = {}): string {
    const id = this.snowflake();
    this.dispatch('MESSAGE_CREATE', messageCreate(id, userId, content, channelId, opts.bot ?? false));
    return id;
  }

  /**
   * A member runs `/hook <sub>` with options: dispatches INTERACTION_CREATE (type 2) like Discord, with the
   * member's computed permissions in the channel. Returns the interaction id.
   */
  slash(userId: string, sub: string, options: Record<string, string> = {}, kind: 2 | 4 = 2, focused?: string): string {
    const id = this.snowflake();
    this.dispatch('INTERACTION_CREATE', interactionCreate(id, userId, sub, options, kind, focused));
    return id;
  }

  /** Everything Discord received for one interaction: the callback, then edits and follow-ups. */
  interactionLog(id: string) {
    return {
      callback: this.callbacks.find((c) => c.interactionId === id),
      calls: this.webhookCalls.filter((c) => c.token === `tok-${id}`),
    };
  }

  /** Drops every gateway connection (the client should resume or reconnect). */
  dropGateway(): void {
    for (const s of this.sockets) s.terminate();
  }

  /** Counts a post against the channel's bucket; returns the 429 to send when it is empty. */
  private takeBucket(channelId: string): { retryAfter: number; headers: Record<string, string> } | null {
    const rl = this.options.rateLimit;
    if (!rl) return null;
    const now = Date.now();
    let b = this.buckets.get(channelId);
    if (!b || now >= b.resetAt) {
      b = { used: 0, resetAt: now + rl.windowMs };
      this.buckets.set(channelId, b);
    }
    if (b.used >= rl.limit) {
      const retryAfter = (b.resetAt - now) / 1000;
      return { retryAfter, headers: { ...this.bucketHeaders(channelId), 'retry-after': String(Math.ceil(retryAfter)), 'x-ratelimit-scope': 'user' } };
    }
    b.used++;
    return null;
  }

  private bucketHeaders(channelId: string): Record<string, string> {
    const rl = this.options.rateLimit;
    const b = this.buckets.get(channelId);
    if (!rl || !b) return {};
    const resetAfter = Math.max(0, (b.resetAt - Date.now()) / 1000);
    return {
      'x-ratelimit-limit': String(rl.limit), 'x-ratelimit-remaining': String(Math.max(0, rl.limit - b.used)),
      'x-ratelimit-reset': String(b.resetAt / 1000), 'x-ratelimit-reset-after': resetAfter.toFixed(3),
      'x-ratelimit-bucket': `channel-${channelId}`,
    };
  }

  private snowflake(): string {
    return String(this.nextId++);
  }

  private send(ws: WebSocket, payload: Record<string, unknown>): void {
    ws.send(JSON.stringify(payload));
  }

  private dispatch(t: string, d: unknown): void {
    for (const ws of this.sockets) this.send(ws, { op: 0, t, s: ++this.seq, d });
  }

  private onGateway(ws: WebSocket): void {
    this.connections++;
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    this.send(ws, { op: 10, d: { heartbeat_interval: this.options.heartbeatMs ?? 41250 }, s: null, t: null });
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw));
      if (msg.op === 1) {
        if (this.ackHeartbeats) this.send(ws, { op: 11 });
      } else if (msg.op === 2) {
        this.identifies++;
        this.lastIntents = Number(msg.d.intents ?? 0);
        if (this.options.privilegedIntents === false && (this.lastIntents & (1 << 15))) {
          ws.close(4014, 'Disallowed intent(s).');
          return;
        }
        if (msg.d.token !== this.token && msg.d.token !== `Bot ${this.token}`) {
          ws.close(4004, 'Authentication failed.');
          return;
        }
        this.send(ws, {
          op: 0, t: 'READY', s: ++this.seq, d: {
            v: 10, user: { id: IDS.bot, username: 'hookbot', discriminator: '0', avatar: null, bot: true, flags: 0, global_name: null },
            guilds: [{ id: IDS.guild, unavailable: true }], session_id: 'session-1',
            resume_gateway_url: this.url.replace('http', 'ws') + '/gateway', application: { id: IDS.application, flags: 0 },
            private_channels: [], presences: [], relationships: [], guild_join_requests: [], geo_ordered_rtc_regions: [],
          },
        });
        this.send(ws, { op: 0, t: 'GUILD_CREATE', s: ++this.seq, d: fakeGuild() });
        for (const r of this.identified.splice(0)) r();
      } else if (msg.op === 6) {
        this.resumes++;
        this.send(ws, { op: 0, t: 'RESUMED', s: ++this.seq, d: {} });
      }
    });
  }

  private async readBody(req: IncomingMessage): Promise<any> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return text ? JSON.parse(text) : undefined;
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0].replace(/^\/api\/v10/, '');
    const method = req.method ?? 'GET';
    this.requests.push({ method, path });
    this.options.onRequest?.(method, path);
    const body = await this.readBody(req);
    let m: RegExpMatchArray | null;
    // Interaction responses are authenticated by their token in the path, not by the bot token.
    if ((m = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/))) {
      this.callbacks.push({ interactionId: m[1], type: body.type, data: body.data });
      res.writeHead(204).end(); // Discord answers 204 No Content, without a body
      return;
    }
    if ((m = decodeURIComponent(path).match(/^\/webhooks\/\d+\/([^/]+)(\/messages\/@original)?$/))) {
      this.webhookCalls.push({ token: m[1], method, path, body });
      return this.json(res, 200, { id: this.snowflake(), channel_id: IDS.channel, content: body.content ?? '', embeds: body.embeds ?? [], flags: body.flags ?? 0 });
    }
    if (req.headers.authorization !== `Bot ${this.token}`) return this.json(res, 401, { message: '401: Unauthorized', code: 0 });
    if (await this.threads.handle(method, path, body, res)) return;
    if (method === 'PUT' && (m = path.match(/^\/applications\/\d+(?:\/guilds\/(\d+))?\/commands$/))) {
      this.registered = { scope: m[1] ? `guild:${m[1]}` : 'global', body };
      return this.json(res, 200, body.map((c: any, i: number) => ({ ...c, id: `10000000000000005${i}`, application_id: IDS.application, version: '1' })));
    }
    if (method === 'GET' && path === '/gateway/bot') {
      return this.json(res, 200, {
        url: this.url.replace('http', 'ws') + '/gateway', shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      });
    }
    if (method === 'PATCH' && (m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)$/))) {
      const msg = this.messages.find((x) => x.channelId === m![1] && x.id === m![2]);
      if (!msg) return this.json(res, 404, { message: 'Unknown Message', code: 10008 });
      const problem = limitsProblem(body ?? {});
      if (problem) {
        this.rejected.push({ path, reason: problem });
        return this.json(res, 400, { message: 'Invalid Form Body', code: 50035 });
      }
      this.edits.push({ messageId: msg.id, body });
      msg.body = { ...msg.body, ...body };
      return this.json(res, 200, { id: msg.id, channel_id: msg.channelId, content: msg.body.content ?? '', embeds: msg.body.embeds ?? [] });
    }
    if (method === 'DELETE' && (m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)$/))) {
      this.deleted.push(m[2]);
      res.writeHead(204).end();
      return;
    }
    if (method === 'GET' && path === '/users/@me') return this.json(res, 200, { id: IDS.bot, username: 'hookbot', bot: true });
    if (method === 'POST' && path === '/users/@me/channels') {
      return this.json(res, 200, { id: `9${body.recipient_id.slice(1)}`, type: 1, recipients: [{ id: body.recipient_id }] });
    }
    if (method === 'GET' && path === `/guilds/${IDS.guild}`) return this.json(res, 200, fakeGuild());
    if (method === 'GET' && (m = path.match(/^\/guilds\/\d+\/members\/(\d+)$/))) {
      const member = fakeGuild().members.find((x) => x.user.id === m![1]);
      return member ? this.json(res, 200, member) : this.json(res, 404, { message: 'Unknown Member', code: 10007 });
    }
    if (method === 'GET' && (m = path.match(/^\/channels\/(\d+)$/))) {
      const ch = fakeGuild().channels.find((c) => c.id === m![1]);
      return ch ? this.json(res, 200, ch) : this.json(res, 404, { message: 'Unknown Channel', code: 10003 });
    }
    if (method === 'POST' && (m = path.match(/^\/channels\/(\d+)\/messages$/))) {
      const channelId = m[1];
      if (channelId.startsWith('9')) { // a DM channel
        const userId = `1${channelId.slice(1)}`;
        if (userId === IDS.closedDms) return this.json(res, 403, { message: 'Cannot send messages to this user', code: 50007 });
        this.dms.push({ userId, body });
        return this.json(res, 200, { id: this.snowflake(), channel_id: channelId, content: body.content ?? '' });
      }
      const known = fakeGuild().channels.some((c) => c.id === channelId) || !!this.options.channels?.includes(channelId) || this.threads.accepts(channelId);
      if (!known) return this.json(res, 404, { message: 'Unknown Channel', code: 10003 });
      if (this.deniedChannels.has(channelId)) return this.json(res, 403, { message: 'Missing Permissions', code: 50013 });
      const problem = limitsProblem(body ?? {});
      if (problem) {
        this.rejected.push({ path, reason: problem });
        return this.json(res, 400, { message: 'Invalid Form Body', code: 50035, errors: { _errors: [{ message: problem }] } });
      }
      const limited = this.takeBucket(channelId);
      if (limited) {
        this.tooManyRequests++;
        return this.json(res, 429, { message: 'You are being rate limited.', retry_after: limited.retryAfter, global: false }, limited.headers);
      }
      const failure = this.failures.shift();
      if (failure?.status === 429) this.tooManyRequests++;
      if (failure?.hang && !failure.afterCreate) { this.hanging.push(res); return; }
      if (failure && !failure.afterCreate) return this.json(res, failure.status, failure.body, failure.headers);
      const key = body.nonce !== undefined && body.enforce_nonce ? `${channelId}:${body.nonce}` : null;
      let msg = key ? this.nonces.get(key) : undefined;
      if (msg) this.nonceReplays++;
      if (!msg) {
        msg = { id: this.snowflake(), channelId, body };
        this.messages.push(msg);
        if (key) this.nonces.set(key, msg);
      }
      if (failure?.hang) { this.hanging.push(res); return; }
      if (failure) return this.json(res, failure.status, failure.body, failure.headers);
      return this.json(res, 200, { id: msg.id, channel_id: channelId, content: body.content ?? '', embeds: body.embeds ?? [] },
        this.bucketHeaders(channelId));
    }
    return this.json(res, 404, { message: '404: Not Found', code: 0 });
  }
}
