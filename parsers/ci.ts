import type { CiEvent, CiInfo, CiJob, CiPlatform, CiStatus, EventStatus, FieldValue } from '../src/types.js';
import { formatDuration } from './duration.js';
import { ParseError, trimText } from './common.js';

type Json = Record<string, any>;

/**
 * Parsers for a `ci` hook: GitLab (pipeline, job, push, merge request, tag, release hooks), GitHub Actions
 * (workflow_run, workflow_job, check_suite, check_run), CircleCI (workflow-completed, job-completed) and Jenkins
 * (Notification plugin JSON, or a pipeline's own JSON). Pure: payload in, normalized event out.
 */

const GITLAB_EVENTS = new Set(['Pipeline Hook', 'Job Hook', 'Push Hook', 'Merge Request Hook', 'Tag Push Hook', 'Release Hook',
  'Build Hook', 'Deployment Hook', 'Note Hook', 'Issue Hook', 'System Hook']);
const GITHUB_EVENTS = new Set(['workflow_run', 'workflow_job', 'check_suite', 'check_run', 'ping']);
const CIRCLECI_EVENTS = new Set(['workflow-completed', 'job-completed']);

/** Which platform sent a delivery, from its event header (as read by readDelivery) and body. */
export function ciPlatformOf(eventType: string, payload: Json): CiPlatform {
  if (GITLAB_EVENTS.has(eventType) || /^[A-Z][a-z]+( [A-Z][a-z]+)* Hook$/.test(eventType)) return 'gitlab';
  if (GITHUB_EVENTS.has(eventType)) return 'github';
  if (CIRCLECI_EVENTS.has(eventType) || (payload.webhook && payload.pipeline?.vcs)) return 'circleci';
  if (typeof payload.object_kind === 'string') return 'gitlab';
  return 'jenkins';
}

const TERMINAL: ReadonlySet<CiStatus> = new Set(['passed', 'failed', 'canceled', 'skipped']);
export const isTerminal = (s: CiStatus) => TERMINAL.has(s);

/** The embed colour of a CI status. */
export function colorStatus(s: CiStatus): EventStatus {
  return s === 'passed' ? 'success' : s === 'failed' ? 'failure' : s === 'manual' || s === 'canceled' ? 'warning' : s === 'skipped' ? 'neutral' : 'info';
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() && Number.isFinite(Number(v)) ? Number(v) : null);
const firstLine = (t: string | null) => (t ? t.split(/\r?\n/, 1)[0].trim() : null);
const shortSha = (sha: string | null) => (sha && /^[0-9a-f]{12,}$/i.test(sha) ? sha.slice(0, 8) : sha);

/** GitLab writes `2024-05-01 10:00:00 UTC` in hooks; everything else is ISO already. */
export function isoTime(v: unknown): string | null {
  const s = str(v);
  if (!s) return null;
  const t = Date.parse(s.replace(/^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) UTC$/, '$1T$2Z').replace(/^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) ([+-]\d\d)(\d\d)$/, '$1T$2$3:$4'));
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

const secondsBetween = (a: string | null, b: string | null) => (a && b ? Math.max(0, (Date.parse(b) - Date.parse(a)) / 1000) : null);

/** GitLab job and pipeline statuses: created, waiting_for_resource, preparing, pending, running, success, failed, canceled, skipped, manual, scheduled. */
function gitlabStatus(s: unknown): CiStatus {
  switch (String(s ?? '').toLowerCase()) {
    case 'success': return 'passed';
    case 'failed': return 'failed';
    case 'canceled': case 'cancelled': case 'canceling': return 'canceled';
    case 'skipped': return 'skipped';
    case 'manual': case 'scheduled': return 'manual';
    case 'running': return 'running';
    case 'created': return 'created';
    default: return 'pending'; // pending, preparing, waiting_for_resource
  }
}

/** `script_failure` → `script failure`. */
const reasonText = (r: unknown) => (str(r) && r !== 'unknown_failure' ? String(r).replace(/_/g, ' ') : null);

function gitlabProject(p: Json): { project: string; projectUrl: string | null } {
  const project = str(p.project?.path_with_namespace) ?? str(p.project?.name) ?? str(p.project_name)?.replace(/\s*\/\s*/g, '/')
    ?? str(p.repository?.name) ?? 'unknown project';
  return { project, projectUrl: str(p.project?.web_url) ?? str(p.repository?.homepage) };
}

