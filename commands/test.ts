import { randomUUID } from 'node:crypto';
import { samplePush, TEST_DELIVERY_PREFIX } from '../src/samples/github-push.js';
import type { CommandContext, CommandResult } from './context.js';
import { text } from './context.js';
import { MSG, usage } from './messages.js';
import { resolveRef } from './resolve-ref.js';


/** `!hook test <id>`: stores a realistic sample event and sends it through the whole pipeline. */
export async function testCommand(args: string[], ctx: CommandContext): Promise<CommandResult> {
  if (!ctx.canManage) return text(MSG.noPermission(ctx.prefix));
  if (args.length !== 1) return text(MSG.parse('name the hook to test', usage('test', ctx.prefix)));
  const hook = await resolveRef(args[0], ctx);
  if (!hook) return text(MSG.unknownHook(args[0], ctx.prefix));
  if (hook.service !== 'github') return text(MSG.notYet(`test for ${hook.service} hooks`));
  if (!hook.enabled) return text(`Hook **${hook.id}** is off; turn it on with \`${ctx.prefix} ${hook.service} on\` first.`);
  const at = new Date(ctx.clock.now()).toISOString();
  await ctx.store.insertEvent({
    hookId: hook.id,
    deliveryId: `${TEST_DELIVERY_PREFIX}${randomUUID()}`,
    eventType: 'push',
    payload: JSON.stringify(samplePush(hook.filters?.repo, at)),
    receivedAt: at,
  });
  ctx.kick();
  return text(`🧪 Sent a sample push through **${hook.id}**; it will appear in <#${hook.channelId}>.`);
}
