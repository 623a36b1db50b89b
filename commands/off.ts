import type { CommandContext, CommandResult } from './context.js';
import { setEnabled } from '../src/hooks/manage.js';
import { refusal, text } from './context.js';
import { MSG } from './messages.js';
import { resolveRef } from './resolve-ref.js';

/** `!hook <ref> off`: disables a hook; its URL answers 404 until it is turned on again. */
export async function offCommand(ref: string, ctx: CommandContext): Promise<CommandResult> {
  if (!ctx.canManage) return text(MSG.noPermission(ctx.prefix));
  const hook = await resolveRef(ref, ctx);
  if (!hook) return text(MSG.unknownHook(ref, ctx.prefix));
  if (!hook.enabled) return text(`Hook **${hook.id}** is already off.`);
  const r = await setEnabled(ctx, hook, false, 'chat');
  if (!r.ok) return refusal(r.problem);
  return text(`⏸️ ${hook.service} hook **${hook.id}** is off: its URL now answers 404. `
    + `\`${ctx.prefix} ${hook.service} on\` in <#${hook.channelId}> turns it back on with the same URL and secret.`);
}
