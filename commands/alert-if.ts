import { alertContext, parsePing } from '../src/alerts/alerts.js';
import { checkRule } from '../src/alerts/expression.js';
import type { CommandContext, CommandResult } from './context.js';
import { setSetting } from '../src/hooks/manage.js';
import type { AlertRule } from '../src/types.js';
import { refusal, text } from './context.js';
import { MSG, usage } from './messages.js';
import { parseOptions } from './options.js';
import { resolveRef } from './resolve-ref.js';

/** The variables a service's rules can use, for error messages and the list. */
const VARIABLES: Record<string, string> = {
  github: 'pr.status (open/approved/changes_requested/draft/merged/closed), pr.reviews, pr.changes_requested, pr.checks (passed/failing/pending/none), pr.labels, pr.draft, pr.mergeable_state, pr.number, push.commits, push.forced, workflow.name, workflow.conclusion, workflow.duration, release.tag, event, action, repo, branch, status, actor',
  docker: 'container.name, container.restarts, container.exit_code, container.oom, container.health, container.compose_service, event, status',
  custom: 'payload.<any JSON path>, event, status, title',
};

/** `!hook <ref> alert-if "<expr>" [--ping @role]`, `alert-if` (list), `alert-if clear`, `alert-if remove <n>`. */
export async function alertIfCommand(ref: string, args: string[], ctx: CommandContext): Promise<CommandResult> {
  const u = usage('alertIf', ctx.prefix);
  const hook = await resolveRef(ref, ctx);
  if (!hook) return text(MSG.unknownHook(ref, ctx.prefix));
  const rules = hook.alertRules ?? [];
  if (args.length === 0) {
    return text(rules.length
      ? `⚡ Alert rules of **${hook.id}**:\n${rules.map((r, i) => `${i + 1}. \`${r.expr}\`${r.ping ? ` → pings ${r.ping}` : ''}`).join('\n')}`
      : `**${hook.id}** has no alert rules. Variables: ${VARIABLES[hook.service] ?? VARIABLES.custom}. \`${u}\``);
  }
  if (!ctx.canManage) return text(MSG.noPermission(ctx.prefix));
  const save = async (next: AlertRule[], done: string) => {
    const r = await setSetting(ctx, hook, 'alert_if', next, 'chat');
    return r.ok ? text(done) : refusal(r.problem, u);
  };
  if (args.length === 1 && args[0].toLowerCase() === 'clear') return save([], `⚡ Alert rules of **${hook.id}** cleared.`);
  if (args[0].toLowerCase() === 'remove') {
    const n = Number(args[1]);
    if (!Number.isInteger(n) || n < 1 || n > rules.length) return text(MSG.parse(`there is no rule ${args[1] ?? ''} (see \`${ctx.prefix} ${hook.id} alert-if\`)`, u));
    return save(rules.filter((_, i) => i !== n - 1), `⚡ Removed rule ${n} of **${hook.id}**.`);
  }
  const opts = parseOptions(args, ['ping']);
  if (!opts.ok) return text(MSG.parse(opts.error, u));
  if (opts.positional.length !== 1) return text(MSG.parse('put the expression in quotes', u));
  const expr = opts.positional[0].trim();
  if (opts.flags.ping && !parsePing(opts.flags.ping)) return text(MSG.parse('--ping takes a role or user mention, like @devops', u));
  const problem = checkRule(expr, alertContext(hook.service));
  if (problem) return text(`⚠️ That rule is refused: ${problem}.\nVariables for ${hook.service} hooks: ${VARIABLES[hook.service] ?? VARIABLES.custom}.`);
  if (rules.length >= 10) return text('⚠️ A hook has at most 10 alert rules; remove one first.');
  const tick = hook.service === 'github' ? ' For PR rules, also tick **Pull request reviews**, **Check runs**, **Check suites** and **Statuses** in the GitHub webhook.' : '';
  return save([...rules, { expr, ...(opts.flags.ping ? { ping: opts.flags.ping } : {}) }],
    `⚡ **${hook.id}** alerts when \`${expr}\` becomes true${opts.flags.ping ? `, mentioning ${opts.flags.ping}` : ''} (once per time it turns true).${tick}`);
}
