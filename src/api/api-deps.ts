import type { Logger } from 'pino';
import type { ChannelGuild } from '../discord/channel-guild.js';
import type { UrlPolicy } from '../forward/url-policy.js';
import type { Clock } from '../ports.js';
import type { Store } from '../store/store.js';
import type { RouteChannelCheck } from '../hooks/route-settings.js';

/** What the HTTP API needs, given by the composition root. */
export interface ApiDeps {
  /** `ADMIN_TOKEN`; undefined turns the API off (every route answers 404 saying how to turn it on). */
  adminToken: string | undefined;
  store: Store;
  clock: Clock;
  log: Logger;
  /** A generated hook secret. */
  newSecret: () => string;
  forwardPolicy?: UrlPolicy;
  /** Stored events are waiting: wake the pipeline. */
  kick: () => void;
  /** The base of hook URLs (`PUBLIC_URL`, the tunnel, or localhost). */
  publicUrl: () => string;
  /** The server a channel is in, from Discord. */
  channelGuild: (channelId: string) => Promise<ChannelGuild>;
  /** Whether the bot may post a route's channel (src/discord/route-channel.ts). */
  routeChannel?: RouteChannelCheck;
}
