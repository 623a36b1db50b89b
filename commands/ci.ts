import type { CommandContext, CommandResult } from './context.js';
import { enableServiceHook, refusal, text } from './context.js';
import { MSG, usage } from './messages.js';
import { offCommand } from './off.js';

/** The setup of each platform: where the URL goes, which events to tick, where the secret goes. */
function ciSetup(url: string): string[] {
  return [
    '**GitLab CI** — project (or group) **Settings → Webhooks → Add new webhook**:',
    `• **URL**: \`${url}\` · **Secret token**: the secret (sent to you by DM)`,
    '• **Trigger**: ✅ Pipeline events, ✅ Job events (optional: Push, Tag push, Merge request, Releases)',
    '**GitHub Actions** — repository **Settings → Webhooks → Add webhook**:',
    `• **Payload URL**: \`${url}\` · **Content type**: \`application/json\` · **Secret**: the secret`,
    '• **Let me select individual events**: ✅ Workflow runs, ✅ Workflow jobs (or Check suites + Check runs for other CI apps)',
    '**CircleCI** — **Project Settings → Webhooks → Add Webhook**:',
    `• **Receiver URL**: \`${url}\` · **Secret token**: the secret · **Events**: ✅ Workflow Completed, ✅ Job Completed`,
    '**Jenkins** — Notification plugin: **Job → Configure → Job Notifications → Add Endpoint**:',
    `• Format **JSON**, Protocol **HTTP**, Event **All Events**, URL \`${url}?token=<secret>\` (keep it in a Secret text credential)`,
    '• Or from a pipeline: `httpRequest` POST JSON `{"project", "build", "status", "stage"}` with header `X-Hook-Token: <secret>`',
  ];
}

/** `!hook ci on` / `!hook ci off`: one URL and one secret for GitLab CI, GitHub Actions, CircleCI and Jenkins. */
export async function ciCommand(args: string[], ctx: CommandContext): Promise<CommandResult> {
  const [mode, ...rest] = args;
  if (mode?.toLowerCase() === 'off') return offCommand('ci', ctx);
  if (mode?.toLowerCase() !== 'on') {
    return text(MSG.parse(mode ? `\`${mode}\` is not \`on\` or \`off\`.` : 'Say `on` or `off`.', usage('ci', ctx.prefix)));
  }
  if (!ctx.canManage) return text(MSG.noPermission(ctx.prefix));
  if (rest.length) return text(MSG.parse(`unexpected \`${rest.join(' ')}\` (the platform is detected from each delivery)`, usage('ci', ctx.prefix)));
  const r = await enableServiceHook(ctx, 'ci', () => ({}));
  if (!r.ok) return refusal(r.problem, usage('ci', ctx.prefix));
  const { hook, existing } = r.value;
  const verb = !existing ? 'created' : existing.enabled ? 'is already on' : 're-enabled';
  const url = `${ctx.publicUrl()}/webhook/ci/${hook.id}`;
  return {
    reply: {
      embeds: [{
        title: `✅ CI hook ${hook.id} ${verb}`,
        color: 0x2da44e,
        description: [
          'One URL and one secret for **GitLab CI, GitHub Actions, CircleCI and Jenkins**: the platform is detected from each delivery.',
          `**URL**: \`${url}\``,
          '',
          ...ciSetup(url),
          '',
          'Each run gets one message that is edited as jobs and stages finish; the outcome is posted on its own '
            + '(❌ broken · 🔁 still failing, quietly · ✅ fixed, per project and branch).',
          `Narrow it with e.g. \`${ctx.prefix} ci filter branch=main status=failed platform=gitlab\`; try \`${ctx.prefix} test ${hook.id}\`.`,
        ].join('\n'),
      }],
      allowed_mentions: { parse: [] },
    },
    secret: {
      content: `🔑 Secret for **${hook.id}** (CI hook in <#${ctx.channelId}>):\n\`\`\`\n${hook.secret}\n\`\`\`\n`
        + `GitLab: **Secret token** · GitHub: **Secret** · CircleCI: **Secret token** · Jenkins: \`${url}?token=${hook.secret}\` or header \`X-Hook-Token\`.`,
      allowed_mentions: { parse: [] },
    },
    secretUndelivered: `⚠️ I couldn't DM you the secret — your direct messages are closed for this server. `
      + `Enable **Allow direct messages from server members** (server name → Privacy Settings), then run \`${ctx.prefix} ci on\` again: it sends the same secret.`,
  };
}
