import { setSecret } from '../src/hooks/manage.js';
import { secretShapeProblem } from '../src/hooks/settings.js';
import type { CommandContext, CommandResult } from './context.js';
import { refusal, text } from './context.js';
import { MSG, usage } from './messages.js';
import { resolveRef } from './resolve-ref.js';

/**
 * `!hook <ref> secret <value>`: sets a provider-issued secret; the value is never echoed. The chat front end deletes
 * the invoking message (and says so only when it could not), so this reply does not claim either.
 */
export async function secretCommand(ref: string, args: string[], ctx: CommandContext): Promise<CommandResult> {
  const base = { deleteInvocation: true } as const;
  if (!ctx.canManage) return { ...text(MSG.noPermission(ctx.prefix)), ...base };
  if (args.length !== 1) return { ...text(MSG.parse('give exactly one secret value', usage('secret', ctx.prefix))), ...base };
  const hook = await resolveRef(ref, ctx);
  if (!hook) return { ...text(MSG.unknownHook(ref, ctx.prefix)), ...base };
  const problem = secretShapeProblem(hook.verify, args[0]);
  if (problem) return { ...text(`⚠️ ${problem}. Nothing changed.`), ...base };
  const r = await setSecret(ctx, hook, args[0], 'chat');
  if (!r.ok) return { ...refusal(r.problem), ...base };
  return { ...text(`🔑 Secret of **${hook.id}** (${hook.verify}) updated; the value is not shown anywhere.`), ...base };
}
