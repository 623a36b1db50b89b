import type { CiEvent, CiJob, CiStatus } from '../src/types.js';
import { ciEvent, firstLine, isoTime, secondsBetween, shortSha, str, type Json } from './ci-common.js';
import { ParseError } from './common.js';

/** CircleCI: https://circleci.com/docs/webhooks-reference/ — workflow and job statuses. */
function circleStatus(s: unknown): CiStatus {
  switch (String(s ?? '').toLowerCase()) {
    case 'success': return 'passed';
    case 'failed': case 'error': case 'failing': case 'infrastructure_fail': case 'timedout': case 'unauthorized': return 'failed';
    case 'canceled': return 'canceled';
    case 'not_run': return 'skipped';
    case 'on_hold': return 'manual';
    case 'running': return 'running';
    default: return 'pending';
  }
}

export function circleci(eventType: string, p: Json, receivedAt: string): CiEvent {
  const w: Json = p.workflow ?? {};
  if (!w.id) throw new ParseError('CircleCI payload without workflow.id');
  const vcs: Json = p.pipeline?.vcs ?? {};
  const project = str(p.project?.slug)?.replace(/^(gh|github|bb|bitbucket|circleci)\//, '') ?? str(p.project?.name) ?? 'unknown project';
  const common = {
    platform: 'circleci' as const, attempt: null, runId: String(w.id), runNumber: p.pipeline?.number !== undefined ? String(p.pipeline.number) : null,
    name: str(w.name), project, projectUrl: str(vcs.target_repository_url) ?? str(vcs.origin_repository_url),
    branch: str(vcs.branch) ?? (str(vcs.tag) ? `tag ${vcs.tag}` : null), commit: shortSha(str(vcs.revision)),
    commitMessage: firstLine(str(vcs.commit?.subject)),
    triggeredBy: str(p.pipeline?.trigger_parameters?.github_app?.user_username) ?? str(vcs.commit?.author?.name) ?? str(p.pipeline?.trigger?.type),
    url: str(w.url), stages: [],
  };
  if (eventType === 'job-completed' || p.type === 'job-completed') {
    const j: Json = p.job ?? {};
    const startedAt = isoTime(j.started_at);
    const finishedAt = isoTime(j.stopped_at);
    const status = circleStatus(j.status);
    const job: CiJob = {
      id: String(j.id ?? j.number), name: str(j.name) ?? 'job', stage: str(j.name) ?? 'job', status, startedAt, finishedAt,
      durationSeconds: secondsBetween(startedAt, finishedAt), allowFailure: false,
      failureReason: status === 'failed' && j.status !== 'failed' ? String(j.status).replace(/_/g, ' ') : null,
      url: common.url && j.number !== undefined ? `${common.url}/jobs/${j.number}` : common.url,
    };
    return ciEvent({ ...common, level: 'job', status, jobs: [job], startedAt, finishedAt, durationSeconds: job.durationSeconds },
      'job-completed', finishedAt ?? receivedAt, {});
  }
  const startedAt = isoTime(w.created_at);
  const finishedAt = isoTime(w.stopped_at);
  return ciEvent({ ...common, level: 'pipeline', status: circleStatus(w.status), jobs: [], startedAt, finishedAt, durationSeconds: secondsBetween(startedAt, finishedAt) },
    'workflow-completed', finishedAt ?? isoTime(p.happened_at) ?? receivedAt, {});
}
