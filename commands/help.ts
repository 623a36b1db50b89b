import type { CommandContext, CommandResult } from './context.js';

/** The command list with one example each (the contract's table). */
export function helpText(p: string): string {
  return [
    '**hookbot commands** (Manage Webhooks needed for changes)',
    `\`${p} github on [--events push,pr,issues,release,workflow|all] [--repo owner/name]\` — GitHub events here. e.g. \`${p} github on --events push,pr --repo acme/api\``,
    `\`${p} github off\` / \`${p} <ref> off\` — pause a hook (URL answers 404). e.g. \`${p} hook_001 off\``,
    `\`${p} delete <id>\` — remove a hook. e.g. \`${p} delete hook_001\``,
    `\`${p} list\` — hooks of this server with status and last delivery`,
    `\`${p} test <id>\` — a sample event through the whole pipeline. e.g. \`${p} test hook_001\``,
    `\`${p} format <ref>[-<event>] "<template>"\` — your own mustache layout. e.g. \`${p} format github-push "📦 {{author}} pushed {{commit_count}} to {{branch}}"\``,
    `\`${p} format <ref>[-<event>] reset\` — back to the default layout. e.g. \`${p} format github reset\``,
    `\`${p} docker on [--containers web,db] [--events build,start,stop,die,oom,health]\` — container and image events from the Docker socket. e.g. \`${p} docker on --containers web,db --events die,oom,health\``,
    `\`${p} custom [<url>] [--verify github|gitlab|stripe|slack|circleci|standard|hmac|token|none] [--events a,b] [--rate 60]\` — an endpoint for any JSON; with <url>, this channel's events are forwarded there, signed. e.g. \`${p} custom https://example.com/in --verify stripe\``,
    `\`${p} <ref> aggregate 5m\` / \`aggregate off\` — one digest per window (30s–24h); failures still post at once. e.g. \`${p} github aggregate 15m\``,
    `\`${p} <ref> explain\` — replays the latest real event through the current rules: kept or dropped, and why. e.g. \`${p} github explain\``,
    `\`${p} <ref> secret <value>\` — set a provider-issued secret (the message is deleted). e.g. \`${p} hook_002 secret whsec_…\``,
    `\`${p} <id> replay\` — re-send the forwards that failed. e.g. \`${p} hook_002 replay\``,
    `\`${p} help\` — this list`,
    'Coming later: `ci on`, `alert-if`.',
  ].join('\n');
}

export function helpCommand(_args: string[], ctx: CommandContext): Promise<CommandResult> {
  return Promise.resolve({ reply: { content: helpText(ctx.prefix), allowed_mentions: { parse: [] } } });
}
