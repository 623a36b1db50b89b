import { randomBytes } from 'node:crypto';
import { checkForwardUrl, DEFAULT_URL_POLICY } from '../src/forward/url-policy.js';
import { SCHEMES, type Scheme } from '../src/http/verify.js';
import type { CommandContext, CommandResult } from './context.js';
import { text } from './context.js';
import { MSG, usage } from './messages.js';
import { parseOptions } from './options.js';

/** A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function newStandardSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Schemes whose secret the provider issues (the user sets it with `secret`); the rest get a generated one. */
const PROVIDER_ISSUED = new Set<Scheme>(['stripe', 'slack']);

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
  if (url) {
    const problem = await checkForwardUrl(url, ctx.forwardPolicy ?? DEFAULT_URL_POLICY);
    if (problem) return text(MSG.parse(`that forward URL is refused: ${problem}`, u));
  }
  const forwardEvents = opts.flags.events ? opts.flags.events.split(',').map((e) => e.trim()).filter(Boolean) : ['*'];
  const secret = scheme === 'none' || PROVIDER_ISSUED.has(scheme) ? '' : scheme === 'standard' ? newStandardSecret() : ctx.newSecret();
  const hook = await ctx.store.createHook({
    guildId: ctx.guildId, channelId: ctx.channelId, userId: ctx.userId, service: 'custom', secret, verify: scheme,
    events: ['*'], filters: {}, templates: {}, enabled: true, createdAt: new Date(ctx.clock.now()).toISOString(),
    rateLimit: rate,
    ...(url ? { url, forwardSecret: newStandardSecret(), forwardEvents, forwardState: 'ok' } : {}),
  });
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