function gitlabPipeline(p: Json, receivedAt: string): CiEvent {
  const a: Json = p.object_attributes ?? {};
  if (a.id === undefined) throw new ParseError('GitLab pipeline hook without object_attributes.id');
  const { project, projectUrl } = gitlabProject(p);
  const jobs: CiJob[] = (Array.isArray(p.builds) ? p.builds : []).map((b: Json): CiJob => ({
    id: String(b.id), name: str(b.name) ?? `job ${b.id}`, stage: str(b.stage) ?? 'test', status: gitlabStatus(b.status),
    startedAt: isoTime(b.started_at), finishedAt: isoTime(b.finished_at),
    durationSeconds: num(b.duration) ?? secondsBetween(isoTime(b.started_at), isoTime(b.finished_at)),
    allowFailure: b.allow_failure === true, failureReason: reasonText(b.failure_reason),
    url: projectUrl ? `${projectUrl}/-/jobs/${b.id}` : null,
  }));
  const startedAt = isoTime(a.created_at);
  const finishedAt = isoTime(a.finished_at);
  return ciEvent({
    platform: 'gitlab', level: 'pipeline', runId: String(a.id), runNumber: a.iid !== undefined ? String(a.iid) : null, attempt: null,
    name: str(a.name), project, projectUrl, branch: str(a.ref), commit: shortSha(str(a.sha) ?? str(p.commit?.id)),
    commitMessage: firstLine(str(p.commit?.title) ?? str(p.commit?.message)),
    triggeredBy: str(p.user?.name) ?? str(p.user?.username), url: str(a.url) ?? (projectUrl ? `${projectUrl}/-/pipelines/${a.id}` : null),
    status: gitlabStatus(a.status), stages: Array.isArray(a.stages) ? a.stages.map(String) : [], jobs,
    startedAt, finishedAt, durationSeconds: num(a.duration) ?? secondsBetween(startedAt, finishedAt),
  }, 'pipeline', finishedAt ?? startedAt ?? receivedAt, { source_kind: str(a.source), tag: a.tag === true });
}

function gitlabJob(p: Json, receivedAt: string): CiEvent {
  if (p.build_id === undefined) throw new ParseError('GitLab job hook without build_id');
  const { project, projectUrl } = gitlabProject(p);
  const pipelineId = String(p.pipeline_id ?? p.commit?.id ?? 'unknown');
  const startedAt = isoTime(p.build_started_at);
  const finishedAt = isoTime(p.build_finished_at);
  const job: CiJob = {
    id: String(p.build_id), name: str(p.build_name) ?? `job ${p.build_id}`, stage: str(p.build_stage) ?? 'test',
    status: gitlabStatus(p.build_status), startedAt, finishedAt,
    durationSeconds: num(p.build_duration) ?? secondsBetween(startedAt, finishedAt),
    allowFailure: p.build_allow_failure === true, failureReason: reasonText(p.build_failure_reason),
    url: projectUrl ? `${projectUrl}/-/jobs/${p.build_id}` : null,
  };
  return ciEvent({
    platform: 'gitlab', level: 'job', runId: pipelineId, runNumber: null, attempt: null, name: null, project, projectUrl,
    branch: str(p.ref), commit: shortSha(str(p.sha) ?? str(p.commit?.sha)), commitMessage: firstLine(str(p.commit?.message)),
    triggeredBy: str(p.user?.name) ?? str(p.user?.username),
    url: projectUrl && p.pipeline_id !== undefined ? `${projectUrl}/-/pipelines/${p.pipeline_id}` : null,
    status: job.status, stages: [], jobs: [job], startedAt, finishedAt, durationSeconds: job.durationSeconds,
  }, 'job', finishedAt ?? startedAt ?? receivedAt, { retries: num(p.retries_count) ?? 0 });
}

