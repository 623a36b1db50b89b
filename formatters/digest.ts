import type { DigestItem, DiscordMessage, NormalizedEvent } from '../src/types.js';
import { STATUS_COLOR } from './colors.js';
import { fitToDiscordLimits, truncate } from './limits.js';

export type { DigestItem };

export function digestItem(e: NormalizedEvent): DigestItem {
  const f = e.fields as Record<string, unknown>;
  return {
    source: e.source, kind: e.kind, event: e.event, action: e.action ?? null, title: e.title, url: e.url ?? null,
    status: e.status, branch: e.branch ?? null, container: typeof f.container === 'string' ? f.container : null,
    exitCode: typeof f.exit_code === 'number' ? f.exit_code : null, at: e.occurredAt,
  };
}

/** `300` → `5m`, `90` → `90s`, `7200` → `2h`. */
export function windowLabel(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

function counts(values: string[]): string {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m].map(([k, n]) => `${n} ${k}`).join(', ');
}

const unique = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => Boolean(x)))];

function githubLines(items: DigestItem[]): string[] {
  const by = (event: string) => items.filter((i) => i.event === event);
  const lines: string[] = [];
  const pushes = by('push');
  if (pushes.length) lines.push(`**Pushes**: ${pushes.length} (${unique(pushes.map((p) => p.branch)).join(', ') || 'tags'})`);
  const prs = by('pull_request');
  if (prs.length) lines.push(`**PRs**: ${counts(prs.map((p) => (p.action === 'synchronize' || p.action === 'edited' ? 'updated' : (p.action ?? 'updated').replace(/_/g, ' '))))}`);
  const issues = by('issues');
  if (issues.length) lines.push(`**Issues**: ${counts(issues.map((p) => p.action ?? 'updated'))}`);
  const comments = by('issue_comment');
  if (comments.length) lines.push(`**Comments**: ${comments.length}`);
  const releases = by('release');
  if (releases.length) lines.push(`**Releases**: ${releases.map((r) => r.title.replace(/^\[[^\]]*\]\s*/, '')).join(', ')}`);
  const runs = by('workflow_run');
  if (runs.length) lines.push(`**Workflow runs**: ${counts(runs.map((r) => (r.status === 'success' ? 'passed' : r.status === 'failure' ? 'failed' : 'other')))}`);
  const known = new Set(['push', 'pull_request', 'issues', 'issue_comment', 'release', 'workflow_run']);
  const other = items.filter((i) => !known.has(i.event));
  if (other.length) lines.push(`**Other**: ${counts(other.map((o) => o.event.replace(/_/g, ' ')))}`);
  return lines;
}

function dockerLines(items: DigestItem[]): string[] {
  const containers = unique(items.map((i) => i.container));
  const lines = containers.map((c) => {
    const mine = items.filter((i) => i.container === c);
    const starts = mine.filter((i) => i.event === 'start').length;
    const crashes = mine.filter((i) => i.event === 'die' && i.exitCode !== 0).length + mine.filter((i) => i.event === 'oom').length;
    const health = mine.filter((i) => i.event === 'health').map((i) => (i.status === 'failure' ? 'unhealthy' : 'healthy'));
    const parts = [starts && `${starts} start${starts === 1 ? '' : 's'}`, crashes && `${crashes} crash${crashes === 1 ? '' : 'es'}`,
      health.length && `health: ${health.join(' → ')}`].filter(Boolean);
    return `**${c}**: ${parts.join(', ') || counts(mine.map((i) => i.event))}`;
  });
  const images = items.filter((i) => i.kind === 'docker.image');
  if (images.length) lines.push(`**Images**: ${images.map((i) => i.title.replace(/^\S+\s/, '')).join(', ')}`);
  const updates = items.filter((i) => i.kind === 'docker.image_update').length;
  if (updates) lines.push(`**Image updates**: ${updates}`);
  return lines;
}

function ciLines(items: DigestItem[]): string[] {
  const pipelines = items.filter((i) => i.kind === 'ci.pipeline');
  const lines: string[] = [];
  if (pipelines.length) lines.push(`**Pipelines**: ${counts(pipelines.map((p) => p.action ?? 'finished'))}`);
  const branches = unique(pipelines.map((p) => p.branch));
  if (branches.length) lines.push(`**Branches**: ${branches.slice(0, 10).join(', ')}${branches.length > 10 ? ` +${branches.length - 10}` : ''}`);
  const other = items.filter((i) => i.kind !== 'ci.pipeline');
  if (other.length) lines.push(`**Other**: ${counts(other.map((o) => o.event.replace(/_/g, ' ')))}`);
  return lines;
}

/**
 * One digest for a window of events: per-service counts, then links to the most important items (failures first),
 * within Discord's limits ("+N more").
 */
export function formatDigest(items: DigestItem[], opts: { windowSeconds: number; late?: boolean }): DiscordMessage {
  const source = items[0]?.source ?? 'custom';
  const ci = items[0]?.kind.startsWith('ci.');
  const name = ci ? 'CI' : source === 'github' ? 'GitHub' : source === 'docker' ? 'Docker' : source === 'custom' ? 'Webhook' : source === 'poll' ? 'Feed' : source;
  const lines = ci ? ciLines(items) : source === 'github' ? githubLines(items) : source === 'docker' ? dockerLines(items)
    : source === 'poll' ? [`**New items**: ${items.length}`] : [`**Events**: ${counts(items.map((i) => i.event))}`];
  const rank = (i: DigestItem) => (i.status === 'failure' ? 0 : i.status === 'warning' ? 1 : 2);
  const important = [...items].sort((a, b) => rank(a) - rank(b)).slice(0, 8);
  const links = important.map((i) => `• ${i.url ? `[${truncate(i.title.replace(/[[\]]/g, ''), 120)}](${i.url})` : truncate(i.title, 120)}`);
  const more = items.length - important.length;
  const failed = items.some((i) => i.status === 'failure');
  return fitToDiscordLimits({
    embeds: [{
      title: `📊 ${name} Activity (last ${windowLabel(opts.windowSeconds)}) — ${items.length} event${items.length === 1 ? '' : 's'}`,
      description: [...lines, '', ...links, ...(more > 0 ? [`+${more} more`] : [])].join('\n'),
      color: failed ? STATUS_COLOR.failure : STATUS_COLOR.info,
      ...(opts.late ? { footer: { text: 'Posted late: hookbot was not running when this window closed.' } } : {}),
    }],
    allowed_mentions: { parse: [] },
  });
}
