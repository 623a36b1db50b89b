import { createHook } from '../src/hooks/manage.js';
import { SCHEMES, type Scheme } from '../src/http/verify.js';
import type { CommandContext, CommandResult } from './context.js';
import { chatOrigin, refusal, text } from './context.js';
import { MSG, usage } from './messages.js';
import { parseOptions } from './options.js';

export { newStandardSecret } from '../src/hooks/manage.js';

/** How a sender signs for each scheme: shown in the setup reply. */
const HOW_TO_SIGN: Record<Scheme, string> = {
  github: 'GitHub webhook secret → `X-Hub-Signature-256`',
  gitlab: 'GitLab **Secret token** → `X-Gitlab-Token`',
  stripe: 'Stripe endpoint signing secret (`whsec_…`) → `Stripe-Signature`',
  slack: 'Slack app **Signing Secret** → `X-Slack-Signature` + `X-Slack-Request-Timestamp`',
  circleci: 'CircleCI webhook **Secret token** → `circleci-signature: v1=…`',
  standard: 'Standard Webhooks / Svix secret (`whsec_…`) → `webhook-id`, `webhook-timestamp`, `webhook-signature`',
  hmac: '`X-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`',
  token: '`X-Hook-Token: <secret>` or `Authorization: Bearer <secret>`',
  none: 'no verification',
};

/** `!hook custom [<url>] [--verify scheme] [--events a,b] [--rate N]`. */
export async function customCommand(args: string[], ctx: CommandContext): Promise<CommandResult> {
  if (!ctx.canManage) return text(MSG.noPermission(ctx.prefix));
  const opts = parseOptions(args, ['verify', 'events', 'rate']);
  const u = usage('custom', ctx.prefix);
  if (!opts.ok) return text(MSG.parse(opts.error, u));
  if (opts.positional.length > 1) return text(MSG.parse(`only one forward URL, got ${opts.positional.length}`, u));
  const wanted = (opts.flags.verify ?? 'hmac').toLowerCase();
  const scheme = SCHEMES.find((s) => s === wanted);
  if (!scheme) return text(MSG.parse(`unknown scheme \`${opts.flags.verify}\`; valid: ${SCHEMES.join(', ')}`, u));
  const rate = opts.flags.rate === undefined ? 60 : Number(opts.flags.rate);
  if (!Number.isInteger(rate) || rate < 1 || rate > 100_000) return text(MSG.parse('--rate is deliveries per minute, 1 to 100000', u));
  const url = opts.positional[0];
  const forwardEvents = opts.flags.events ? opts.flags.events.split(',').map((e) => e.trim()).filter(Boolean) : ['*'];
  const created = await createHook(ctx, {
    service: 'custom', channel_id: ctx.channelId, verify: scheme, rate_limit: { per_minute: rate },
    ...(url ? { forward: { url, events: forwardEvents } } : {}),
  }, chatOrigin(ctx));
  if (!created.ok) {
    const forward = created.problem.kind === 'invalid' && created.problem.issues.find((i) => i.path[0] === 'forward');
    return forward ? text(MSG.parse(forward.message, u)) : refusal(created.problem, u);
  }
  const { hook, secret } = created.value;
  const endpoint = `${ctx.publicUrl()}/webhook/custom/${hook.id}`;
  const lines = [
    `• **URL**: \`${endpoint}\` — POST JSON (or a form with \`payload=\`)`,
    `• **Verification**: ${scheme} — ${HOW_TO_SIGN[scheme]}`,
    secret ? '• **Secret**: sent to you by DM'
      : scheme === 'none' ? '⚠️ **No verification**: anyone who knows the URL can post to this channel.'
      : `• **Secret**: paste the one ${scheme === 'stripe' ? 'Stripe' : 'Slack'} gives you with \`${ctx.prefix} ${hook.id} secret <value>\` (I delete that message at once). Until then deliveries are refused.`,
    `• **Rate limit**: ${rate} deliveries per minute (more get 429 with Retry-After)`,
    `• **Template**: \`${ctx.prefix} format ${hook.id} "🔔 {{event}}: {{message}}"\` — any JSON path works, e.g. \`{{data.object.amount}}\``,
  ];
  if (url) {
    lines.push(`• **Forward**: ${forwardEvents.includes('*') ? 'every event this channel posts' : `events ${forwardEvents.join(', ')}`} is also POSTed to ${url} as Standard Webhooks–signed JSON \`{type, timestamp, data}\`; the signing secret is in your DM.`);
  }
  const dm = [
    secret ? `🔑 Secret for **${hook.id}** (custom hook in <#${ctx.channelId}>, ${scheme}):\n\`\`\`\n${secret}\n\`\`\`` : '',
    hook.forwardSecret ? `✍️ Forwards to ${url} are signed with this Standard Webhooks secret (verify with any Standard Webhooks library):\n\`\`\`\n${hook.forwardSecret}\n\`\`\`` : '',
  ].filter(Boolean).join('\n');
  return {
    reply: {
      embeds: [{ title: `✅ Custom hook ${hook.id} created`, color: 0x2da44e, description: lines.join('\n') }],
      allowed_mentions: { parse: [] },
    },
    ...(dm ? {
      secret: { content: dm, allowed_mentions: { parse: [] } },
      secretUndelivered: `⚠️ I couldn't DM you the secret — your direct messages are closed for this server. Allow DMs from server members, then run \`${ctx.prefix} ${hook.id} secret <new value>\` or recreate the hook.`,
    } : {}),
  };
}