/** GitLab's non-CI events, for teams that point one project hook at everything. */
function gitlabOther(eventType: string, p: Json, receivedAt: string): CiEvent {
  const { project, projectUrl } = gitlabProject(p);
  const who = str(p.user?.name) ?? str(p.user_name) ?? str(p.user_username) ?? null;
  const actor = who ? { name: who, avatarUrl: str(p.user?.avatar_url) ?? str(p.user_avatar) ?? undefined } : undefined;
  const base = { source: 'gitlab' as const, actor, repo: project, occurredAt: receivedAt };
  const ref = str(p.ref) ?? '';
  if (p.object_kind === 'push' || eventType === 'Push Hook') {
    const branch = ref.replace(/^refs\/heads\//, '');
    const commits: Json[] = Array.isArray(p.commits) ? p.commits : [];
    const n = num(p.total_commits_count) ?? commits.length;
    const latest = commits[commits.length - 1];
    const deleted = /^0+$/.test(str(p.after) ?? '');
    return {
      ...base, kind: 'ci.push', event: 'push', branch,
      title: deleted ? `🗑️ ${who ?? 'someone'} deleted branch ${branch} — ${project}`
        : `📤 ${who ?? 'someone'} pushed ${n} commit${n === 1 ? '' : 's'} to ${branch} — ${project}`,
      summary: commits.slice(-5).map((c) => `\`${String(c.id ?? '').slice(0, 8)}\` ${trimText(firstLine(str(c.message)) ?? '', 100)}`).join('\n') || undefined,
      url: str(latest?.url) ?? (projectUrl ? `${projectUrl}/-/commits/${branch}` : undefined), status: 'info',
      fields: { platform: 'gitlab', project, branch, commit_count: n, commit: shortSha(str(p.after)), author: who },
    };
  }
  if (p.object_kind === 'tag_push' || eventType === 'Tag Push Hook') {
    const tag = ref.replace(/^refs\/tags\//, '');
    return {
      ...base, kind: 'ci.tag', event: 'tag_push', title: `🏷️ ${who ?? 'someone'} pushed tag ${tag} — ${project}`,
      url: projectUrl ? `${projectUrl}/-/tags/${tag}` : undefined, status: 'info',
      fields: { platform: 'gitlab', project, tag, commit: shortSha(str(p.after)), author: who },
    };
  }
  if (p.object_kind === 'merge_request' || eventType === 'Merge Request Hook') {
    const a: Json = p.object_attributes ?? {};
    const action = str(a.action) ?? str(a.state) ?? 'updated';
    const verb: Record<string, string> = { open: 'opened', reopen: 'reopened', close: 'closed', merge: 'merged', update: 'updated', approved: 'approved', unapproved: 'unapproved' };
    return {
      ...base, kind: 'ci.merge_request', event: 'merge_request', action, branch: str(a.target_branch) ?? undefined,
      title: `🔀 ${who ?? 'someone'} ${verb[action] ?? action} merge request !${a.iid ?? '?'}: ${trimText(str(a.title) ?? '', 150)}`,
      summary: trimText(str(a.description) ?? '', 300) || undefined, url: str(a.url) ?? undefined,
      status: action === 'merge' ? 'merged' : action === 'close' ? 'neutral' : 'info',
      fields: {
        platform: 'gitlab', project, number: num(a.iid), state: str(a.state), source_branch: str(a.source_branch),
        target_branch: str(a.target_branch), author: who,
      },
    };
  }
  if (p.object_kind === 'release' || eventType === 'Release Hook') {
    const tag = str(p.tag) ?? '';
    return {
      ...base, kind: 'ci.release', event: 'release', action: str(p.action) ?? undefined,
      title: `🚀 Release ${str(p.name) ?? tag} ${str(p.action) === 'update' ? 'updated' : 'published'} — ${project}`,
      summary: trimText(str(p.description) ?? '', 500) || undefined, url: str(p.url) ?? undefined, status: 'success',
      fields: { platform: 'gitlab', project, tag, name: str(p.name) },
    };
  }
  return {
    ...base, kind: 'ci.other', event: String(p.object_kind ?? eventType), title: `GitLab ${eventType} — ${project}`,
    url: projectUrl ?? undefined, status: 'neutral', fields: { platform: 'gitlab', project },
  };
}

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

function githubRun(eventType: string, p: Json, receivedAt: string): CiEvent {
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

function circleci(eventType: string, p: Json, receivedAt: string): CiEvent {
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

function jenkins(p: Json, receivedAt: string): CiEvent {
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

const PLATFORM_NAME: Record<CiPlatform, string> = { gitlab: 'GitLab CI', github: 'GitHub Actions', circleci: 'CircleCI', jenkins: 'Jenkins' };
export const platformName = (p: CiPlatform) => PLATFORM_NAME[p];

/** A pipeline or job event with the normalized fields every platform shares. */
function ciEvent(info: Omit<CiInfo, 'runKey'>, event: string, occurredAt: string, extra: Record<string, FieldValue>): CiEvent {
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

/** Turns a `ci` hook's delivery into a normalized event. */
export function parseCi(eventType: string, payload: unknown, receivedAt: string): CiEvent {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new ParseError('CI payload must be a JSON object');
  const p = payload as Json;
  switch (ciPlatformOf(eventType, p)) {
    case 'gitlab':
      if (p.object_kind === 'pipeline' || eventType === 'Pipeline Hook') return gitlabPipeline(p, receivedAt);
      if (p.object_kind === 'build' || eventType === 'Job Hook' || eventType === 'Build Hook') return gitlabJob(p, receivedAt);
      return gitlabOther(eventType, p, receivedAt);
    case 'github':
      if (eventType === 'ping') {
        return {
          source: 'github', kind: 'ci.other', event: 'ping', title: `🔗 GitHub connected — ${p.repository?.full_name ?? p.organization?.login ?? 'webhook'}`,
          summary: str(p.zen) ?? undefined, status: 'success', fields: { platform: 'github' }, occurredAt: receivedAt,
        };
      }
      return githubRun(eventType, p, receivedAt);
    case 'circleci': return circleci(eventType, p, receivedAt);
    case 'jenkins': return jenkins(p, receivedAt);
  }
}
