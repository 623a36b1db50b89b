import { updateHook } from '../src/hooks/manage.js';
import { routeView, windowText } from '../src/hooks/route-settings.js';
import type { FilterSettings, RouteSetting } from '../src/hooks/schema.js';
import { parseFilterTerm } from '../src/rules/filters.js';
import { describeMatch, routeEvent } from '../src/rules/routes.js';
import type { Hook } from '../src/store/store.js';
import type { NormalizedEvent } from '../src/types.js';
import type { CommandContext, CommandResult } from './context.js';
import { refusal, text } from './context.js';
import { MSG } from './messages.js';
import { resolveRef } from './resolve-ref.js';

/** The usage line of `route`. */
export const routeUsage = (p: string) =>
  `${p} <ref> route add "event=release" #channel [--template "…"] [--continue] [--ping @role] [--aggregate 5m]  |  route list  |  route remove <n>  |  route unrouted channel|drop`;

/** A hook's routes, numbered as `route remove` takes them. */
export function describeRoutes(hook: Hook): string {
  if (!hook.routes.length) return `**${hook.id}** has no routes: every event goes to <#${hook.channelId}>.`;
  const lines = hook.routes.map((r, i) => `${i + 1}. \`${describeMatch(r.match)}\` → <#${r.channelId}>${r.template ? ' (own template)' : ''}${r.continue ? ' · continue' : ''}`
    + `${r.mentions?.length ? ` · pings ${r.mentions.join(' ')}` : ''}${r.aggregateSeconds ? ` · digest every ${windowText(r.aggregateSeconds)}` : ''}`);
  const rest = hook.unrouted === 'drop' ? 'Events no route matches are dropped.' : `Events no route matches go to <#${hook.channelId}>.`;
  return [`🔀 Routes of **${hook.id}** (the first match takes an event unless it says continue):`, ...lines, rest].join('\n');
}

/** Which route takes an event under the hook's current routes (for `explain`). */
export function routeLine(hook: Hook, event: NormalizedEvent, payload: unknown): string {
  const to = routeEvent(hook, event, payload);
  if (!to.length) return `🔀 Route: none matched, and **${hook.id}** drops unrouted events.`;
  const parts = to.map((d) => (d.routeIndex === null ? `no route matched: the hook's channel <#${d.channelId}>` : `route ${d.routeIndex + 1} (\`${describeMatch(hook.routes[d.routeIndex].match)}\`) → <#${d.channelId}>`));
  return `🔀 Route: ${parts.join('; ')}.`;
}

/** `"event=release repo=api"` → the match in the settings' own form (`{event: "release", repo: "api"}`), or why not. */
function parseMatch(terms: string | undefined): { match: FilterSettings } | { error: string } {
  const match: FilterSettings = {};
  const parts = (terms ?? '').split(/\s+/).filter(Boolean);
  if (!parts.length) return { error: 'give what the route matches, like `"event=release"`' };
  for (const part of parts) {
    const t = parseFilterTerm(part);
    if ('error' in t) return t;
    match[t.key] = t.op === '=' ? t.value : t.op === '~=' ? { regex: t.value } : t.op === '*=' ? { contains: t.value } : `!=${t.value}`;
  }
  return { match };
}

/** `<#123…>` or a bare channel id. */
const channelOf = (arg: string | undefined) => /^(?:<#(\d{17,20})>|(\d{17,20}))$/.exec(arg ?? '')?.slice(1).find(Boolean);

async function addRoute(hook: Hook, args: string[], ctx: CommandContext, u: string): Promise<CommandResult> {
  const [terms, channelArg, ...opts] = args;
  const parsed = parseMatch(terms);
  if ('error' in parsed) return text(MSG.parse(parsed.error, u));
  const channel = channelOf(channelArg);
  if (!channel) return text(MSG.parse(`name the channel to route to, like #announcements (or its id)${channelArg ? `, not \`${channelArg}\`` : ''}`, u));
  const route: RouteSetting = { match: parsed.match, channel };
  for (let i = 0; i < opts.length; i++) {
    const o = opts[i].toLowerCase();
    if (o === '--continue') route.continue = true;
    else if (o === '--template' && opts[i + 1] !== undefined) route.template = opts[++i];
    else if (o === '--ping' && opts[i + 1] !== undefined) {
      // In chat, @role arrives as <@&id>; a bare id is taken as a role's.
      const who = opts[++i].split(',').filter(Boolean).map((m) => (/^\d{17,20}$/.test(m) ? `<@&${m}>` : m));
      const bad = who.find((m) => !/^<@[&!]?\d{17,20}>$/.test(m));
      if (bad !== undefined || !who.length) return text(MSG.parse(`--ping takes a role or user mention like @oncall, not \`${bad ?? ''}\``, u));
      route.mentions = [...(route.mentions ?? []), ...who];
    } else if (o === '--aggregate' && opts[i + 1] !== undefined) route.aggregate = opts[++i];
    else return text(MSG.parse(`I don't know \`${opts[i]}\``, u));
  }
  const r = await updateHook(ctx, hook, { routes: [...routeView(hook.routes), route] }, 'chat');
  if (!r.ok) return refusal(r.problem, u);
  ctx.kick();
  const n = r.value.hook.routes.length;
  const extra = [route.mentions ? `pinging ${route.mentions.join(' ')}` : '', route.aggregate ? `as one digest every **${route.aggregate}**` : ''].filter(Boolean).join(', ');
  return text(`🔀 Route ${n} of **${hook.id}**: events matching \`${describeMatch(r.value.hook.routes[n - 1].match)}\` go to <#${channel}>${extra ? ` ${extra}` : ''}${route.continue ? ' (and later routes are tried too)' : ''}.\n${describeRoutes(r.value.hook)}`);
}

/** `!hook <ref> route …`: a hook's routes to other channels by the event's fields (like Alertmanager). */
export async function routeCommand(ref: string, args: string[], ctx: CommandContext): Promise<CommandResult> {
  const u = routeUsage(ctx.prefix);
  const hook = await resolveRef(ref, ctx);
  if (!hook) return text(MSG.unknownHook(ref, ctx.prefix));
  const sub = args[0]?.toLowerCase();
  if (sub === undefined || sub === 'list') return text(describeRoutes(hook));
  if (!ctx.canManage) return text(MSG.noPermission(ctx.prefix));
  if (sub === 'add') return addRoute(hook, args.slice(1), ctx, u);
  if (sub === 'remove') {
    const n = Number(args[1]);
    if (args.length !== 2 || !Number.isInteger(n) || n < 1 || n > hook.routes.length) {
      return text(MSG.parse(hook.routes.length ? `give a route number from 1 to ${hook.routes.length}` : `**${hook.id}** has no routes`, u));
    }
    const routes = routeView(hook.routes).filter((_, i) => i !== n - 1);
    const r = await updateHook(ctx, hook, { routes }, 'chat');
    if (!r.ok) return refusal(r.problem, u);
    return text(`🗑️ Route ${n} of **${hook.id}** removed.\n${describeRoutes(r.value.hook)}`);
  }
  if (sub === 'unrouted') {
    const to = args[1]?.toLowerCase();
    if (args.length !== 2 || (to !== 'channel' && to !== 'drop')) return text(MSG.parse('say `channel` (the hook\'s channel) or `drop`', u));
    const r = await updateHook(ctx, hook, { unrouted: to }, 'chat');
    if (!r.ok) return refusal(r.problem, u);
    return text(describeRoutes(r.value.hook));
  }
  return text(MSG.parse(`I don't know \`route ${args[0]}\``, u));
}
