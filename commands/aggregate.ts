import { windowLabel } from '../formatters/digest.js';
import type { CommandContext, CommandResult } from './context.js';
import { setSetting } from '../src/hooks/manage.js';
import { refusal, text } from './context.js';
import { MSG, usage } from './messages.js';
import { parseOptions } from './options.js';
import { resolveRef } from './resolve-ref.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** `30s`, `5m`, `2h` → seconds; null when not a duration. */
export function parseWindow(s: string): number | null {
  const m = /^(\d+)\s*(s|m|h)$/i.exec(s.trim());
  if (!m) return null;
  return Number(m[1]) * UNIT_SECONDS[m[2].toLowerCase()];
}

/** `!hook <ref> aggregate 5m [--except failed|none]` and `!hook <ref> aggregate off`. */
export async function aggregateCommand(ref: string, args: string[], ctx: CommandContext): Promise<CommandResult> {
  const u = usage('aggregate', ctx.prefix);
  const hook = await resolveRef(ref, ctx);
  if (!hook) return text(MSG.unknownHook(ref, ctx.prefix));
  if (args.length === 0) {
    return text(hook.aggregateSeconds > 0
      ? `📊 **${hook.id}** posts one digest every ${windowLabel(hook.aggregateSeconds)}${hook.aggregateExcept === 'failed' ? '; failures are posted at once' : ''}.`
      : `**${hook.id}** posts one message per event. \`${u}\``);
  }
  if (!ctx.canManage) return text(MSG.noPermission(ctx.prefix));
  const opts = parseOptions(args, ['except']);
  if (!opts.ok) return text(MSG.parse(opts.error, u));
  const [size] = opts.positional;
  if (opts.positional.length !== 1) return text(MSG.parse('give one window, like `5m`, or `off`', u));
  if (size.toLowerCase() === 'off') {
    const r = await setSetting(ctx, hook, 'aggregate', 'off', 'chat');
    if (!r.ok) return refusal(r.problem, u);
    ctx.kick();
    return text(`📊 **${hook.id}** posts one message per event again (the open window is still posted as a digest when it closes).`);
  }
  const seconds = parseWindow(size);
  if (seconds === null || seconds < 30 || seconds > 86_400) return text(MSG.parse(`\`${size}\` is not a window from 30s to 24h`, u));
  const except = (opts.flags.except ?? 'failed').toLowerCase();
  if (except !== 'failed' && except !== 'none') return text(MSG.parse('--except is `failed` (default) or `none`', u));
  const r = await setSetting(ctx, hook, 'aggregate', { window: windowLabel(seconds), except }, 'chat');
  if (!r.ok) return refusal(r.problem, u);
  return text(`📊 **${hook.id}** now posts one digest every **${windowLabel(seconds)}**${except === 'failed' ? ' — failures still post at once (`--except none` folds them in too)' : ', failures included'}.`);
}
