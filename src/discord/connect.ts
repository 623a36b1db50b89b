import { Client, Events, GatewayIntentBits, Partials } from 'discord.js';
import type { Logger } from 'pino';

/** Gateway close code when a privileged intent is not enabled in the developer portal. */
export const DISALLOWED_INTENTS = 4014;

const MESSAGE_CONTENT_HINT = 'Discord refused the Message Content intent (4014): enable it at '
  + 'https://discord.com/developers/applications → your application → Bot → Privileged Gateway Intents → '
  + 'Message Content Intent, then restart. Running with /hook slash commands only until then.';

function makeClient(apiUrl: string, withMessageContent: boolean): Client {
  return new Client({
    intents: [
      GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages,
      ...(withMessageContent ? [GatewayIntentBits.MessageContent] : []),
    ],
    partials: [Partials.Channel],
    rest: { api: apiUrl, timeout: 15_000 },
  });
}

/**
 * Logs in to the gateway. When Discord closes with 4014 (Message Content intent not enabled), says exactly where
 * to enable it and logs in again without that intent, so slash commands and notifications keep working.
 * `setup` attaches the handlers to whichever client ends up connected.
 */
export async function connectDiscord(opts: {
  apiUrl: string; token: string; log: Logger; setup: (client: Client) => void;
}): Promise<{ client: Client; messageContent: boolean }> {
  const first = makeClient(opts.apiUrl, true);
  opts.setup(first);
  const refused = new Promise<'4014'>((resolve) => {
    first.on(Events.ShardDisconnect, (ev) => { if (ev.code === DISALLOWED_INTENTS) resolve('4014'); });
  });
  const outcome = await Promise.race([
    first.login(opts.token).then(() => 'ok' as const, async (err: Error & { code?: string }) => {
      if (err.code === 'DisallowedIntents' || /disallowed intents/i.test(err.message)) return '4014' as const;
      await first.destroy().catch(() => {});
      throw err;
    }),
    refused,
  ]);
  if (outcome === 'ok') return { client: first, messageContent: true };
  opts.log.error(MESSAGE_CONTENT_HINT);
  await first.destroy();
  const second = makeClient(opts.apiUrl, false);
  opts.setup(second);
  await second.login(opts.token);
  return { client: second, messageContent: false };
}

