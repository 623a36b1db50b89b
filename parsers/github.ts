import type {
  PushEvent, PullRequestEvent, IssuesEvent, IssueCommentEvent, ReleaseEvent, WorkflowRunEvent, PingEvent,
} from '@octokit/webhooks-types';
import type { Actor, EventStatus, FieldValue, NormalizedEvent } from '../src/types.js';
import { formatDuration } from '../formatters/duration.js';
import { ParseError, trimText } from './common.js';

type Json = Record<string, any>;

/**
 * Turns a GitHub webhook payload into a normalized event. Pure: no I/O, no clock.
 * @param eventName the `X-GitHub-Event` header
 * @param payload the parsed JSON body
 * @param receivedAt when the delivery arrived (ISO), used when the payload has no time of its own
 */
export function parseGithub(eventName: string, payload: unknown, receivedAt: string): NormalizedEvent {
  if (!eventName) throw new ParseError('missing X-GitHub-Event header');
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new ParseError('GitHub payload must be a JSON object');
  }
  const p = payload as Json;
  switch (eventName) {
    case 'push': return parsePush(p as PushEvent, receivedAt);
    case 'pull_request': return parsePullRequest(p as PullRequestEvent, receivedAt);
    case 'issues': return parseIssues(p as IssuesEvent, receivedAt);
    case 'issue_comment': return parseIssueComment(p as IssueCommentEvent, receivedAt);
    case 'release': return parseRelease(p as ReleaseEvent, receivedAt);
    case 'workflow_run': return parseWorkflowRun(p as WorkflowRunEvent, receivedAt);
    case 'ping': return parsePing(p as PingEvent, receivedAt);
    default: return parseGeneric(eventName, p, receivedAt);
  }
}

function actorOf(user: Json | null | undefined): Actor | undefined {
  if (!user || typeof user.login !== 'string') return undefined;
  return { name: user.login, url: user.html_url, avatarUrl: user.avatar_url };
}

function repoOf(p: Json): string | undefined {
  return p.repository?.full_name ?? p.organization?.login ?? undefined;
}

function firstLine(text: string | null | undefined): string {
  return (text ?? '').split(/\r?\n/, 1)[0].trim();
}

function base(eventName: string, p: Json, receivedAt: string) {
  return {
    source: 'github' as const,
    event: eventName,
    action: typeof p.action === 'string' ? p.action : undefined,
    actor: actorOf(p.sender),
    repo: repoOf(p),
    occurredAt: receivedAt,
  };
}

