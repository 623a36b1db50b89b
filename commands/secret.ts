import type { CommandContext, CommandResult } from './context.js';
import { text } from './context.js';
import { MSG, usage } from './messages.js';
import { resolveRef } from './resolve-ref.js';

/** Checks the secret's shape for schemes that have one, so a paste error is caught now, not at the first delivery. */
function shapeProblem(scheme: string, value: string): string | null {
  if ((scheme === 'standard' || scheme === 'stripe') && !/^whsec_[A-Za-z0-9+/=_-]{8,}$/.test(value)) {
    return `a ${scheme === 'stripe' ? 'Stripe' : 'Standard Webhooks'} secret starts with \`whsec_\``;
  }
  if (value.length < 8) return 'that secret is too short (8 characters at least)';
  return null;
}

/** `!hook <ref> secret <value>`: sets a provider-issued secret. The invoking message is deleted; the value is never echoed. */
export async function secretCommand(ref: string, args: string[], ctx: CommandContext): Promise<CommandResult> {
  const base = { deleteInvocation: true } as const;
  if (!ctx.canManage) return { ...text(MSG.noPermission(ctx.prefix)), ...base };
  if (args.length !== 1) return { ...text(MSG.parse('give exactly one secret value', usage('secret', ctx.prefix))), ...base };
  const hook = await resolveRef(ref, ctx);
  if (!hook) return { ...text(MSG.unknownHook(ref, ctx.prefix)), ...base };
  const problem = shapeProblem(hook.verify, args[0]);
  if (problem) return { ...text(`⚠️ ${problem}. Nothing changed.`), ...base };
  await ctx.store.updateHook(hook.id, { secret: args[0] });
  return { ...text(`🔑 Secret of **${hook.id}** (${hook.verify}) updated. I deleted your message so the value does not stay in the channel.`), ...base };
}
