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
import { createDockerWatcher, type DockerWatcher } from './docker/watcher.js';
import { isTokenError } from './lib/errors.js';
import { createApp, type Health } from './http/app.js';
import { createRejectionLog } from './http/rejection-log.js';
import { createApiRouter } from './api/router.js';
import { channelGuild } from './discord/channel-guild.js';
import { createIngest } from './ingest.js';
import { createMetrics } from './metrics.js';
import { startProcessing } from './processing/processing.js';
import { systemClock, type Clock } from './ports.js';
import { openStore } from './store/open-store.js';
import { announceUrlChange } from './announce-url-change.js';
import type { UrlPolicy } from './forward/url-policy.js';
import { ngrokTunnel, resolvePublicUrl, type Tunnel } from './tunnel.js';

/** A generated hook secret: 32 random bytes, URL-safe base64 (43 characters). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** View Channel, Send Messages, Manage Messages (to delete a pasted secret), Embed Links, Read Message History, Manage Webhooks. */
export const INVITE_PERMISSIONS = String((1n << 10n) | (1n << 11n) | (1n << 13n) | (1n << 14n) | (1n << 16n) | (1n << 29n));

export interface Hookbot {
  port: number;
  publicUrl: string;
  /** The connected gateway client; undefined while Discord is unreachable at start. */
  client: Client | undefined;
  /** False when Discord refused the Message Content intent: only /hook works. */
  messageContent: boolean;
  /** For tests that wait until the work is done: the Docker watcher (`settled()`) and the pipeline's drain. */
  docker: DockerWatcher;
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The composition root: database, pipeline, HTTP listener, Discord client, Docker status, tunnel.
 * Everything outside (env, network clients) comes in through `config` and the optional overrides.
 */
export async function createHookbot(
  config: Config, log: Logger, overrides: { clock?: Clock; tunnel?: Tunnel; dockerCoalesceWindowMs?: number; dockerBackoff?: { minMs: number; maxMs: number } } = {},
): Promise<Hookbot> {
  const clock = overrides.clock ?? systemClock;
  const { store, close: closeDb } = await openStore({ databaseUrl: config.DATABASE_URL, databasePath: config.DATABASE_PATH, log });
  const metrics = createMetrics();
  // Posting has its own REST client: it does not depend on the gateway connection (or on which one survives).
  const rest = new REST({ api: config.DISCORD_API_URL, timeout: 15_000 }).setToken(config.DISCORD_TOKEN);
  const notifier = createRestNotifier(rest);
  let client: Client | undefined;
  const forwardPolicy: UrlPolicy = {
    privateAddresses: config.FORWARD_PRIVATE_ADDRESSES, allowLinkLocal: config.FORWARD_ALLOW_LINK_LOCAL === 'true',
  };
  const prefix = config.COMMAND_PREFIX;
  // Processing and posting run in a worker thread with their own database connection (src/processing/).
  const pipeline = await startProcessing({ config, store, log, metrics, clock });
  const docker = createDockerWatcher({
    dockerHost: config.DOCKER_HOST, store, clock, log, onStored: () => pipeline.kick(),
    notice: (channelId, body) => pipeline.notice(channelId, body), coalesceWindowMs: overrides.dockerCoalesceWindowMs, backoff: overrides.dockerBackoff,
  });

  const health = async (): Promise<Health> => {
    let dbOk = false;
    try { dbOk = await store.ping(); } catch { dbOk = false; }
    const discordUp = client?.isReady() ?? false;
    return {
      ready: dbOk && discordUp,
      status: dbOk && discordUp ? 'ok' : 'degraded',
      discord: discordUp ? 'up' : 'down',
      docker: docker.status(),
      db: dbOk ? 'up' : 'down',
      tunnel: tunnelStatus,
    };
  };

  let hookUrlBase = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`; // the resolved public URL, once known
  const api = createApiRouter({
    adminToken: config.ADMIN_TOKEN, store, clock, log, newSecret, forwardPolicy, kick: () => pipeline.kick(),
    publicUrl: () => hookUrlBase, channelGuild: (id) => channelGuild(rest, id),
  });
  const app = createApp({
    store, ingest: createIngest({ store }), onStored: () => pipeline.kick(), log, metrics, clock,
    maxBodyBytes: config.MAX_BODY_BYTES, health, prefix, metricsText: () => pipeline.metricsText(),
    rejections: createRejectionLog({ store, log }), api,
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
    newSecret, dockerStatus: () => docker.status(), forwardPolicy,
  });
  const setup = (c: Client) => {
    attachChatCommands(c, { prefix, makeContext, notifier, log });
    attachSlashCommands(c, { makeContext, store, log });
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
    listening: `http://${config.HOST}:${port}`, publicUrl: pub.url, tunnel: pub.tunnel, database: config.DATABASE_PATH,
    docker: config.DOCKER_HOST,
  }, `hookbot listening on ${config.HOST}:${port}; webhooks at ${pub.url}/webhook/…`);

  // Stored events from before a restart are processed now; Discord REST does not need the gateway.
  pipeline.kick();
  let messageContent = true;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  const connect = async () => {
    const connected = await connectDiscord({ apiUrl: config.DISCORD_API_URL, token: config.DISCORD_TOKEN, log, setup });
    if (stopped) { await connected.client.destroy(); return; }
    client = connected.client;
    messageContent = connected.messageContent;
  };
  // A wrong token is a configuration error (exit); Discord being unreachable is not: keep storing deliveries
  // and retry the gateway with backoff.
  const retry = (attempt: number) => {
    const delay = Math.min(60_000, 2000 * 2 ** attempt);
    retryTimer = setTimeout(() => {
      connect().catch((err) => {
        log.error({ err: (err as Error).message, retryInMs: Math.min(60_000, 2000 * 2 ** (attempt + 1)) }, 'Discord login failed; retrying');
        if (!stopped) retry(attempt + 1);
      });
    }, delay);
    retryTimer.unref();
  };
  try {
    await connect();
  } catch (err) {
    if (isTokenError(err)) throw err;
    log.error({ err: (err as Error).message }, 'Discord is unreachable; deliveries are still stored, retrying the login');
    retry(0);
  }

  let stopping: Promise<void> | null = null;
  return {
    port,
    publicUrl: pub.url,
    get client() { return client; },
    get messageContent() { return messageContent; },
    docker, drain: () => pipeline.drain(),
    stop() {
      stopping ??= (async () => {
        // Stop intake first: no new deliveries are accepted while the posts in flight finish.
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        await closed;
        await docker.stop();
        await pipeline.stop();
        stopped = true;
        clearTimeout(retryTimer);
        await client?.destroy();
        await pub.close().catch(() => {});
        await closeDb();
      })();
      return stopping;
    },
  };
}