function parsePush(p: PushEvent, receivedAt: string): NormalizedEvent {
  if (typeof p.ref !== 'string') throw new ParseError('push payload has no ref');
  const isTag = p.ref.startsWith('refs/tags/');
  const name = p.ref.replace(/^refs\/(heads|tags)\//, '');
  const commits = p.commits ?? [];
  const latest = p.head_commit ?? commits[commits.length - 1] ?? null;
  const touched = (key: 'added' | 'modified' | 'removed') =>
    new Set(commits.flatMap((c) => c[key] ?? [])).size;
  const added = touched('added');
  const modified = touched('modified');
  const removed = touched('removed');
  const repo = p.repository?.full_name ?? '';
  const what = isTag ? `tag ${name}` : name;
  let title: string;
  let status: EventStatus = 'info';
  if (p.deleted) {
    title = `[${repo}] ${isTag ? 'Tag' : 'Branch'} ${name} deleted`;
    status = 'warning';
  } else if (isTag) {
    title = `[${repo}] Tag ${name} ${p.created ? 'created' : 'updated'}`;
  } else if (commits.length === 0 && p.forced) {
    title = `[${repo}:${name}] Force-pushed with no new commits`;
    status = 'warning';
  } else if (commits.length === 0) {
    title = `[${repo}] ${p.created ? `New branch ${name}` : `${what} updated with no new commits`}`;
  } else {
    title = `[${repo}:${name}] ${commits.length} new commit${commits.length === 1 ? '' : 's'}${p.forced ? ' (force-pushed)' : ''}`;
    if (p.forced) status = 'warning';
  }
  const summary = commits.slice(-5).map((c) =>
    `[\`${c.id.slice(0, 7)}\`](${c.url}) ${firstLine(c.message)} — ${c.author?.username ?? c.author?.name ?? 'unknown'}`,
  ).join('\n') + (commits.length > 5 ? `\n… and ${commits.length - 5} earlier` : '');
  return {
    ...base('push', p, receivedAt),
    kind: 'github.push',
    title,
    summary: summary || undefined,
    url: p.deleted ? p.repository?.html_url : p.compare || latest?.url || p.repository?.html_url,
    actor: actorOf(p.sender) ?? (p.pusher ? { name: p.pusher.name } : undefined),
    branch: isTag ? undefined : name,
    status,
    fields: {
      ref: p.ref,
      ref_type: isTag ? 'tag' : 'branch',
      created: !!p.created,
      deleted: !!p.deleted,
      forced: !!p.forced,
      commit_count: commits.length,
      latest_commit_message: firstLine(latest?.message),
      latest_commit_url: latest?.url ?? null,
      latest_commit_id: latest?.id ?? null,
      files_added: added,
      files_modified: modified,
      files_removed: removed,
      files_touched: added + modified + removed,
      compare_url: p.compare ?? null,
      pusher: p.pusher?.name ?? p.sender?.login ?? 'unknown',
      author: latest?.author?.username ?? latest?.author?.name ?? p.pusher?.name ?? 'unknown',
    },
    occurredAt: (latest as { timestamp?: string } | null)?.timestamp ?? receivedAt,
  };
}

function parsePullRequest(p: PullRequestEvent, receivedAt: string): NormalizedEvent {
  const pr = p.pull_request;
  if (!pr) throw new ParseError('pull_request payload has no pull_request');
  const merged = !!pr.merged;
  const action = p.action === 'closed' && merged ? 'merged' : p.action;
  const status: EventStatus = action === 'merged' ? 'merged'
    : action === 'closed' ? 'failure'
    : action === 'opened' || action === 'reopened' || action === 'ready_for_review' ? 'success' : 'info';
  const reviewer = (p as Json).requested_reviewer?.login ?? (p as Json).requested_team?.name ?? null;
  const verb = ({
    opened: 'opened', closed: 'closed', merged: 'merged', reopened: 'reopened',
    ready_for_review: 'ready for review', review_requested: 'review requested',
  } as Record<string, string>)[action] ?? action.replace(/_/g, ' ');
  return {
    ...base('pull_request', p, receivedAt),
    kind: 'github.pull_request',
    action,
    title: `[${p.repository.full_name}] Pull request ${verb}: #${pr.number} ${pr.title}`,
    summary: action === 'opened' ? trimText(pr.body ?? '', 500) || undefined : undefined,
    url: pr.html_url,
    branch: pr.base?.ref,
    status,
    fields: {
      number: pr.number,
      pr_title: pr.title,
      author: pr.user?.login ?? 'unknown',
      state: merged ? 'merged' : pr.draft ? 'draft' : pr.state,
      merged,
      draft: !!pr.draft,
      base: pr.base?.ref ?? '',
      head: pr.head?.ref ?? '',
      changed_files: numberOrNull((pr as Json).changed_files),
      additions: numberOrNull((pr as Json).additions),
      deletions: numberOrNull((pr as Json).deletions),
      requested_reviewer: reviewer,
    },
    occurredAt: pr.updated_at ?? receivedAt,
  };
}

function parseIssues(p: IssuesEvent, receivedAt: string): NormalizedEvent {
  const issue = p.issue;
  if (!issue) throw new ParseError('issues payload has no issue');
  const labels = (issue.labels ?? []).map((l) => (typeof l === 'string' ? l : l.name)).join(', ');
  const status: EventStatus = p.action === 'opened' || p.action === 'reopened' ? 'success'
    : p.action === 'closed' ? (issue.state_reason === 'not_planned' ? 'neutral' : 'merged') : 'info';
  const label = (p as Json).label?.name ?? null;
  return {
    ...base('issues', p, receivedAt),
    kind: 'github.issues',
    title: `[${p.repository.full_name}] Issue ${p.action.replace(/_/g, ' ')}${label ? ` (${label})` : ''}: #${issue.number} ${issue.title}`,
    summary: p.action === 'opened' ? trimText(issue.body ?? '', 500) || undefined : undefined,
    url: issue.html_url,
    status,
    fields: {
      number: issue.number,
      issue_title: issue.title,
      author: issue.user?.login ?? 'unknown',
      state: issue.state ?? 'open',
      labels,
      label,
    },
    occurredAt: issue.updated_at ?? receivedAt,
  };
}

function parseIssueComment(p: IssueCommentEvent, receivedAt: string): NormalizedEvent {
  const { issue, comment } = p;
  if (!issue || !comment) throw new ParseError('issue_comment payload has no issue or comment');
  const isPr = !!(issue as Json).pull_request;
  return {
    ...base('issue_comment', p, receivedAt),
    kind: 'github.issue_comment',
    title: `[${p.repository.full_name}] Comment ${p.action === 'created' ? 'on' : `${p.action} on`} ${isPr ? 'pull request' : 'issue'} #${issue.number}: ${issue.title}`,
    summary: trimText(comment.body ?? '', 500),
    url: comment.html_url,
    status: 'info',
    fields: {
      number: issue.number,
      issue_title: issue.title,
      author: comment.user?.login ?? 'unknown',
      comment: trimText(comment.body ?? '', 500),
      is_pull_request: isPr,
    },
    occurredAt: comment.updated_at ?? receivedAt,
  };
}

function parseRelease(p: ReleaseEvent, receivedAt: string): NormalizedEvent {
  const r = p.release;
  if (!r) throw new ParseError('release payload has no release');
  const name = r.name || r.tag_name;
  return {
    ...base('release', p, receivedAt),
    kind: 'github.release',
    title: `[${p.repository.full_name}] ${r.prerelease ? 'Pre-release' : 'Release'} ${p.action}: ${name}`,
    summary: trimText(r.body ?? '', 1500) || undefined,
    url: r.html_url,
    status: p.action === 'deleted' || p.action === 'unpublished' ? 'warning' : 'success',
    fields: {
      tag: r.tag_name,
      name,
      notes: trimText(r.body ?? '', 1500),
      prerelease: !!r.prerelease,
      author: r.author?.login ?? 'unknown',
    },
    occurredAt: r.published_at ?? r.created_at ?? receivedAt,
  };
}

const CONCLUSION_ICON: Record<string, string> = {
  success: '✅', failure: '❌', timed_out: '❌', startup_failure: '❌', cancelled: '⚠️',
  action_required: '⚠️', neutral: '⚠️', skipped: '⚠️', stale: '⚠️',
};

function parseWorkflowRun(p: WorkflowRunEvent, receivedAt: string): NormalizedEvent {
  const run = p.workflow_run as Json;
  if (!run) throw new ParseError('workflow_run payload has no workflow_run');
  const conclusion: string | null = run.conclusion ?? null;
  const started = Date.parse(run.run_started_at ?? run.created_at);
  const ended = Date.parse(run.updated_at);
  const seconds = p.action === 'completed' && Number.isFinite(started) && Number.isFinite(ended) && ended >= started
    ? Math.round((ended - started) / 1000) : null;
  const status: EventStatus = p.action !== 'completed' ? 'info'
    : conclusion === 'success' ? 'success'
    : conclusion === 'failure' || conclusion === 'timed_out' || conclusion === 'startup_failure' ? 'failure' : 'warning';
  const icon = p.action === 'completed' ? (CONCLUSION_ICON[conclusion ?? ''] ?? '⚠️') : '⚙️';
  const name = run.name ?? p.workflow?.name ?? 'workflow';
  const what = p.action === 'completed' ? (conclusion ?? 'completed').replace(/_/g, ' ') : p.action.replace(/_/g, ' ');
  return {
    ...base('workflow_run', p, receivedAt),
    kind: 'github.workflow_run',
    title: `${icon} [${p.repository.full_name}] ${name} #${run.run_number ?? '?'} ${what}`,
    summary: run.head_commit?.message ? firstLine(run.head_commit.message) : undefined,
    url: run.html_url,
    branch: run.head_branch ?? undefined,
    status,
    fields: {
      workflow: name,
      conclusion,
      run_number: numberOrNull(run.run_number),
      duration: seconds === null ? null : formatDuration(seconds),
      duration_seconds: seconds,
      author: run.actor?.login ?? run.triggering_actor?.login ?? p.sender?.login ?? 'unknown',
      commit_message: firstLine(run.head_commit?.message),
    },
    occurredAt: run.updated_at ?? receivedAt,
  };
}

function parsePing(p: PingEvent, receivedAt: string): NormalizedEvent {
  const events = (p.hook?.events ?? []).join(', ');
  return {
    ...base('ping', p, receivedAt),
    kind: 'github.ping',
    title: `🔗 GitHub hook connected${repoOf(p) ? ` — ${repoOf(p)}` : ''}`,
    summary: p.zen ? `_${p.zen}_` : undefined,
    url: p.repository?.html_url ?? undefined,
    status: 'success',
    fields: { zen: p.zen ?? '', hook_events: events || 'none', hook_id: numberOrNull(p.hook_id) },
  };
}

/** Any event without a dedicated layout: event + action, repo, sender, link. */
function parseGeneric(eventName: string, p: Json, receivedAt: string): NormalizedEvent {
  const subject = findSubject(eventName, p);
  const label = eventName.replace(/_/g, ' ');
  const action = typeof p.action === 'string' ? ` ${p.action.replace(/_/g, ' ')}` : '';
  const name = subject && (subject.title ?? subject.name ?? subject.login ?? subject.tag_name ?? subject.key);
  const repo = repoOf(p);
  const fields: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(subject ?? {})) {
    if (['string', 'number', 'boolean'].includes(typeof v) && !/url$|_id$|^id$|node_id/.test(k)) fields[k] = v as FieldValue;
  }
  const special = specialTitle(eventName, p);
  return {
    ...base(eventName, p, receivedAt),
    kind: 'github.other',
    title: `${repo ? `[${repo}] ` : ''}${special ?? `${label}${action}${typeof name === 'string' && name ? `: ${name}` : ''}`}`,
    url: findUrl(subject) ?? findUrl(p.repository) ?? findUrl(p.organization) ?? findUrl(p.sender),
    status: /fail|error|delet|remov|revok|cancel|timed_out/i.test(`${p.action ?? ''} ${subject?.conclusion ?? ''}`) ? 'warning'
      : subject?.conclusion === 'success' ? 'success' : 'neutral',
    fields,
  };
}

