import { setEnabled } from '../src/hooks/manage.js';
import { everySeconds, IMAGES_EVERY_S } from '../src/hooks/poll-settings.js';
import type { CommandContext, CommandResult } from './context.js';
import { refusal, text } from './context.js';
import { MSG, usage } from './messages.js';
import { parseOptions } from './options.js';
import { channelPolls, everyLabel, setUpPoll } from './poll.js';

/**
 * `!hook docker updates [--every 6h]`: this channel is told when a running container's image tag points at a newer
 * digest in its registry than the one running (one message per new digest); the same again resumes a paused check.
 * `!hook docker updates off` stops it.
 */
export async function imageUpdatesCommand(args: string[], ctx: CommandContext): Promise<CommandResult> {
  const u = usage('docker', ctx.prefix);
  if (!ctx.canManage) return text(MSG.noPermission(ctx.prefix));
  const existing = (await channelPolls(ctx)).find((p) => p.source.kind === 'images');
  if (args[0]?.toLowerCase() === 'off') {
    if (args.length > 1) return text(MSG.parse(`unexpected \`${args.slice(1).join(' ')}\``, u));
    if (!existing || !existing.hook.enabled) return text('Image updates are not on in this channel.');
    const r = await setEnabled(ctx, existing.hook, false, 'chat');
    if (!r.ok) return refusal(r.problem);
    return text(`⏸️ Image updates (**${existing.hook.id}**) are off in this channel. \`${ctx.prefix} docker updates\` turns them back on.`);
  }
  const opts = parseOptions(args, ['every']);
  if (!opts.ok) return text(MSG.parse(opts.error, u));
  if (opts.positional.length) return text(MSG.parse(`unexpected \`${opts.positional.join(' ')}\``, u));
  const every = opts.flags.every !== undefined ? everySeconds(opts.flags.every) : { ok: true as const, seconds: IMAGES_EVERY_S };
  if (!every.ok) return text(MSG.parse(`--every ${every.error}`, u));
  if (!ctx.poll) return text(MSG.notYet('docker updates'));

  const probe = await ctx.poll.probe({ kind: 'images', url: null, everySeconds: every.seconds, itemsPath: null, idField: null });
  const r = await setUpPoll(ctx, probe, { docker_updates: true, ...(opts.flags.every ? { every: opts.flags.every } : {}) }, existing?.hook);
  if (!r.ok) return refusal(r.problem, u);
  const { hook } = r.value;
  const state = probe.ok ? `Docker has ${probe.described} now; the first check runs now.`
    : `⚠️ ${probe.error} right now: the checks start once it is reachable.`;
  const was = !existing ? 'on' : existing.source.paused ? 'resumed' : !existing.hook.enabled ? 'back on' : 'updated';
  return text(`🐳 Image updates **${hook.id}** ${was}: every ${everyLabel(every.seconds)}, each running container's image tag is looked up `
    + `in its registry, and this channel is told once per new digest (image, tag, running and new digest, containers). ${state}`);
}
