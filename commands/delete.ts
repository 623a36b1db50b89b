import type { CommandContext, CommandResult } from './context.js';
import { deleteHook } from '../src/hooks/manage.js';
import { refusal, text } from './context.js';
import { MSG, usage } from './messages.js';
import { resolveRef } from './resolve-ref.js';

/** `!hook delete <id>`: removes a hook and its stored events; its URL then answers 404. */
export async function deleteCommand(args: string[], ctx: CommandContext): Promise<CommandResult> {
  if (!ctx.canManage) return text(MSG.noPermission(ctx.prefix));
  if (args.length !== 1) return text(MSG.parse('name exactly one hook to delete', usage('delete', ctx.prefix)));
  const hook = await resolveRef(args[0], ctx);
  if (!hook) return text(MSG.unknownHook(args[0], ctx.prefix));
  const r = await deleteHook(ctx, hook, 'chat');
  if (!r.ok) return refusal(r.problem);
  return text(`🗑️ Deleted ${hook.service} hook **${hook.id}** (<#${hook.channelId}>). Its URL now answers 404; remove it from the sender's settings too.`);
}
