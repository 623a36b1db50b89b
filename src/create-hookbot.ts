import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, GatewayIntentBits, Partials, Events } from 'discord.js';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { CommandContext } from '../commands/index.js';
import { attachChatCommands } from './discord/chat-commands.js';
import { createRestNotifier } from './discord/notifier.js';
import { watchDockerStatus } from './docker/docker-status.js';
import { createApp, type Health } from './http/app.js';
import { createMetrics } from './metrics.js';
import { createPipeline } from './pipeline.js';
import { systemClock, type Clock } from './ports.js';
import { openDatabase } from './store/open-database.js';
import { startRetention } from './retention.js';
import { createStore } from './store/store.js';
import { ngrokTunnel, resolvePublicUrl, type Tunnel } from './tunnel.js';

/** A generated hook secret: 32 random bytes, URL-safe base64 (43 characters). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** View Channel, Send Messages, Embed Links, Read Message History, Manage Webhooks. */
export const INVITE_PERMISSIONS = String((1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 16n) | (1n << 29n));

export interface Hookbot {
  port: number;
  publicUrl: string;
  client: Client;
  stop(): Promise<void>;
}

/**
 * The composition root: database, pipeline, HTTP listener, Discord client, Docker status, tunnel.
 * Everything outside (env, network clients) comes in through `config` and the optional overrides.
 */
export async function createHookbot(config: Config, log: Logger, overrides: { clock?: Clock; tunnel?: Tunnel } = {}): Promise<Hookbot> {
  const clock = overrides.clock ?? systemClock;
  const { db, close: closeDb } = openDatabase(config.DATABASE_PATH);
  const store = createStore(db);
  const metrics = createMetrics();
  const client = new Client({
    intents: [
      GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent,
      GatewayIntentBits.DirectMessages,
    ],
    partials: [Partials.Channel],
    rest: { api: config.DISCORD_API_URL, timeout: 15_000 },
  });
  client.rest.setToken(config.DISCORD_TOKEN);
  const notifier = createRestNotifier(client.rest);
  const pipeline = createPipeline({ store, notifier, clock, log, metrics });
  const docker = watchDockerStatus(config.DOCKER_HOST, log);
  const retention = startRetention({ store, clock, log, days: config.RETENTION_DAYS, maxEvents: config.MAX_STORED_EVENTS });

  const health = async (): Promise<Health> => {
    let dbOk = false;
    try { dbOk = await store.ping(); } catch { dbOk = false; }
    const discordUp = client.isReady();
    return {
      ready: dbOk && discordUp,
      status: dbOk && discordUp ? 'ok' : 'degraded',
      discord: discordUp ? 'up' : 'down',
      docker: docker.status(),
      db: dbOk ? 'up' : 'down',
    };
  };

  const app = createApp({
    store, onStored: () => pipeline.kick(), log, metrics, clock, maxBodyBytes: config.MAX_BODY_BYTES, health,
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;

  const pub = await resolvePublicUrl({
    publicUrl: config.PUBLIC_URL, ngrokToken: config.NGROK_AUTHTOKEN, ngrokDomain: config.NGROK_DOMAIN,
    port, tunnel: overrides.tunnel ?? ngrokTunnel, log,
  });

  const makeContext = (base: Pick<CommandContext, 'guildId' | 'channelId' | 'userId' | 'canManage'>): CommandContext => ({
    ...base, prefix: config.COMMAND_PREFIX, publicUrl: () => pub.url, store, clock, kick: () => pipeline.kick(),
    newSecret, dockerStatus: () => docker.status(),
  });
  attachChatCommands(client, { prefix: config.COMMAND_PREFIX, makeContext, notifier, log });

  client.once(Events.ClientReady, (c) => {
    const invite = `https://discord.com/oauth2/authorize?client_id=${c.application.id}&scope=bot+applications.commands&permissions=${INVITE_PERMISSIONS}`;
    log.info({ user: c.user.tag, guilds: c.guilds.cache.size, invite }, `logged in to Discord as ${c.user.tag}; invite: ${invite}`);
    pipeline.kick();
  });
  client.on(Events.Error, (err) => log.error({ err: err.message }, 'Discord client error'));
  client.on(Events.ShardDisconnect, (ev, id) => log.warn({ code: ev.code, shard: id }, 'gateway disconnected'));

  log.info({
    listening: `http://${config.HOST}:${port}`, publicUrl: pub.url, tunnel: pub.tunnel, database: config.DATABASE_PATH,
    docker: config.DOCKER_HOST,
  }, `hookbot listening on ${config.HOST}:${port}; webhooks at ${pub.url}/webhook/…`);

  // Stored events from before a restart are processed now; Discord REST does not need the gateway.
  pipeline.kick();
  await client.login(config.DISCORD_TOKEN);

  let stopping: Promise<void> | null = null;
  return {
    port,
    publicUrl: pub.url,
    client,
    stop() {
      stopping ??= (async () => {
        // Stop intake first: no new deliveries are accepted while the posts in flight finish.
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        await closed;
        await pipeline.stop();
        docker.stop();
        retention.stop();
        await client.destroy();
        await pub.close().catch(() => {});
        closeDb();
      })();
      return stopping;
    },
  };
}
