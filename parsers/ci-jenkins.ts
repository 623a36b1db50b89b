import type { CiEvent, CiJob, CiStatus } from '../src/types.js';
import { ciEvent, firstLine, isoTime, isTerminal, num, shortSha, str, type Json } from './ci-common.js';
import { ParseError } from './common.js';

/** Jenkins result names (hudson.model.Result) and the words a pipeline script is likely to send. */
function jenkinsStatus(phase: unknown, status: unknown): CiStatus {
  const s = String(status ?? '').toLowerCase();
  const ph = String(phase ?? '').toUpperCase();
  if (['success', 'passed', 'succeeded', 'ok', 'fixed'].includes(s)) return 'passed';
  if (['failure', 'failed', 'error', 'unstable', 'broken', 'still failing'].includes(s)) return 'failed';
  if (['aborted', 'canceled', 'cancelled'].includes(s)) return 'canceled';
  if (['not_built', 'skipped'].includes(s)) return 'skipped';
  if (['input', 'paused', 'manual', 'waiting'].includes(s)) return 'manual';
  if (['started', 'running', 'in_progress'].includes(s) || ph === 'STARTED') return 'running';
  if (ph === 'QUEUED' || s === 'queued' || s === 'pending') return 'pending';
  if (ph === 'COMPLETED' || ph === 'FINALIZED') return 'failed'; // a finished build without a result
  throw new ParseError(`Jenkins payload: unknown status \`${status ?? ''}\` (phase \`${phase ?? ''}\`)`);
}

export function jenkins(p: Json, receivedAt: string): CiEvent {
  const b: Json | undefined = p.build && typeof p.build === 'object' ? p.build : undefined;
  if (b) {
    // Notification plugin: {name, url, build: {full_url, number, phase, status, url, scm: {url, branch, commit}, duration, timestamp}}
    if (!str(p.name) || b.number === undefined) throw new ParseError('Jenkins notification without `name` or `build.number`');
    const status = jenkinsStatus(b.phase, b.status);
    const startedAt = typeof b.timestamp === 'number' ? new Date(b.timestamp).toISOString() : null;
    const durationSeconds = num(b.duration) !== null && b.phase !== 'STARTED' && b.phase !== 'QUEUED' ? num(b.duration)! / 1000 : null;
    const finishedAt = startedAt && durationSeconds !== null ? new Date(Date.parse(startedAt) + durationSeconds * 1000).toISOString() : null;
    const buildUrl = str(b.full_url);
    const reason = String(b.status ?? '').toUpperCase() === 'UNSTABLE' ? 'unstable: tests failed' : null;
    const job: CiJob[] = isTerminal(status) && status === 'failed' ? [{
      id: String(b.number), name: str(b.display_name) ?? `#${b.number}`, stage: 'build', status, startedAt, finishedAt, durationSeconds,
      allowFailure: false, failureReason: reason, url: buildUrl ? `${buildUrl.replace(/\/?$/, '/')}console` : null,
    }] : [];
    return ciEvent({
      platform: 'jenkins', level: 'pipeline', runId: String(b.number), runNumber: String(b.number), attempt: null, name: null, project: String(p.name),
      projectUrl: str(b.scm?.url), branch: str(b.scm?.branch)?.replace(/^(origin|refs\/heads)\//, '') ?? null, commit: shortSha(str(b.scm?.commit)),
      commitMessage: null, triggeredBy: str(b.parameters?.TRIGGERED_BY) ?? str(b.causes?.[0]?.userName) ?? null, url: buildUrl,
      status, stages: [], jobs: job, startedAt, finishedAt, durationSeconds,
    }, `jenkins ${String(b.phase ?? '').toLowerCase() || 'build'}`, finishedAt ?? startedAt ?? receivedAt, { phase: str(b.phase) });
  }
  // A pipeline's own JSON (httpRequest step): {project, build, status, stage?, branch?, commit?, triggered_by?, url?, duration?}
  const project = str(p.project) ?? str(p.job) ?? str(p.job_name) ?? str(p.pipeline);
  const number = str(p.build) ?? str(p.build_number) ?? str(p.number) ?? str(p.run);
  if (!project || !number || p.status === undefined) {
    throw new ParseError('CI payload not recognised: send GitLab, GitHub, CircleCI or Jenkins Notification JSON, or {"project", "build", "status"} from a pipeline step');
  }
  const stage = str(p.stage);
  const status = jenkinsStatus(undefined, p.status);
  const url = str(p.url) ?? str(p.build_url);
  const durationSeconds = num(p.duration_seconds) ?? (num(p.duration) !== null ? num(p.duration)! / (num(p.duration)! > 100_000 ? 1000 : 1) : null);
  const jobs: CiJob[] = stage ? [{
    id: stage, name: str(p.job_label) ?? stage, stage, status, startedAt: null, finishedAt: status === 'running' ? null : isoTime(p.timestamp) ?? receivedAt,
    durationSeconds, allowFailure: p.allow_failure === true, failureReason: str(p.reason) ?? str(p.failure_reason),
    url: str(p.log_url) ?? (url ? `${url.replace(/\/?$/, '/')}console` : null),
  }] : [];
  return ciEvent({
    platform: 'jenkins', level: stage ? 'job' : 'pipeline', runId: number, runNumber: number, attempt: null, name: null, project,
    projectUrl: null, branch: str(p.branch), commit: shortSha(str(p.commit)), commitMessage: firstLine(str(p.commit_message)),
    triggeredBy: str(p.triggered_by) ?? str(p.user), url, status, stages: Array.isArray(p.stages) ? p.stages.map(String) : [], jobs,
    startedAt: null, finishedAt: null, durationSeconds: stage ? null : durationSeconds,
  }, stage ? 'jenkins stage' : 'jenkins build', receivedAt, { failure_reason: str(p.reason) ?? str(p.failure_reason) });
}