/** Readable titles for common events that have no layout of their own. */
function specialTitle(eventName: string, p: Json): string | undefined {
  const who = p.sender?.login ?? 'someone';
  switch (eventName) {
    case 'create': return `${p.ref_type === 'tag' ? 'Tag' : 'Branch'} ${p.ref} created by ${who}`;
    case 'delete': return `${p.ref_type === 'tag' ? 'Tag' : 'Branch'} ${p.ref} deleted by ${who}`;
    case 'star': return p.action === 'deleted' ? `Star removed by ${who}` : `⭐ Starred by ${who}`;
    case 'watch': return `👀 ${who} is watching`;
    case 'fork': return `🍴 Forked to ${p.forkee?.full_name ?? 'a new repository'} by ${who}`;
    case 'pull_request_review':
      return `PR #${p.pull_request?.number} review ${p.action}: ${String(p.review?.state ?? '').replace(/_/g, ' ').toLowerCase()} by ${p.review?.user?.login ?? who}`;
    case 'pull_request_review_comment':
      return `Review comment ${p.action} on PR #${p.pull_request?.number}: ${p.pull_request?.title ?? ''}`;
    case 'check_run': case 'check_suite': {
      const c = p[eventName];
      const outcome = c?.conclusion ? ` (${c.conclusion})` : '';
      return `${eventName === 'check_run' ? `Check ${c?.name ?? ''}` : 'Check suite'} ${p.action}${outcome}`;
    }
    case 'workflow_job':
      return `Job ${p.workflow_job?.name ?? ''} ${p.action}${p.workflow_job?.conclusion ? ` (${p.workflow_job.conclusion})` : ''}`;
    default: return undefined;
  }
}

/** The object the event is about: `payload[eventName]`, or the first object key that is not context. */
function findSubject(eventName: string, p: Json): Json | undefined {
  const direct = p[eventName];
  if (direct && typeof direct === 'object' && !Array.isArray(direct)) return direct;
  const context = new Set(['repository', 'organization', 'sender', 'installation', 'enterprise', 'changes']);
  for (const [k, v] of Object.entries(p)) {
    if (!context.has(k) && v && typeof v === 'object' && !Array.isArray(v)) return v as Json;
  }
  return undefined;
}

function findUrl(o: Json | null | undefined): string | undefined {
  const u = o?.html_url ?? o?.url;
  return typeof u === 'string' && /^https?:\/\//.test(u) && !/^https?:\/\/api\.github\.com/.test(u) ? u : undefined;
}

function numberOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

