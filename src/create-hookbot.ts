import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Events, REST, type Client } from 'discord.js';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { CommandContext } from '../commands/index.js';
import { attachChatCommands } from './discord/chat-commands.js';
import { createRestNotifier } from './discord/notifier.js';
import { connectDiscord, DISALLOWED_INTENTS } from './discord/connect.js';
import { attachSlashCommands, registerSlashCommands } from './discord/slash-commands.js';
import { attachThreadButtons } from './discord/thread-buttons.js';
import { createDockerWatcher, type DockerWatcher } from './docker/watcher.js';
import { dockerLister, startPoller, type Poller, type PollerDeps } from './poll/index.js';
import { createApp, type Health } from './http/app.js';
import { createRejectionLog } from './http/rejection-log.js';
import { createApiRouter } from './api/router.js';
import { createWebRouter } from './web/router.js';
import { channelGuild } from './discord/channel-guild.js';
import { routeChannelCheck } from './discord/route-channel.js';
import { createIngest } from './ingest.js';
import { createMetrics } from './metrics.js';
import { startProcessing } from './processing/processing.js';
import { systemClock, type Clock } from './ports.js';
import { openStore } from './store/open-store.js';
import { perReplicaDockerState } from './replicas/docker-hosts.js';
import { createGatewaySession } from './replicas/gateway-session.js';
import { startReplica } from './replicas/replica.js';
import { announceUrlChange } from './announce-url-change.js';
import { startHooksFile } from './hooks-file/loader.js';
import type { UrlPolicy } from './forward/url-policy.js';
import { ngrokTunnel, resolvePublicUrl, type Tunnel } from './tunnel.js';

/** A generated hook secret: 32 random bytes, URL-safe base64 (43 characters). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * View Channel, Send Messages, Manage Messages (to delete a pasted secret), Embed Links, Read Message History, Manage Webhooks,
 * and for threads (src/threads/) Manage Threads, Create Public Threads, Send Messages in Threads.
 */
export const INVITE_PERMISSIONS = String((1n << 10n) | (1n << 11n) | (1n << 13n) | (1n << 14n) | (1n << 16n) | (1n << 29n)
  | (1n << 34n) | (1n << 35n) | (1n << 38n));

