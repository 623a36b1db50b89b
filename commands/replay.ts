import type { CommandContext, CommandResult } from './context.js';
import { resumeForward } from '../src/hooks/manage.js';
import { text } from './context.js';
import { MSG } from './messages.js';
import { resolveRef } from './resolve-ref.js';

/** `!hook <id> replay`: re-sends the forwards that failed (same `webhook-id`, so the receiver can dedupe). */
export async function replayCommand(ref: string, ctx: CommandContext): Promise<CommandResult> {
  if (!ctx.canManage) return text(MSG.noPermission(ctx.prefix));
  const hook = await resolveRef(ref, ctx);
  if (!hook) return text(MSG.unknownHook(ref, ctx.prefix));
  if (!hook.url) return text(`**${hook.id}** has no forward URL; create one with \`${ctx.prefix} custom <url>\`.`);
  await resumeForward(ctx, hook);
  const n = await ctx.store.replayForwards(hook.id, ctx.clock.now());
  ctx.kick();
  return text(n ? `🔁 Re-sending ${n} failed forward${n === 1 ? '' : 's'} of **${hook.id}** to ${hook.url}.` : `Nothing to replay: no failed forwards for **${hook.id}**.`);
}
