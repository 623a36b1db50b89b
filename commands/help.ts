import { SCHEMES } from '../src/http/verify.js';
import type { CommandContext, CommandResult } from './context.js';

/** The command list with one example each (the contract's table). */
export function helpText(p: string): string {
  return [
    '**hookbot commands** (Manage Webhooks needed for changes)',
    `\`${p} github on [--events push,pr,issues,release,workflow|all] [--repo owner/name]\` — GitHub events here. e.g. \`${p} github on --events push,pr\``,
    `\`${p} github off\` / \`${p} <ref> off\` — pause a hook (URL answers 404). e.g. \`${p} hook_001 off\``,
    `\`${p} delete <id>\` — remove a hook`,
    `\`${p} list\` — hooks of this server with status and last delivery`,
    `\`${p} test <id>\` — a sample event through the whole pipeline`,
    `\`${p} format <ref>[-<event>] "<template>"\` — your own mustache layout. e.g. \`${p} format github-push "📦 {{author}} → {{branch}}"\``,
    `\`${p} format <ref>[-<event>] reset\` — back to the default layout. e.g. \`${p} format github reset\``,
    `\`${p} docker on [--containers web,db] [--events build,start,stop,die,oom,health]\` — container and image events. e.g. \`${p} docker on --containers web --events die,oom\``,
    `\`${p} docker updates [--every 6h]\` — tell this channel when a running container's image tag has a newer digest in its registry`,
    `\`${p} poll <url> [--every 5m] [--items <path>] [--id <field>]\` — watch an RSS/Atom/JSON feed or a JSON URL; the same again resumes it. e.g. \`${p} poll https://github.com/nodejs/node/releases.atom\``,
    `\`${p} ci on\` — GitLab CI, GitHub Actions, CircleCI and Jenkins pipelines, one URL`,
    `\`${p} custom [<url>] [--verify scheme] [--events a,b] [--rate 60]\` — an endpoint for any JSON (schemes: ${SCHEMES.join(' ')}); <url> also forwards, signed. e.g. \`${p} custom --verify stripe\``,
    `\`${p} <ref> filter key=value …\` / \`filter clear\` — only matching events (AND-ed; \`!=\`, \`a,b\`, \`release/*\`). e.g. \`${p} github filter branch=main\``,
    `\`${p} <ref> aggregate 5m\` / \`aggregate off\` — one digest per window (30s–24h). e.g. \`${p} github aggregate 15m\``,
    `\`${p} <ref> alert-if "<expr>" [--ping @role]\` — an extra alert when a rule becomes true. e.g. \`${p} github alert-if "pr.status == 'approved' and pr.reviews >= 2" --ping @devops\``,
    `\`${p} <ref> explain\` — why the latest event was kept or dropped`,
    `\`${p} <ref> secret <value>\` — set a provider-issued secret (the message is deleted). e.g. \`${p} hook_002 secret whsec_…\``,
    `\`${p} <id> replay\` — re-send the forwards that failed. e.g. \`${p} hook_002 replay\``,
    `\`${p} help\` — this list`,
  ].join('\n');
}

export function helpCommand(_args: string[], ctx: CommandContext): Promise<CommandResult> {
  return Promise.resolve({ reply: { content: helpText(ctx.prefix), allowed_mentions: { parse: [] } } });
}
