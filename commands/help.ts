import { SCHEMES } from '../src/http/verify.js';
import type { CommandContext, CommandResult } from './context.js';

/** The command list with one example each (the contract's table). */
export function helpText(p: string): string {
  return [
    '**hookbot commands** (Manage Webhooks needed for changes; `<ref>` = a hook id or, here, its service)',
    `\`${p} github on [--events push,pr,issues,release,workflow|all] [--repo owner/name]\` — GitHub events here`,
    `\`${p} ci on\` — GitLab CI, GitHub Actions, CircleCI and Jenkins pipelines, one URL`,
    `\`${p} docker on [--containers web,db] [--events start,die,oom,health,build]\` — container and image events`,
    `\`${p} docker updates [--every 6h]\` — newer image digests for running containers`,
    `\`${p} poll <url> [--every 5m] [--items <path>] [--id <field>]\` — watch a feed or JSON URL (again = resume)`,
    `\`${p} custom [<url>] [--verify ${SCHEMES.join('|')}]\` — any JSON; <url> also forwards, signed`,
    `\`${p} list\` · \`${p} test <id>\` · \`${p} delete <id>\` · \`${p} <ref> off\` · \`${p} <ref> explain\``,
    `\`${p} format <ref>[-<event>] "<template>"|reset\` — your own mustache layout. e.g. \`${p} format github-push "📦 {{author}} → {{branch}}"\``,
    `\`${p} <ref> filter key=value …|clear\` — only matching events. e.g. \`${p} github filter branch=main\``,
    `\`${p} <ref> aggregate 5m|off\` — one digest per window`,
    `\`${p} <ref> alert-if "<expr>" [--ping @role]\` — an alert when a rule becomes true. e.g. \`${p} github alert-if "pr.status == 'approved'"\``,
    `\`${p} <ref> route add "event=release" #channel|list|remove <n>\` — send matching events to other channels`,
    `\`${p} <ref> threads on|off\` — a thread per pull request, issue or pipeline`,
    `\`${p} <ref> secret [<value>]\` — a provider's secret (the message is deleted; \`/hook secret\` asks privately)`,
    `\`${p} <id> replay\` — re-send failed forwards · \`${p} dashboard\` — a private link to the delivery log`,
  ].join('\n');
}

export function helpCommand(_args: string[], ctx: CommandContext): Promise<CommandResult> {
  return Promise.resolve({ reply: { content: helpText(ctx.prefix), allowed_mentions: { parse: [] } } });
}
