import type { Hook, PollSource } from '../src/store/store.js';
import { describePoll } from './poll.js';
import type { CommandContext, CommandResult } from './context.js';
import { githubEventLabels } from '../parsers/github-events.js';
import { describeFilters, filteredToday } from './filter.js';
import { windowLabel } from '../formatters/digest.js';

function describe(h: Hook, ctx: CommandContext, filtered: number, poll?: PollSource): string {
  const status = !h.enabled ? '⏸️ off' : h.status === 'failing' ? `⚠️ failing: ${h.statusReason ?? 'unknown'}` : '✅ on';
  const filters = describeFilters(h.filters ?? {});
  const templates = Object.keys(h.templates ?? {}).map((k) => (k === '*' ? 'all events' : k)).join(', ') || 'default';
  const last = h.lastDeliveryAt ? `<t:${Math.floor(Date.parse(h.lastDeliveryAt) / 1000)}:R>` : 'never';
  return [
    `**${h.id}** · ${h.service} · <#${h.channelId}> · ${status}${h.source === 'file' ? ` · 📄 from \`${h.sourceFile ?? 'the hooks file'}\` (change it there)` : h.source === 'api' ? ' · via the HTTP API' : ''}`,
    `events: ${h.service === 'github' ? githubEventLabels(h.events) : (h.events.includes('*') ? 'all' : h.events.join(', ')) || 'all'} · filters: ${filters} (${filtered} filtered out today) · template: ${templates} · aggregation: ${h.aggregateSeconds ? `every ${windowLabel(h.aggregateSeconds)}` : 'off'}`,
    h.service === 'poll' ? `${poll ? describePoll(poll, ctx.prefix) : 'no source set'} · last item: ${last}` : `last delivery: ${last} · URL: ${ctx.publicUrl()}/webhook/${h.service}/${h.id}`,
    ...(h.url ? [`forward → ${h.url}: ${h.forwardState === 'disabled' ? '⛔ disabled (410 Gone)' : h.forwardState === 'failing' ? `⚠️ failing — \`${ctx.prefix} ${h.id} replay\`` : '✅ ok'}`] : []),
  ].join('\n');
}

/** `!hook list`: every hook of this server, with status and last delivery. */
export async function listCommand(_args: string[], ctx: CommandContext): Promise<CommandResult> {
  const hooks = await ctx.store.listHooks(ctx.guildId);
  const polls = new Map((await ctx.store.pollSources(hooks.filter((h) => h.service === 'poll').map((h) => h.id))).map((s) => [s.hookId, s]));
  const lines = await Promise.all(hooks.map(async (h) => describe(h, ctx, await filteredToday(h, ctx), polls.get(h.id))));
  return {
    reply: {
      embeds: [{
        title: `🪝 Hooks on this server (${hooks.length})`,
        color: 0x0969da,
        description: hooks.length ? lines.join('\n\n') : `No hooks yet. Start with \`${ctx.prefix} github on\`.`,
        footer: { text: `Docker: ${ctx.dockerStatus()}` },
      }],
      allowed_mentions: { parse: [] },
    },
  };
}