export interface Hookbot {
  port: number;
  publicUrl: string;
  /** The connected gateway client; undefined while Discord is unreachable, or while another replica leads. */
  client: Client | undefined;
  /** False when Discord refused the Message Content intent: only /hook works. */
  messageContent: boolean;
  /** For tests that wait until the work is done: the Docker watcher (`settled()`) and the pipeline's drain. */
  docker: DockerWatcher;
  /** Feeds, JSON URLs and image updates (src/poll/): `tick()` polls what is due now. */
  poller: Poller;
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The composition root: database, pipeline, HTTP listener, Discord client, Docker status, tunnel.
 * Everything outside (env, network clients) comes in through `config` and the optional overrides.
 */
export async function createHookbot(
  config: Config, baseLog: Logger, overrides: {
    clock?: Clock; tunnel?: Tunnel; dockerCoalesceWindowMs?: number; dockerBackoff?: { minMs: number; maxMs: number };
    /** Leadership timings with several replicas (src/replicas/leadership.ts); tests make them short. */
    leadership?: { pollMs?: number; checkMs?: number; timeoutMs?: number };
    /** The poller's spacing, timing and limits (src/poll/); tests make them short. */
    poll?: Partial<Pick<PollerDeps, 'hostSpacingMs' | 'intervalMs' | 'timeoutMs' | 'maxBytes'>>;
    /** Looks environment variables up for the hooks file's `secret_env` (src/main.ts passes the real environment). */
    env?: (name: string) => string | undefined;
  } = {},
): Promise<Hookbot> {
  const clock = overrides.clock ?? systemClock;
  // With several processes on one database, every log line names the process.
  const log = config.DATABASE_URL ? baseLog.child({ replica: config.REPLICA_NAME }) : baseLog;
  const { store, close: closeDb, engine } = await openStore({ databaseUrl: config.DATABASE_URL, databasePath: config.DATABASE_PATH, log });
  const metrics = createMetrics();
  // Posting has its own REST client: it does not depend on the gateway connection (or on which one survives).
  const rest = new REST({ api: config.DISCORD_API_URL, timeout: 15_000 }).setToken(config.DISCORD_TOKEN);
  const notifier = createRestNotifier(rest);
  const forwardPolicy: UrlPolicy = {
    privateAddresses: config.FORWARD_PRIVATE_ADDRESSES, allowLinkLocal: config.FORWARD_ALLOW_LINK_LOCAL === 'true',
  };
  const prefix = config.COMMAND_PREFIX;
  // Hooks declared as code, applied before anything is served; an invalid file stops the start (src/hooks-file/).
  const hooksFile = await startHooksFile(config.HOOKS_FILE, {
    store, clock, newSecret, forwardPolicy, env: overrides.env ?? (() => undefined), channelGuild: (id) => channelGuild(rest, id), log,
    routeChannel: routeChannelCheck(rest, { lenient: true }),
  }).catch(async (err: unknown) => { await closeDb(); throw err; });
  const gateway = createGatewaySession({
    log, connect: (adopt) => connectDiscord({ apiUrl: config.DISCORD_API_URL, token: config.DISCORD_TOKEN, log, setup: (c) => { adopt(c); setup(c); } }),
  });
  // Processing and posting run in a worker thread with their own database connection (src/processing/), on the
  // one process that leads (src/replicas/: with SQLite, this one, started now).
  const replica = await startReplica({
    engine, databaseUrl: config.DATABASE_URL, name: config.REPLICA_NAME, log, store, clock, metrics, gateway,
    startProcessing: () => startProcessing({ config, store, log, metrics, clock, pollMs: engine === 'postgres' ? 1500 : undefined }),
    leadership: overrides.leadership,
  });
  const pipeline = replica.processing;
  // Each replica watches its own Docker host: its watcher's bookkeeping is its own, its events name it when needed.
  const docker = createDockerWatcher({
    dockerHost: config.DOCKER_HOST, store: engine === 'postgres' ? perReplicaDockerState(store, config.REPLICA_NAME) : store,
    host: engine === 'postgres' ? config.REPLICA_NAME : undefined, clock, log, onStored: () => pipeline.kick(),
    notice: (channelId, body) => pipeline.notice(channelId, body), coalesceWindowMs: overrides.dockerCoalesceWindowMs, backoff: overrides.dockerBackoff,
  });
  // Sources that cannot push. Safe on every replica: each due source is claimed by one process (a compare-and-set).
  const poller = startPoller({
    store, clock, log, prefix, kick: () => pipeline.kick(), notice: (channelId, body, hookId) => pipeline.notice(channelId, body, hookId),
    policy: forwardPolicy, containers: dockerLister(config.DOCKER_HOST), ...overrides.poll,
  });

  const health = async (): Promise<Health> => {
    let dbOk = false;
    try { dbOk = await store.ping(); } catch { dbOk = false; }
    const role = replica.role();
    const discordUp = gateway.client?.isReady() ?? false;
    // A follower has no gateway (the leader has it): it is ready when it can store deliveries.
    const ready = dbOk && (discordUp || role === 'follower');
    return {
      ready,
      status: ready ? 'ok' : 'degraded',
      discord: role === 'follower' ? 'standby' : discordUp ? 'up' : 'down',
      docker: docker.status(),
      db: dbOk ? 'up' : 'down',
      tunnel: tunnelStatus,
      hooksFile: hooksFile?.status(),
      role, replica: replica.name,
      queue: dbOk ? await replica.queue().catch(() => undefined) : undefined,
      polls: dbOk ? await poller.status().catch(() => undefined) : undefined,
    };
  };

  let hookUrlBase = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`; // the resolved public URL, once known
  const api = createApiRouter({
    adminToken: config.ADMIN_TOKEN, store, clock, log, newSecret, forwardPolicy, kick: () => pipeline.kick(),
    publicUrl: () => hookUrlBase, channelGuild: (id) => channelGuild(rest, id), routeChannel: routeChannelCheck(rest),
  });
  // The delivery log (/ui): login links come from `!hook dashboard`; ADMIN_TOKEN on its login form shows every server.
  const web = createWebRouter({ store, clock, log, adminToken: config.ADMIN_TOKEN, publicUrl: () => hookUrlBase, kick: () => pipeline.kick() });
  const app = createApp({
    store, ingest: createIngest({ store }), onStored: () => pipeline.kick(), log, metrics, clock,
    maxBodyBytes: config.MAX_BODY_BYTES, health, prefix, metricsText: () => pipeline.metricsText(),
    rejections: createRejectionLog({ store, log }), api, web: web.router, trustProxy: config.TRUST_PROXY,
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  let tunnelStatus = 'off';

  const pub = await resolvePublicUrl({
    publicUrl: config.PUBLIC_URL, ngrokToken: config.NGROK_AUTHTOKEN, ngrokDomain: config.NGROK_DOMAIN,
    port, tunnel: overrides.tunnel ?? ngrokTunnel, log,
  });
  tunnelStatus = pub.tunnel;
  hookUrlBase = pub.url;

  await announceUrlChange({ store, pipeline, log, publicUrl: pub.url });

  const makeContext = (base: Pick<CommandContext, 'guildId' | 'channelId' | 'userId' | 'canManage'>): CommandContext => ({
    ...base, prefix, publicUrl: () => pub.url, store, clock, kick: () => pipeline.kick(),
    newSecret, dockerStatus: () => docker.status(), forwardPolicy, poll: poller, routeChannel: routeChannelCheck(rest),
  });
  const setup = (c: Client) => {
    attachChatCommands(c, { prefix, makeContext, notifier, log });
    attachSlashCommands(c, { makeContext, store, log });
    attachThreadButtons(c, { store, log });
    c.once(Events.ClientReady, (ready) => {
      const invite = `https://discord.com/oauth2/authorize?client_id=${ready.application.id}&scope=bot+applications.commands&permissions=${INVITE_PERMISSIONS}`;
      log.info({ user: ready.user.tag, guilds: ready.guilds.cache.size, invite, publicUrl: pub.url, docker: docker.status() },
        `logged in to Discord as ${ready.user.tag}; invite: ${invite}`);
      registerSlashCommands(rest, ready.application.id, config.DISCORD_GUILD_ID).then(
        () => log.info({ scope: config.DISCORD_GUILD_ID ? `guild ${config.DISCORD_GUILD_ID}` : 'global' }, '/hook registered'),
        (err) => log.error({ err: (err as Error).message }, 'could not register /hook'),
      );
      pipeline.kick();
    });
    c.on(Events.Error, (err) => log.error({ err: err.message }, 'Discord client error'));
    c.on(Events.ShardDisconnect, (ev, id) => {
      if (ev.code !== DISALLOWED_INTENTS) log.warn({ code: ev.code, shard: id }, 'gateway disconnected');
    });
  };

  log.info({
    listening: `http://${config.HOST}:${port}`, publicUrl: pub.url, tunnel: pub.tunnel, database: engine === 'postgres' ? 'PostgreSQL' : config.DATABASE_PATH,
    docker: config.DOCKER_HOST,
  }, `hookbot listening on ${config.HOST}:${port}; webhooks at ${pub.url}/webhook/…`);

  // Stored events from before a restart are processed now; Discord REST does not need the gateway.
  pipeline.kick();
  // The leader logs in to the gateway. A wrong token at start is a configuration error (exit); Discord being
  // unreachable is not: deliveries are still stored and the login is retried with backoff.
  await replica.begin();

  let stopping: Promise<void> | null = null;
  return {
    port,
    publicUrl: pub.url,
    get client() { return gateway.client; },
    get messageContent() { return gateway.messageContent; },
    docker, poller, drain: () => pipeline.drain(),
    stop() {
      stopping ??= (async () => {
        // Stop intake first: no new deliveries are accepted while the posts in flight finish.
        web.close(); // live views hold their connections open
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        await closed;
        await docker.stop();
        await poller.stop();
        await hooksFile?.stop();
        await replica.stop(); // processing finishes its posts, the gateway closes, then leadership is released
        await pub.close().catch(() => {});
        await closeDb();
      })();
      return stopping;
    },
  };
}
