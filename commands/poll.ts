import { createHook, updateHook, type Managed, type Updated } from '../src/hooks/manage.js';
import { everySeconds, ID_FIELD, ITEMS_PATH, pollUrlProblem, FEED_EVERY_S } from '../src/hooks/poll-settings.js';
import type { PollSetting } from '../src/hooks/schema.js';
import type { Probe } from '../src/poll/poller.js';
import { displayUrl, resumeCommand } from '../src/poll/status.js';
import type { Hook, PollConfig, PollSource } from '../src/store/store.js';
import type { CommandContext, CommandResult } from './context.js';
import { chatOrigin, refusal, text } from './context.js';
import { MSG, usage } from './messages.js';
import { parseOptions } from './options.js';

/** `300` → `5m`, `21600` → `6h`, `45` → `45s`. */
export const everyLabel = (s: number) => (s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`);

/** The channel's poll hooks with their sources (the feed ones and the image-update one). */
export async function channelPolls(ctx: CommandContext): Promise<{ hook: Hook; source: PollSource }[]> {
  const hooks = (await ctx.store.hooksInChannel(ctx.channelId)).filter((h) => h.service === 'poll');
  const sources = new Map((await ctx.store.pollSources(hooks.map((h) => h.id))).map((s) => [s.hookId, s]));
  return hooks.flatMap((hook) => (sources.has(hook.id) ? [{ hook, source: sources.get(hook.id)! }] : []));
}

/**
 * Sets up (or changes, or resumes) the channel's poll hook after a first look at its source (`probe`), which becomes
 * a new source's baseline. True `baseline` when it did.
 */
export async function setUpPoll(ctx: CommandContext, probe: Probe, setting: PollSetting, existing: Hook | undefined) {
  const r: Managed<{ hook: Hook } | Updated> = existing
    ? await updateHook(ctx, existing, { poll: setting, enabled: true }, 'chat')
    : await createHook(ctx, { service: 'poll', channel_id: ctx.channelId, poll: setting }, chatOrigin(ctx));
  if (!r.ok) return r;
  const baseline = await ctx.poll!.adopt(r.value.hook.id, probe);
  return { ok: true as const, value: { hook: r.value.hook, baseline } };
}

/** `!hook poll <url> [--every 5m] [--items <path>] [--id <field>]`: watch a feed or JSON URL; the same again resumes it. */
export async function pollCommand(args: string[], ctx: CommandContext): Promise<CommandResult> {
  const u = usage('poll', ctx.prefix);
  if (!ctx.canManage) return text(MSG.noPermission(ctx.prefix));
  const opts = parseOptions(args, ['every', 'items', 'id']);
  if (!opts.ok) return text(MSG.parse(opts.error, u));
  if (opts.positional.length !== 1) {
    return text(MSG.parse(opts.positional.length ? `one URL, not \`${opts.positional.join(' ')}\`` : 'Give the feed or JSON URL to watch.', u));
  }
  // Discord users wrap links in <…> to keep them from unfurling.
  const url = opts.positional[0].replace(/^<(.*)>$/, '$1');
  const bad = pollUrlProblem(url);
  if (bad) return text(MSG.parse(`${/^(on|off)$/i.test(url) ? `\`${url}\` is not a URL: say which feed, e.g. \`${ctx.prefix} poll https://example.com/feed.xml\` (the same command again turns a paused or stopped poll back on)` : bad}.`, u));
  const every = opts.flags.every !== undefined ? everySeconds(opts.flags.every) : { ok: true as const, seconds: FEED_EVERY_S };
  if (!every.ok) return text(MSG.parse(`--every ${every.error}`, u));
  if (opts.flags.items !== undefined && !ITEMS_PATH.test(opts.flags.items)) return text(MSG.parse('--items is a dot path to the item array, like `data.releases`', u));
  if (opts.flags.id !== undefined && !ID_FIELD.test(opts.flags.id)) return text(MSG.parse('--id is an item field, like `tag_name`', u));
  if (!ctx.poll) return text(MSG.notYet('poll'));

  const config: PollConfig = { kind: 'feed', url, everySeconds: every.seconds, itemsPath: opts.flags.items ?? null, idField: opts.flags.id ?? null };
  const setting: PollSetting = {
    url, ...(opts.flags.every ? { every: opts.flags.every } : {}),
    ...(opts.flags.items ? { items: opts.flags.items } : {}), ...(opts.flags.id ? { id: opts.flags.id } : {}),
  };
  // A source that cannot be read now is refused, and nothing changes (also a paused one: fix it first).
  const probe = await ctx.poll.probe(config);
  if (!probe.ok) return text(`⚠️ <${url}> cannot be polled: ${probe.error}. Nothing changed.`);
  const existing = (await channelPolls(ctx)).find((p) => p.source.kind === 'feed' && p.source.url === url);
  const r = await setUpPoll(ctx, probe, setting, existing?.hook);
  if (!r.ok) return refusal(r.problem, u);
  const { hook } = r.value;
  const notes = probe.notes.length ? `\n⚠️ ${probe.notes.join('; ')}.` : '';
  const tip = `Shape the messages with \`${ctx.prefix} format ${hook.id} "📰 {{title}} — {{link}}"\` (also {{summary}}, {{author}}, {{published}}, {{item.…}}).`;
  const when = `every ${everyLabel(config.everySeconds)}`;
  if (!existing) {
    return text(`📰 Poll hook **${hook.id}** created: watching <${url}> ${when}. It holds ${probe.described} now: `
      + `that is the baseline, so only items that appear from now on are posted.${notes}\n${tip}`);
  }
  const was = existing.source.paused ? 'resumed' : !existing.hook.enabled ? 'turned back on' : 'updated';
  return text(`📰 Poll hook **${hook.id}** ${was}: watching <${url}> ${when}; it holds ${probe.described}. `
    + `${r.value.baseline ? 'That is its new baseline.' : 'Anything new since its last poll is posted shortly.'}${notes}`);
}

const ago = (ms: number | null) => (ms === null ? 'never' : `<t:${Math.floor(ms / 1000)}:R>`);

/** A poll hook's line in `!hook list`: what it polls, how often, its last result and its next poll (or its pause). */
export function describePoll(s: PollSource, prefix: string): string {
  const what = s.kind === 'images' ? 'running containers\' image tags' : `<${displayUrl(s.url ?? '')}>`;
  const last = s.lastResult ? `${s.lastResult.slice(0, 200)} (${ago(s.lastPolledAt)})` : 'not polled yet';
  // A URL with a query may hold a token: the list (shown anywhere in the server) names it without.
  const resume = s.url?.includes('?') ? `\`${prefix} poll <its URL>\` in its channel` : `\`${prefix} ${resumeCommand(s)}\``;
  const next = s.paused ? `⏸️ paused after failing since ${ago(s.failingSince)}: ${resume} resumes it`
    : `next poll ${ago(s.nextPollAt)}`;
  return `polls ${what} every ${everyLabel(s.everySeconds)} · last: ${last} · ${next}`;
}
