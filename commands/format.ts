import { checkTemplate, TemplateError } from '../formatters/template.js';
import { githubEventByAlias } from '../parsers/github-events.js';
import type { CommandContext, CommandResult } from './context.js';
import { setSetting } from '../src/hooks/manage.js';
import { refusal, text } from './context.js';
import { MSG, usage } from './messages.js';
import { resolveRef } from './resolve-ref.js';

/** Splits `github-push` / `hook_001-pr` into the hook reference and the event (canonical name, or `*`). */
function splitTarget(target: string): { ref: string; event: string | null } {
  const dash = target.indexOf('-');
  if (dash === -1) return { ref: target, event: '*' };
  const ref = target.slice(0, dash);
  const name = target.slice(dash + 1).toLowerCase();
  return { ref, event: githubEventByAlias(name) ?? (/^[a-z_.]+$/.test(name) ? name : null) };
}

/** `!hook format <ref>[-<event>] "<template>"` and `!hook format <ref>[-<event>] reset`. */
export async function formatCommand(args: string[], ctx: CommandContext): Promise<CommandResult> {
  if (!ctx.canManage) return text(MSG.noPermission(ctx.prefix));
  if (args.length !== 2) return text(MSG.parse('give a hook and one quoted template (or `reset`)', usage('format', ctx.prefix)));
  const [target, template] = args;
  const { ref, event } = splitTarget(target);
  if (!event) return text(MSG.parse(`\`${target}\` does not name an event`, usage('format', ctx.prefix)));
  const hook = await resolveRef(ref, ctx);
  if (!hook) return text(MSG.unknownHook(ref, ctx.prefix));
  const what = event === '*' ? 'all its events' : `\`${event}\` events`;
  const templates = { ...(hook.templates ?? {}) };
  if (template.toLowerCase() === 'reset') {
    delete templates[event];
    const r = await setSetting(ctx, hook, 'templates', templates, 'chat');
    if (!r.ok) return refusal(r.problem, usage('format', ctx.prefix));
    return text(`↩️ **${hook.id}** uses the default layout for ${what} again.`);
  }
  try {
    checkTemplate(template);
  } catch (err) {
    if (err instanceof TemplateError) return text(`⚠️ That template does not parse: ${err.message}. Nothing changed.`);
    throw err;
  }
  if (!template.trim()) return text(MSG.parse('the template is empty', usage('format', ctx.prefix)));
  templates[event] = template;
  const r = await setSetting(ctx, hook, 'templates', templates, 'chat');
  if (!r.ok) return refusal(r.problem, usage('format', ctx.prefix));
  return text(`🎨 **${hook.id}** now renders ${what} with your template. Try \`${ctx.prefix} test ${hook.id}\`.`);
}
