import { setSetting } from '../src/hooks/manage.js';
import { filterSettings } from '../src/hooks/settings.js';
import { FILTER_KEYS, isPayloadPath, parseFilterTerm, SPECIAL_KEYS } from '../src/rules/filters.js';
import type { Hook } from '../src/store/store.js';
import type { CommandContext, CommandResult } from './context.js';
import { refusal, text } from './context.js';
import { MSG, usage } from './messages.js';
import { resolveRef } from './resolve-ref.js';

/** Filters as a user would type them back. */
export function describeFilters(filters: Record<string, string>): string {
  const terms = Object.entries(filters).map(([k, v]) => (SPECIAL_KEYS.has(k) ? `${k}=${v}` : `${k}${v}`));
  return terms.length ? terms.map((t) => `\`${t}\``).join(' ') : 'none';
}

/** Events dropped by filters since midnight UTC. */
export async function filteredToday(hook: Hook, ctx: CommandContext): Promise<number> {
  const midnight = new Date(ctx.clock.now());
  midnight.setUTCHours(0, 0, 0, 0);
  return ctx.store.countFiltered(hook.id, midnight.toISOString());
}

/** `!hook <ref> filter key=value …`, `filter` (show), `filter clear`. Terms are AND-ed. */
export async function filterCommand(ref: string, args: string[], ctx: CommandContext): Promise<CommandResult> {
  const hook = await resolveRef(ref, ctx);
  if (!hook) return text(MSG.unknownHook(ref, ctx.prefix));
  const u = usage('filter', ctx.prefix);
  if (args.length === 0) {
    return text(`🔎 Filters of **${hook.id}**: ${describeFilters(hook.filters)} · ${await filteredToday(hook, ctx)} filtered out today.`);
  }
  if (!ctx.canManage) return text(MSG.noPermission(ctx.prefix));
  if (args.length === 1 && args[0].toLowerCase() === 'clear') {
    const keep: Record<string, string> = hook.filters.containers ? { containers: hook.filters.containers } : {};
    const r = await setSetting(ctx, hook, 'filters', keep, 'chat');
    if (!r.ok) return refusal(r.problem, u);
    return text(`🧹 Filters of **${hook.id}** cleared${keep.containers ? ` (the watched containers stay: ${keep.containers})` : ''}.`);
  }
  const valid = FILTER_KEYS[hook.service];
  // Built in the settings' own form (`branch: "main"`, `status: "!=failure"`), which hook management stores.
  const next = filterSettings(hook.filters);
  for (const term of args) {
    const t = parseFilterTerm(term);
    if ('error' in t) return text(MSG.parse(t.error, u));
    if (valid && !valid.includes(t.key) && !isPayloadPath(t.key)) {
      return text(MSG.parse(`\`${t.key}\` is not a ${hook.service} field; valid keys: ${valid.join(', ')}`, u));
    }
    if (t.key === 'bots') {
      if (t.op !== '=' || !['include', 'exclude'].includes(t.value)) return text(MSG.parse('use `bots=include` or `bots=exclude`', u));
      next.bots = t.value;
    } else if (SPECIAL_KEYS.has(t.key) && t.op === '=') {
      next[t.key] = t.value;
    } else {
      // `~=` (regex) and `*=` (contains) are stored with their operator, as `!=` is.
      next[t.key] = t.op === '=' ? t.value : `${t.op}${t.value}`;
    }
  }
  const r = await setSetting(ctx, hook, 'filters', next, 'chat');
  if (!r.ok) return refusal(r.problem, u);
  return text(`🔎 **${hook.id}** now keeps only events matching ${describeFilters(r.value.hook.filters)}. \`${ctx.prefix} ${hook.id} filter clear\` removes them.`);
}
