import type { CiEvent, CiJob, CiStatus } from '../src/types.js';
import { ciEvent, firstLine, isoTime, num, secondsBetween, shortSha, str, type Json } from './ci-common.js';
import { ParseError, trimText } from './common.js';

/** GitLab's pipeline, job, push, merge request, tag and release hooks. */

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

export function gitlabPipeline(p: Json, receivedAt: string): CiEvent {
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

export function gitlabJob(p: Json, receivedAt: string): CiEvent {
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
export function gitlabOther(eventType: string, p: Json, receivedAt: string): CiEvent {
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
