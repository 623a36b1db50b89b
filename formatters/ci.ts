import type {
  CiBranchState, CiEvent, CiRun, CiRunView, CiStatus, CiTransition, DiscordEmbed, DiscordMessage,
} from '../src/types.js';
import { colorStatus, platformName } from './ci-names.js';
import { STATUS_COLOR } from './colors.js';
import { formatDuration } from './duration.js';
import { fitToDiscordLimits, truncate } from './limits.js';

/** Discord's SUPPRESS_NOTIFICATIONS message flag: the message is posted without a push notification. */
export const SUPPRESS_NOTIFICATIONS = 1 << 12;

const ICON: Record<CiStatus, string> = {
  created: '⏳', pending: '⏳', running: '🔄', passed: '✅', failed: '❌', canceled: '⏹️', skipped: '⏭️', manual: '⏸️',
};

const dur = (s: number | null) => (s === null ? null : formatDuration(s));
const link = (text: string, url: string | null | undefined) => (url && /^https?:\/\//.test(url) ? `[${text}](${url})` : text);
const esc = (s: string) => s.replace(/[[\]*_`~|]/g, (c) => `\\${c}`);

function runName(run: CiRun): string {
  return `Pipeline${run.runNumber ? ` #${run.runNumber}` : ''}${run.name && run.platform !== 'gitlab' ? ` (${run.name})` : ''}`;
}

const where = (run: CiRun) => `${run.project}${run.branch ? ` · ${run.branch}` : ''}`;

/** The headline of the final message, by transition. */
export function finalTitle(run: CiRun, t: CiTransition, branch?: CiBranchState): string {
  switch (t) {
    case 'broken': return `❌ Broken — ${where(run)}`;
    case 'still_failing': return `🔁 Still failing — ${where(run)}${branch && branch.streak > 1 ? ` (${branch.streak} in a row)` : ''}`;
    case 'fixed': return `✅ Fixed — ${where(run)}`;
    case 'passed': return `✅ ${runName(run)} passed — ${where(run)}`;
    case 'failed': return `❌ ${runName(run)} failed — ${where(run)}`;
    case 'canceled': return `⏹️ ${runName(run)} canceled — ${where(run)}`;
    case 'skipped': return `⏭️ ${runName(run)} skipped — ${where(run)}`;
    case 'manual': return `⏸️ ${runName(run)} waiting for a manual action — ${where(run)}`;
  }
}

/** The pipeline as one event, for filters, templates, forwards and digests: the run's state, not one job's. */
export function ciView(view: CiRunView, transition: CiTransition | null, occurredAt: string): CiEvent {
  const { run } = view;
  const failing = view.failing[0];
  const manual = view.manual[0];
  const duration = view.durationSeconds;
  return {
    source: run.platform, kind: 'ci.pipeline', event: 'pipeline', action: run.status,
    title: transition ? finalTitle(run, transition) : `${ICON[run.status]} ${runName(run)} ${run.status} — ${where(run)}`,
    url: run.url ?? undefined, actor: run.triggeredBy ? { name: run.triggeredBy } : undefined, repo: run.project,
    branch: run.branch ?? undefined, status: colorStatus(run.status),
    fields: {
      platform: run.platform, project: run.project, branch: run.branch, commit: run.commit, commit_message: run.commitMessage,
      triggered_by: run.triggeredBy, pipeline_id: run.runId, pipeline_number: run.runNumber, pipeline_url: run.url,
      status: run.status, transition, stage: failing?.stage ?? (run.status === 'manual' ? manual?.stage ?? null : view.currentStage),
      job: failing?.name ?? (run.status === 'manual' ? manual?.name ?? null : null), job_url: failing?.url ?? null,
      failure_reason: failing?.failureReason ?? null, duration_seconds: duration, duration: dur(duration),
      stages: view.stages.map((s) => s.name).join(', '),
    },
    occurredAt,
  };
}

/** One line per stage: `✅ build — 1m 2s (3 jobs)`. */
function stageLines(view: CiRunView): string[] {
  return view.stages.map((s) => {
    const n = s.jobs.length;
    const retried = s.jobs.filter((j) => j.attempts > 1).length;
    const d = s.status === 'passed' || s.status === 'failed' ? dur(s.durationSeconds) : null;
    const extra = [d, n > 1 ? `${n} jobs` : null, retried ? `${retried} retried` : null].filter(Boolean).join(', ');
    const failed = s.jobs.filter((j) => j.status === 'failed').map((j) => `${link(esc(j.name), j.url)}${j.allowFailure ? ' (allowed to fail)' : ''}`);
    return `${ICON[s.status]} **${esc(s.name)}**${extra ? ` — ${extra}` : ''}${failed.length ? ` · failed: ${failed.join(', ')}` : ''}`;
  });
}

function commonFields(view: CiRunView, opts: { stage?: boolean } = {}): NonNullable<DiscordEmbed['fields']> {
  const { run } = view;
  const out: NonNullable<DiscordEmbed['fields']> = [];
  const add = (name: string, value: string | null | undefined, inline = true) => { if (value) out.push({ name, value: truncate(value, 1024), inline }); };
  add('Project', link(esc(run.project), run.projectUrl));
  add('Branch', run.branch);
  if (opts.stage) add('Stage', view.currentStage);
  add('Triggered by', run.triggeredBy);
  add('Commit', run.commit ? `\`${run.commit}\`${run.commitMessage ? ` ${truncate(run.commitMessage, 100)}` : ''}` : null, false);
  return out;
}

const footer = (run: CiRun) => ({ text: `${platformName(run.platform)} · pipeline ${run.runId}` });

/**
 * The run's live message: posted when it starts ("⚙️ Pipeline started"), then edited as jobs and stages move on,
 * and a last time when it ends (the outcome itself is posted as its own message, so that it notifies).
 */
export function formatCiLive(view: CiRunView, opts: { first: boolean }): DiscordMessage {
  const { run } = view;
  const running = !['passed', 'failed', 'canceled', 'skipped', 'manual'].includes(run.status);
  const failing = running && view.failing.length > 0;
  const title = failing ? `❌ ${runName(run)} failing — ${run.project}`
    : running ? `⚙️ ${runName(run)} ${opts.first ? 'started' : 'running'} — ${run.project}`
    : `${ICON[run.status]} ${runName(run)} ${run.status === 'manual' ? 'waiting for a manual action' : run.status} — ${run.project}`;
  const lines = [run.note && (!opts.first || failing) ? run.note : null, ...stageLines(view)].filter((l): l is string => !!l);
  const d = view.durationSeconds;
  if (!running && d !== null) lines.push(`Total: ${dur(d)}`);
  const embed: DiscordEmbed = {
    title, url: run.url ?? undefined, color: STATUS_COLOR[failing ? 'failure' : colorStatus(run.status)],
    description: lines.length ? lines.join('\n') : undefined, fields: commonFields(view, { stage: running }), footer: footer(run),
  };
  return fitToDiscordLimits({ embeds: [clean(embed)], allowed_mentions: { parse: [] } });
}

/** The outcome: passed with total duration; failed with stage, job, reason and log link; broken / still failing / fixed. */
export function formatCiFinal(view: CiRunView, t: CiTransition, branch: CiBranchState | undefined, occurredAt: string): DiscordMessage {
  const { run, failing } = view;
  const d = view.durationSeconds;
  const lines: string[] = [];
  if (run.status === 'failed') {
    const first = failing[0];
    if (first) {
      lines.push(`Failed in stage **${esc(first.stage)}**, job ${link(`**${esc(first.name)}**`, first.url)}${first.failureReason ? `: ${first.failureReason}` : ''}`);
      if (first.url) lines.push(`📄 ${link('Job log', first.url)}`);
      if (failing.length > 1) lines.push(`Also failed: ${failing.slice(1, 6).map((j) => link(esc(j.name), j.url)).join(', ')}${failing.length > 6 ? ` +${failing.length - 6} more` : ''}`);
    } else if (run.url) {
      lines.push(`📄 ${link('Pipeline', run.url)}`);
    }
  }
  if (t === 'fixed' || t === 'passed') lines.push(`Total duration: **${dur(d) ?? 'unknown'}**`);
  else if (d !== null) lines.push(`Duration: ${dur(d)}`);
  if (t === 'manual') {
    const m = view.manual;
    if (m.length) lines.push(`Waiting for: ${m.map((j) => link(`**${esc(j.name)}**`, j.url)).join(', ')}`);
  }
  const allowed = view.allowedFailures;
  if (allowed.length) lines.push(`⚠️ Allowed to fail: ${allowed.map((j) => `${link(esc(j.name), j.url)}${j.failureReason ? ` (${j.failureReason})` : ''}`).join(', ')}`);
  if (t !== 'still_failing' && view.stages.length > 1) lines.push('', ...stageLines(view));
  const embed: DiscordEmbed = {
    title: finalTitle(run, t, branch), url: run.url ?? undefined, color: STATUS_COLOR[colorStatus(run.status)],
    description: lines.join('\n'),
    // Still failing is quieter: a short message without a push notification.
    fields: t === 'still_failing' ? undefined : commonFields(view),
    footer: footer(run), timestamp: Number.isFinite(Date.parse(occurredAt)) ? new Date(occurredAt).toISOString() : undefined,
  };
  return fitToDiscordLimits({
    embeds: [clean(embed)], allowed_mentions: { parse: [] }, ...(t === 'still_failing' ? { flags: SUPPRESS_NOTIFICATIONS } : {}),
  });
}

function clean(e: DiscordEmbed): DiscordEmbed {
  for (const k of Object.keys(e) as (keyof DiscordEmbed)[]) if (e[k] === undefined || (Array.isArray(e[k]) && !(e[k] as unknown[]).length)) delete e[k];
  return e;
}
