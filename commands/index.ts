import type { CommandContext, CommandResult } from './context.js';
import { text } from './context.js';
import { deleteCommand } from './delete.js';
import { formatCommand } from './format.js';
import { githubCommand } from './github.js';
import { helpCommand, helpText } from './help.js';
import { listCommand } from './list.js';
import { offCommand } from './off.js';
import { testCommand } from './test.js';
import { customCommand } from './custom.js';
import { dockerCommand } from './docker.js';
import { ciCommand } from './ci.js';
import { secretCommand } from './secret.js';
import { replayCommand } from './replay.js';
import { filterCommand } from './filter.js';
import { explainCommand } from './explain.js';
import { aggregateCommand } from './aggregate.js';
import { alertIfCommand } from './alert-if.js';
import { threadsCommand } from './threads.js';
import { dashboardCommand } from './dashboard.js';
import { pollCommand } from './poll.js';
import { routeCommand } from './route.js';
import { tokenize } from './tokenize.js';

export type { CommandContext, CommandResult } from './context.js';

type Verb = (args: string[], ctx: CommandContext) => Promise<CommandResult>;

const VERBS: Record<string, Verb> = {
  help: helpCommand,
  github: githubCommand,
  list: listCommand,
  delete: deleteCommand,
  remove: deleteCommand,
  test: testCommand,
  format: formatCommand,
  custom: customCommand,
  docker: dockerCommand,
  ci: ciCommand,
  poll: pollCommand,
  dashboard: dashboardCommand,
};

/** Runs one command given its arguments (after the prefix). Shared by `!hook` and `/hook`. */
export async function runCommand(args: string[], ctx: CommandContext): Promise<CommandResult> {
  const [first, ...rest] = args;
  if (!first) return helpCommand([], ctx);
  const verb = first.toLowerCase();
  // `!hook <ref> <action>` first: a service name is also a ref (`!hook github filter …`).
  const REF_ACTIONS = new Set(['off', 'secret', 'replay', 'filter', 'aggregate', 'alert-if', 'explain', 'threads', 'route']);
  if (VERBS[verb] && !(rest[0] && REF_ACTIONS.has(rest[0].toLowerCase()) && verb !== 'delete' && verb !== 'test')) return VERBS[verb](rest, ctx);
  // `!hook <ref> <action> …`
  const action = rest[0]?.toLowerCase();
  if (action === 'off') return offCommand(first, ctx);
  if (action === 'secret') return secretCommand(first, rest.slice(1), ctx);
  if (action === 'replay') return replayCommand(first, ctx);
  if (action === 'filter') return filterCommand(first, rest.slice(1), ctx);
  if (action === 'explain') return explainCommand(first, ctx);
  if (action === 'aggregate') return aggregateCommand(first, rest.slice(1), ctx);
  if (action === 'alert-if') return alertIfCommand(first, rest.slice(1), ctx);
  if (action === 'threads') return threadsCommand(first, rest.slice(1), ctx);
  if (action === 'route') return routeCommand(first, rest.slice(1), ctx);
  return text(`❓ I don't know \`${first}${action ? ` ${rest[0]}` : ''}\`.\n\n${helpText(ctx.prefix)}`);
}

/**
 * Parses a chat line. Returns null when the line is not a hookbot command (wrong prefix), so the caller
 * stays silent; otherwise the result to send.
 */
export async function runChatCommand(content: string, ctx: CommandContext): Promise<CommandResult | null> {
  const trimmed = content.trim();
  if (!trimmed.toLowerCase().startsWith(ctx.prefix.toLowerCase())) return null;
  const after = trimmed.slice(ctx.prefix.length);
  if (after && !/^\s/.test(after)) return null; // `!hooks` is not `!hook`
  const t = tokenize(after);
  if (!t.ok) return text(`⚠️ ${t.error}. Close the quote, e.g. \`${ctx.prefix} format github "{{title}}"\`.`);
  return runCommand(t.tokens, ctx);
}
