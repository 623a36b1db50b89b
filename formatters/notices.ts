import type { DiscordMessage } from '../src/types.js';

/**
 * Every operator-facing notice hookbot posts on its own (not as the rendering of an event), in one place.
 * `p` is the configured command prefix (`COMMAND_PREFIX`, `!hook` by default). Notices never mention anyone.
 */
const notice = (content: string): DiscordMessage => ({ content, allowed_mentions: { parse: [] } });

/** The command prefix when `COMMAND_PREFIX` is not set. */
export const DEFAULT_PREFIX = '!hook';

export const NOTICE = {
  /** DM to a hook's creator: Discord refused a post for good (missing permission, unknown channel…). */
  postFailed: (p: string, o: { hookId: string; channelId: string; reason: string; discordCode?: number; httpStatus?: number }) => {
    const hint = o.discordCode === 50013 || o.discordCode === 50001
      ? 'Give me **View Channel**, **Send Messages** and **Embed Links** in that channel.'
      : o.httpStatus === 404 ? `The channel seems to be gone: run \`${p} delete ${o.hookId}\` or recreate the hook in another channel.`
      : 'Check the bot\'s access to that channel.';
    return notice(`⚠️ hookbot could not post to <#${o.channelId}> for **${o.hookId}**: ${o.reason}. ${hint} `
      + 'Events keep being stored; new ones are posted once this is fixed.');
  },
  /** A forward target answered 410 Gone: forwarding is off. */
  forwardGone: (p: string, o: { hookId: string; url: string | null }) =>
    notice(`⛔ The forward of **${o.hookId}** to ${o.url} answered **410 Gone**, so forwarding is off. Set it again with \`${p} custom <url>\`; \`${p} ${o.hookId} replay\` re-sends what failed.`),
  /** A forward failed after its last retry. */
  forwardFailing: (p: string, o: { hookId: string; url: string | null; why: string }) =>
    notice(`⚠️ Forwarding from **${o.hookId}** to ${o.url} keeps failing (${o.why}); events are kept. Fix the receiver, then \`${p} ${o.hookId} replay\` re-sends them.`),
  /** The Docker socket went away / came back. */
  dockerDown: (o: { dockerHost: string; why?: string }) =>
    notice(`🔌 hookbot lost the Docker socket (${o.dockerHost}${o.why ? `: ${o.why}` : ''}). Events are replayed when it is back.`),
  dockerUp: () => notice('🔌 Docker is back; events from the gap are being replayed.'),
  /** A poll hook's source kept failing for a day: it is paused until someone resumes it (told once). */
  pollPaused: (p: string, o: { hookId: string; what: string; since: string; why: string; resume: { command: string } | { file: string } | { api: true } }) => {
    const how = 'command' in o.resume ? `run \`${p} ${o.resume.command}\` here` : 'file' in o.resume ? `save ${o.resume.file} again`
      : `PATCH /api/v1/hooks/${o.hookId} with its poll setting`;
    return notice(`⏸️ **${o.hookId}** stopped polling ${o.what}: it has failed since <t:${Math.floor(Date.parse(o.since) / 1000)}:f> (last: ${o.why}). `
      + `Items still in the source are not lost. Fix it, then ${how} to resume.`);
  },
  /** The public URL changed since the last run: the URLs to paste at each sender. */
  urlChanged: (o: { previous: string; publicUrl: string; hooks: { id: string; service: string }[] }) => notice([
    `🔁 hookbot's public URL changed from ${o.previous} to **${o.publicUrl}**. Update the webhook URL at the sender:`,
    ...o.hooks.map((h) => `• **${h.id}** (${h.service}): \`${o.publicUrl}/webhook/${h.service}/${h.id}\``),
    'Set NGROK_DOMAIN (a reserved domain) or PUBLIC_URL to keep one URL across restarts.',
  ].join('\n')),
  /** Discord refused to open a thread for a hook with threads on: what to grant (told once per channel). */
  threadsNeedPermissions: (p: string, o: { hookId: string; channelId: string }) =>
    notice(`🧵 I could not open a thread in <#${o.channelId}> for **${o.hookId}**: give me **Create Public Threads** and `
      + '**Send Messages in Threads** here (and **Manage Threads** for the Mute button). Until then its events are posted in the channel; '
      + `threads are opened again once I may. \`${p} ${o.hookId} threads off\` stops trying.`),
  /** A command typed in a DM. */
  noGuild: 'hookbot commands work in a server channel, not in DMs.',
  /** The reply when a slash command threw. */
  commandCrashed: '⚠️ Something went wrong running that command; it is logged.',
  /** The bot could not delete a message in which someone pasted a secret. */
  secretNotDeleted: '⚠️ I could not delete your message (I need **Manage Messages** here): delete it yourself, and consider the secret exposed.',
  /** A delivery to a hook that has no secret yet (HTTP 401 body). */
  noSecretYet: (p: string) => `this hook has no secret yet: set it with ${p} <id> secret <value>`,
} as const;
