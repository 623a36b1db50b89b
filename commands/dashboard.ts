import { issueLoginLink, LOGIN_LINK_TTL_MS } from '../src/web/login-token.js';
import type { CommandContext, CommandResult } from './context.js';
import { text } from './context.js';
import { MSG } from './messages.js';

/**
 * `!hook dashboard`: a one-time link to the delivery log (`/ui`) showing this server's hooks only. The link goes to
 * the invoker alone (by DM; `/hook dashboard` answers ephemerally); the channel only hears that it was sent.
 * The link is wrapped in `<…>` so Discord shows no preview (a preview would not use it, but it need not be fetched).
 */
export async function dashboardCommand(_args: string[], ctx: CommandContext): Promise<CommandResult> {
  // The log holds payloads and sender headers: the same people who may change hooks may read it.
  if (!ctx.canManage) return text(MSG.noPermission(ctx.prefix));
  const minutes = LOGIN_LINK_TTL_MS / 60_000;
  const link = await issueLoginLink(ctx, { guildId: ctx.guildId, userId: ctx.userId });
  return {
    ...text(`🔗 I sent you a login link to the delivery log by DM (valid ${minutes} minutes, works once).`),
    secret: {
      content: `🔗 Delivery log of this server's hooks: <${link.url}>\n`
        + `Valid ${minutes} minutes (until <t:${Math.floor(Date.parse(link.expiresAt) / 1000)}:t>) and works once. Don't share it: it logs in whoever opens it.`,
      allowed_mentions: { parse: [] },
    },
    secretUndelivered: `⚠️ I couldn't DM you the link — your direct messages are closed for this server. `
      + `Use \`/hook dashboard\` (it answers only you), or allow direct messages from server members and run \`${ctx.prefix} dashboard\` again.`,
  };
}
