import { subjectName } from './messages.js';

type Json = Record<string, any>;

/** The state a lifecycle event leaves its pull request or issue in (also its forum tag). */
export type Lifecycle = 'open' | 'merged' | 'closed';

/** What a GitHub event says about the pull request or issue it belongs to. Pure: read from the payload. */
export interface GithubSubject {
  /** `acme/api#45`: pull requests and issues share a repository's numbers. Absent when only a commit or branch is named. */
  key?: string;
  /** The thread's name (`#45 Add OAuth support`) and the subject's page. */
  name?: string;
  url?: string;
  /** The event changes the subject's state (opened, ready for review, merged, closed): it goes to the channel. */
  lifecycle?: Lifecycle;
  /** A failed check, workflow or commit status: also said in the channel. */
  failure: boolean;
  /** The pull request's head branch after this event (`owner/repo:branch`); null once it is closed. */
  branch?: string | null;
  /** A commit the event is about (check runs, statuses): its pull request is looked up. */
  sha?: string;
  /** A pushed branch (`owner/repo:branch`): the thread of the pull request with that head branch, if any. */
  pushBranch?: string;
  /** Whether the event may open the subject's thread: pull request and issue events do; checks and pushes only join one. */
  opens: boolean;
}

const FAILED = new Set(['failure', 'timed_out', 'startup_failure', 'action_required', 'error']);

/** `acme/api#45` */
export const subjectKey = (repo: string, number: number) => `${repo}#${number}`;

/** Where a pull request's head branch lives, when pushes to it reach this hook (not from a fork). */
function headBranch(repo: string, pr: Json): string | undefined {
  const head = pr.head;
  if (!head?.ref || (head.repo?.full_name && head.repo.full_name !== repo)) return undefined;
  return `${repo}:${head.ref}`;
}

function prLifecycle(action: string, pr: Json): Lifecycle | undefined {
  if (action === 'opened' || action === 'reopened' || action === 'ready_for_review') return 'open';
  if (action === 'closed') return pr.merged ? 'merged' : 'closed';
  return undefined;
}

function about(repo: string, item: Json, failure = false): GithubSubject {
  return { key: subjectKey(repo, item.number), name: subjectName(item.number, item.title), url: item.html_url, failure, opens: true };
}

/**
 * The pull request or issue a GitHub event belongs to, or undefined when it belongs to none (a push to main, a
 * release, a star). See https://docs.github.com/en/webhooks/webhook-events-and-payloads for the payloads.
 */
export function githubSubject(eventType: string, p: Json): GithubSubject | undefined {
  const repo: string | undefined = p?.repository?.full_name;
  if (!repo) return undefined;
  const action = String(p.action ?? '');
  switch (eventType) {
    case 'pull_request': {
      const pr = p.pull_request;
      if (typeof pr?.number !== 'number') return undefined;
      const lifecycle = prLifecycle(action, pr);
      return { ...about(repo, pr), lifecycle, branch: action === 'closed' ? null : headBranch(repo, pr) };
    }
    case 'issues': {
      const issue = p.issue;
      if (typeof issue?.number !== 'number') return undefined;
      const lifecycle = action === 'opened' || action === 'reopened' ? 'open' : action === 'closed' ? 'closed' : undefined;
      return { ...about(repo, issue), lifecycle };
    }
    case 'issue_comment':
      return typeof p.issue?.number === 'number' ? about(repo, p.issue) : undefined;
    case 'pull_request_review': case 'pull_request_review_comment': case 'pull_request_review_thread':
      return typeof p.pull_request?.number === 'number' ? about(repo, p.pull_request) : undefined;
    case 'check_run': case 'check_suite': case 'workflow_run': {
      const c = p[eventType] ?? {};
      const number = (c.pull_requests ?? []).map((x: Json) => x?.number).find((n: unknown) => typeof n === 'number');
      return {
        ...(number !== undefined ? { key: subjectKey(repo, number) } : {}),
        sha: c.head_sha, failure: FAILED.has(String(c.conclusion ?? '')), opens: false,
        ...(number === undefined && eventType === 'workflow_run' && c.head_branch ? { pushBranch: `${repo}:${c.head_branch}` } : {}),
      };
    }
    case 'status':
      return typeof p.sha === 'string' ? { sha: p.sha, failure: p.state === 'failure' || p.state === 'error', opens: false } : undefined;
    case 'push': {
      const ref = String(p.ref ?? '');
      if (!ref.startsWith('refs/heads/') || p.deleted) return undefined;
      return { pushBranch: `${repo}:${ref.slice('refs/heads/'.length)}`, failure: false, opens: false };
    }
    default:
      return undefined;
  }
}
