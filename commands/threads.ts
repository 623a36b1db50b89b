import type { CommandContext, CommandResult } from './context.js';
import { updateHook } from '../src/hooks/manage.js';
import { refusal, text } from './context.js';
import { MSG, usage } from './messages.js';
import { resolveRef } from './resolve-ref.js';

/** What a hook of each service opens a thread for. */
const SUBJECTS: Record<string, string> = { github: 'pull request and issue', ci: 'pipeline run' };

/** How the channel and the threads share the events, said when threads are turned on. */
function howItWorks(service: string): string {
  return service === 'ci'
    ? 'each run\'s live message stays here and opens its thread, job results go into the thread, and the outcome is posted here.'
    : 'the first event of each opens its thread (named like `#45 Add OAuth support`); comments, reviews, pushes to its branch, checks and '
      + 'label changes go into the thread, and this channel keeps the lifecycle: opened, ready for review, merged or closed, failures and alert-if alerts.';
}

/** `!hook <ref> threads [on|off]`: a thread per pull request and issue (GitHub) or pipeline run (CI). */
export async function threadsCommand(ref: string, args: string[], ctx: CommandContext): Promise<CommandResult> {
  const u = usage('threads', ctx.prefix);
  const hook = await resolveRef(ref, ctx);
  if (!hook) return text(MSG.unknownHook(ref, ctx.prefix));
  const subject = SUBJECTS[hook.service];
  if (args.length === 0) {
    return text(hook.threads && subject ? `🧵 **${hook.id}** opens a thread per ${subject}. \`${u}\`` : `**${hook.id}** posts every event in the channel. \`${u}\``);
  }
  if (!ctx.canManage) return text(MSG.noPermission(ctx.prefix));
  const state = args[0].toLowerCase();
  if (args.length !== 1 || (state !== 'on' && state !== 'off')) return text(MSG.parse('say `on` or `off`', u));
  const on = state === 'on';
  if (on && !subject) return text(`⚠️ Threads are for GitHub hooks (one per pull request and issue) and CI hooks (one per pipeline run); **${hook.id}** is a ${hook.service} hook. Nothing changed.`);
  if (hook.threads === on) return text(`**${hook.id}** ${on ? `already opens a thread per ${subject}` : 'already posts every event in the channel'}.`);
  const r = await updateHook(ctx, hook, { threads: on }, 'chat');
  if (!r.ok) return refusal(r.problem, u);
  ctx.kick();
  if (!on) return text(`**${hook.id}** posts every event in the channel again; its threads stay as they are.`);
  return text(`🧵 **${hook.id}** now opens a thread per ${subject}: ${howItWorks(hook.service)} `
    + 'The first message has **Follow** and **Mute** buttons, so pings reach only the people who follow. '
    + `I need **Create Public Threads** and **Send Messages in Threads** in <#${hook.channelId}> (**Manage Threads** for Mute); without them everything stays in the channel.`);
}
