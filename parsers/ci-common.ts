import type { CiEvent, CiInfo, CiStatus, FieldValue } from '../src/types.js';
import { colorStatus } from '../formatters/ci-names.js';
import { formatDuration } from '../formatters/duration.js';

/** What the CI parsers share: reading loose JSON values, and the normalized event every platform's run becomes. */

export type Json = Record<string, any>;

const TERMINAL: ReadonlySet<CiStatus> = new Set(['passed', 'failed', 'canceled', 'skipped']);
export const isTerminal = (s: CiStatus) => TERMINAL.has(s);

export const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null);
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() && Number.isFinite(Number(v)) ? Number(v) : null);
export const firstLine = (t: string | null) => (t ? t.split(/\r?\n/, 1)[0].trim() : null);
export const shortSha = (sha: string | null) => (sha && /^[0-9a-f]{12,}$/i.test(sha) ? sha.slice(0, 8) : sha);

/** GitLab writes `2024-05-01 10:00:00 UTC` in hooks; everything else is ISO already. */
export function isoTime(v: unknown): string | null {
  const s = str(v);
  if (!s) return null;
  const t = Date.parse(s.replace(/^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) UTC$/, '$1T$2Z').replace(/^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) ([+-]\d\d)(\d\d)$/, '$1T$2$3:$4'));
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

export const secondsBetween = (a: string | null, b: string | null) => (a && b ? Math.max(0, (Date.parse(b) - Date.parse(a)) / 1000) : null);

/** A pipeline or job event with the normalized fields every platform shares. */
export function ciEvent(info: Omit<CiInfo, 'runKey'>, event: string, occurredAt: string, extra: Record<string, FieldValue>): CiEvent {
  const ci: CiInfo = { ...info, runKey: `${info.platform}:${info.project}:${info.runId}` };
  const job = info.level === 'job' ? info.jobs[0] : undefined;
  const what = job ? `Job ${job.name}` : `Pipeline${info.runNumber ? ` #${info.runNumber}` : ''}`;
  return {
    source: info.platform === 'github' ? 'github' : info.platform, kind: info.level === 'job' ? 'ci.job' : 'ci.pipeline',
    event: info.level === 'job' ? 'job' : 'pipeline', action: info.status,
    title: `${what} ${info.status} — ${info.project}${info.branch ? ` · ${info.branch}` : ''}`,
    url: (job?.url ?? info.url) ?? undefined, actor: info.triggeredBy ? { name: info.triggeredBy } : undefined,
    repo: info.project, branch: info.branch ?? undefined, status: colorStatus(info.status),
    fields: {
      platform: info.platform, project: info.project, branch: info.branch, commit: info.commit, commit_message: info.commitMessage,
      triggered_by: info.triggeredBy, pipeline_id: info.runId, pipeline_number: info.runNumber, pipeline_url: info.url,
      status: info.status, stage: job?.stage ?? null, job: job?.name ?? null, job_url: job?.url ?? null,
      failure_reason: job?.failureReason ?? null, allow_failure: job?.allowFailure ?? false,
      duration_seconds: info.durationSeconds, duration: info.durationSeconds !== null ? formatDuration(info.durationSeconds) : null,
      source_event: event, ...extra,
    },
    occurredAt, ci,
  };
}
