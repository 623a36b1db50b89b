import { DEFAULT_GITHUB_EVENTS, GITHUB_EVENTS, githubEventLabels, resolveGithubEvents } from '../parsers/github-events.js';
import type { CommandContext, CommandResult } from './context.js';
import { filterSettings } from '../src/hooks/settings.js';
import { enableServiceHook, refusal, text } from './context.js';
import { MSG, usage } from './messages.js';
import { parseOptions } from './options.js';
import { offCommand } from './off.js';

/** `!hook github on [--events …] [--repo owner/name]` and `!hook github off`. */
export async function githubCommand(args: string[], ctx: CommandContext): Promise<CommandResult> {
  const [mode, ...rest] = args;
  if (mode?.toLowerCase() === 'off') return offCommand('github', ctx);
  if (mode?.toLowerCase() !== 'on') {
    return text(MSG.parse(mode ? `\`${mode}\` is not \`on\` or \`off\`.` : 'Say `on` or `off`.', usage('github', ctx.prefix)));
  }
  if (!ctx.canManage) return text(MSG.noPermission(ctx.prefix));
  const opts = parseOptions(rest, ['events', 'repo']);
  if (!opts.ok) return text(MSG.parse(opts.error, usage('github', ctx.prefix)));
  if (opts.positional.length) return text(MSG.parse(`unexpected \`${opts.positional.join(' ')}\``, usage('github', ctx.prefix)));
  let events = DEFAULT_GITHUB_EVENTS;
  if (opts.flags.events) {
    const r = resolveGithubEvents(opts.flags.events);
    if (!r.ok) {
      const valid = Object.values(GITHUB_EVENTS).map((e) => e.aliases[0]).join(', ');
      return text(MSG.parse(`unknown event${r.unknown.length > 1 ? 's' : ''} ${r.unknown.map((u) => `\`${u}\``).join(', ')}; valid: ${valid}, all`, usage('github', ctx.prefix)));
    }
    events = r.events;
  }
  const repo = opts.flags.repo;
  if (repo && !/^[\w.-]+\/[\w.-]+$/.test(repo)) {
    return text(MSG.parse(`\`${repo}\` is not a repository name like \`owner/name\``, usage('github', ctx.prefix)));
  }
  const r = await enableServiceHook(ctx, 'github',
    (before) => ({ events, filters: { ...filterSettings(before?.filters ?? {}), ...(repo ? { repo } : {}) } }));
  if (!r.ok) return refusal(r.problem, usage('github', ctx.prefix));
  const { hook, existing } = r.value;
  const verb = !existing ? 'created' : existing.enabled ? 'updated' : 're-enabled';
  const url = `${ctx.publicUrl()}/webhook/github/${hook.id}`;
  return {
    reply: {
      embeds: [{
        title: `✅ GitHub hook ${hook.id} ${verb}`,
        color: 0x2da44e,
        description: [
          `In your repository (or organization): **Settings → Webhooks → Add webhook**, then:`,
          `• **Payload URL**: \`${url}\``,
          '• **Content type**: `application/json`',
          '• **Secret**: sent to you by DM',
          '• **SSL verification**: enabled',
          `• **Which events?** Let me select individual events: ${githubEventLabels(events)}`,
          '• **Active**: ticked',
          '',
          `GitHub sends a ping right away; it shows up here as “GitHub hook connected”. Try \`${ctx.prefix} test ${hook.id}\` for a sample push.`,
        ].join('\n'),
        fields: repo ? [{ name: 'Repository', value: repo, inline: true }] : undefined,
      }],
      allowed_mentions: { parse: [] },
    },
    secret: {
      content: `🔑 Secret for **${hook.id}** (GitHub webhook in <#${ctx.channelId}>):\n\`\`\`\n${hook.secret}\n\`\`\`\n`
        + `Paste it into the webhook's **Secret** field. Payload URL: ${url}`,
      allowed_mentions: { parse: [] },
    },
    secretUndelivered: `⚠️ I couldn't DM you the secret — your direct messages are closed for this server. `
      + `Enable **Allow direct messages from server members** (server name → Privacy Settings), then run \`${ctx.prefix} github on\` again: it sends the same secret.`,
  };
}
