import type { CiEvent, CiJob, CiStatus } from '../src/types.js';
import { ciEvent, firstLine, isoTime, isTerminal, num, secondsBetween, shortSha, str, type Json } from './ci-common.js';
import { ParseError } from './common.js';

/** GitHub Actions (workflow_run, workflow_job) and other CI apps (check_suite, check_run). */

/** GitHub Actions runs: `queued`/`in_progress`/`completed` with a conclusion. */
function githubStatus(status: unknown, conclusion: unknown): CiStatus {
  if (status !== 'completed') return status === 'in_progress' ? 'running' : status === 'waiting' ? 'manual' : 'pending';
  switch (conclusion) {
    case 'success': return 'passed';
    case 'failure': case 'timed_out': case 'startup_failure': return 'failed';
    case 'cancelled': case 'stale': return 'canceled';
    case 'skipped': case 'neutral': return 'skipped';
    case 'action_required': return 'manual';
    default: return 'failed';
  }
}

export function githubRun(eventType: string, p: Json, receivedAt: string): CiEvent {
  const repo = str(p.repository?.full_name) ?? 'unknown repository';
  const projectUrl = str(p.repository?.html_url);
  const triggeredBy = str(p.sender?.login);
  if (eventType === 'workflow_run' || eventType === 'check_suite') {
    const r: Json = eventType === 'workflow_run' ? p.workflow_run : p.check_suite;
    if (!r || r.id === undefined) throw new ParseError(`${eventType} payload without ${eventType}.id`);
    const startedAt = isoTime(r.run_started_at) ?? isoTime(r.created_at);
    const status = githubStatus(r.status, r.conclusion);
    const finishedAt = isTerminal(status) ? isoTime(r.updated_at) : null;
    return ciEvent({
      platform: 'github', level: 'pipeline', runId: String(r.id), runNumber: r.run_number !== undefined ? String(r.run_number) : null, attempt: num(r.run_attempt),
      name: str(r.name) ?? str(r.app?.name), project: repo, projectUrl, branch: str(r.head_branch),
      commit: shortSha(str(r.head_sha)), commitMessage: firstLine(str(r.head_commit?.message)),
      triggeredBy: str(r.triggering_actor?.login) ?? str(r.actor?.login) ?? triggeredBy,
      url: str(r.html_url) ?? (projectUrl ? `${projectUrl}/actions` : null), status, stages: [], jobs: [],
      startedAt, finishedAt, durationSeconds: secondsBetween(startedAt, finishedAt),
    }, eventType === 'workflow_run' ? 'workflow_run' : 'check_suite', finishedAt ?? startedAt ?? receivedAt, { workflow: str(r.name), event_name: str(r.event), run_attempt: num(r.run_attempt) });
  }
  const j: Json = eventType === 'workflow_job' ? p.workflow_job : p.check_run;
  if (!j || j.id === undefined) throw new ParseError(`${eventType} payload without ${eventType}.id`);
  const status = githubStatus(j.status, j.conclusion);
  const startedAt = isoTime(j.started_at);
  const finishedAt = isoTime(j.completed_at);
  const runId = eventType === 'workflow_job' ? String(j.run_id) : String(j.check_suite?.id ?? 'unknown');
  const failedStep = Array.isArray(j.steps) ? j.steps.find((s: Json) => s.conclusion === 'failure') : undefined;
  const job: CiJob = {
    id: String(j.id), name: str(j.name) ?? `job ${j.id}`, stage: str(j.name) ?? `job ${j.id}`, status, startedAt, finishedAt,
    durationSeconds: secondsBetween(startedAt, finishedAt), allowFailure: false,
    failureReason: failedStep ? `step “${failedStep.name}” failed` : status === 'failed' && j.conclusion !== 'failure' ? String(j.conclusion).replace(/_/g, ' ') : str(j.output?.title),
    url: str(j.html_url) ?? str(j.details_url),
  };
  return ciEvent({
    platform: 'github', level: 'job', runId, runNumber: null, attempt: num(j.run_attempt), name: str(j.workflow_name) ?? str(j.app?.name), project: repo, projectUrl,
    branch: str(j.head_branch) ?? str(j.check_suite?.head_branch), commit: shortSha(str(j.head_sha)), commitMessage: null, triggeredBy,
    url: str(j.run_url)?.replace('https://api.github.com/repos/', 'https://github.com/') ?? null,
    status, stages: [], jobs: [job], startedAt, finishedAt, durationSeconds: job.durationSeconds,
  }, eventType, finishedAt ?? startedAt ?? receivedAt, { run_attempt: num(j.run_attempt) });
}
