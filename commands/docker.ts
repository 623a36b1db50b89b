import { DOCKER_CATEGORIES } from '../parsers/docker-events.js';
import type { CommandContext, CommandResult } from './context.js';
import { enableServiceHook, refusal, text } from './context.js';
import { MSG, usage } from './messages.js';
import { offCommand } from './off.js';
import { parseOptions } from './options.js';
import { imageUpdatesCommand } from './image-updates.js';

/** `!hook docker on [--containers web,db] [--events build,start,stop,die,oom,health]`, `!hook docker off`, `!hook docker updates`. */
export async function dockerCommand(args: string[], ctx: CommandContext): Promise<CommandResult> {
  const [mode, ...rest] = args;
  const u = usage('docker', ctx.prefix);
  if (mode?.toLowerCase() === 'off') return offCommand('docker', ctx);
  if (mode?.toLowerCase() === 'updates') return imageUpdatesCommand(rest, ctx);
  if (mode?.toLowerCase() !== 'on') return text(MSG.parse(mode ? `\`${mode}\` is not \`on\`, \`off\` or \`updates\`.` : 'Say `on`, `off` or `updates`.', u));
  if (!ctx.canManage) return text(MSG.noPermission(ctx.prefix));
  const opts = parseOptions(rest, ['containers', 'events']);
  if (!opts.ok) return text(MSG.parse(opts.error, u));
  if (opts.positional.length) return text(MSG.parse(`unexpected \`${opts.positional.join(' ')}\``, u));
  let events: string[] = [...DOCKER_CATEGORIES];
  if (opts.flags.events) {
    const names = opts.flags.events.split(',').map((e) => e.trim().toLowerCase()).filter(Boolean);
    const unknown = names.filter((n) => n !== 'all' && !(DOCKER_CATEGORIES as readonly string[]).includes(n));
    if (unknown.length) return text(MSG.parse(`unknown event${unknown.length > 1 ? 's' : ''} ${unknown.map((x) => `\`${x}\``).join(', ')}; valid: ${DOCKER_CATEGORIES.join(', ')}, all`, u));
    if (!names.includes('all')) events = names;
  }
  const containers = opts.flags.containers?.split(',').map((c) => c.trim()).filter(Boolean).join(',');
  if (opts.flags.containers !== undefined && !containers) return text(MSG.parse('--containers needs names', u));
  const filters: Record<string, string> = containers ? { containers } : {};
  const r = await enableServiceHook(ctx, 'docker', () => ({ events, filters }));
  if (!r.ok) return refusal(r.problem, u);
  const { hook, existing } = r.value;
  const status = ctx.dockerStatus();
  return text([
    `🐳 Docker hook **${hook.id}** ${existing ? 'updated' : 'created'}: watching ${containers ? `containers/compose services **${containers.split(',').join(', ')}**` : '**all containers**'}`,
    `for ${events.join(', ')} events.`,
    status === 'up' ? 'Docker is reachable.' : `⚠️ Docker is ${status} right now: events are picked up (and the gap replayed) as soon as it is reachable.`,
    `Try \`${ctx.prefix} test ${hook.id}\` for a sample crash, or \`${ctx.prefix} format docker-die "💥 {{container}} exited {{exit_code}}"\`.`,
  ].join(' '));
}
