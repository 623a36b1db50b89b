import { sendTestEvent } from '../src/hooks/test-event.js';
import type { CommandContext, CommandResult } from './context.js';
import { text } from './context.js';
import { explainCommand } from './explain.js';
import { MSG, usage } from './messages.js';
import { resolveRef } from './resolve-ref.js';

/** `!hook test <id>`: stores a realistic sample event and sends it through the whole pipeline (see src/hooks/test-event.ts). */
export async function testCommand(args: string[], ctx: CommandContext): Promise<CommandResult> {
  // `test <id> --last` replays the latest real event through the rules instead (the same as `explain`).
  if (args.length === 2 && args[1].toLowerCase() === '--last') return explainCommand(args[0], ctx);
  if (!ctx.canManage) return text(MSG.noPermission(ctx.prefix));
  if (args.length !== 1) return text(MSG.parse('name the hook to test', usage('test', ctx.prefix)));
  const hook = await resolveRef(args[0], ctx);
  if (!hook) return text(MSG.unknownHook(args[0], ctx.prefix));
  if (!hook.enabled) return text(`Hook **${hook.id}** is off; turn it on with \`${ctx.prefix} ${hook.service} on\` first.`);
  const sent = await sendTestEvent(ctx, hook, `${ctx.prefix} test`);
  const lines = [`🧪 Sent ${sent.what} through **${hook.id}**; it will appear in <#${hook.channelId}>.`];
  const r = sent.forward;
  if (r) {
    lines.push(r.ok
      ? `↪️ Test forward to ${r.url}: **HTTP ${r.status}** in ${Math.round(r.ms)} ms.`
      : `↪️ Test forward to ${r.url} failed: **${r.error ?? `HTTP ${r.status}`}** (${Math.round(r.ms)} ms).`);
  }
  return text(lines.join('\n'));
}
