/** What hookbot tracks about one pull request, from several kinds of GitHub events. */
export interface PrState {
  repo: string;
  number: number;
  title: string;
  author: string;
  url: string;
  state: 'open' | 'closed' | 'merged';
  draft: boolean;
  labels: string[];
  headSha: string;
  mergeableState: string;
  /** Latest review per reviewer that counts: approved | changes_requested | dismissed. */
  reviews: Record<string, string>;
  /** Check runs / suites / commit statuses for the head SHA: name → success | failure | pending. */
  checks: Record<string, string>;
}

type Json = Record<string, any>;

export const prKey = (repo: string, n: number) => `pr:${repo}#${n}`;
export const shaKey = (repo: string, sha: string) => `prsha:${repo}@${sha}`;

function outcome(conclusion: string | null | undefined, status?: string): string {
  if (!conclusion) return status === 'completed' ? 'success' : 'pending';
  if (['success', 'neutral', 'skipped'].includes(conclusion)) return 'success';
  if (['failure', 'timed_out', 'cancelled', 'action_required', 'startup_failure', 'error'].includes(conclusion)) return 'failure';
  return 'pending';
}

/** PR numbers (and head SHA) an event is about. Pure. */
export function prsOf(event: string, p: Json): { numbers: number[]; sha?: string } {
  if (event === 'pull_request' || event === 'pull_request_review') return { numbers: p.pull_request ? [p.pull_request.number] : [] };
  if (event === 'check_run') return { numbers: (p.check_run?.pull_requests ?? []).map((x: Json) => x.number), sha: p.check_run?.head_sha };
  if (event === 'check_suite') return { numbers: (p.check_suite?.pull_requests ?? []).map((x: Json) => x.number), sha: p.check_suite?.head_sha };
  if (event === 'status') return { numbers: [], sha: p.sha };
  return { numbers: [] };
}

/** Applies one GitHub event to a PR's state. Pure. */
export function reducePr(prev: PrState | undefined, event: string, p: Json, number: number): PrState {
  const repo = p.repository?.full_name ?? prev?.repo ?? '';
  const s: PrState = prev ? { ...prev, reviews: { ...prev.reviews }, checks: { ...prev.checks } } : {
    repo, number, title: '', author: '', url: '', state: 'open', draft: false, labels: [], headSha: '', mergeableState: '',
    reviews: {}, checks: {},
  };
  if (event === 'pull_request' || event === 'pull_request_review') {
    const pr = p.pull_request ?? {};
    s.title = pr.title ?? s.title;
    s.author = pr.user?.login ?? s.author;
    s.url = pr.html_url ?? s.url;
    s.state = pr.merged ? 'merged' : pr.state === 'closed' ? 'closed' : 'open';
    s.draft = Boolean(pr.draft);
    s.labels = (pr.labels ?? []).map((l: Json) => l.name);
    s.mergeableState = pr.mergeable_state ?? s.mergeableState;
    const head = pr.head?.sha ?? s.headSha;
    if (head && head !== s.headSha) s.checks = {}; // new commits: earlier checks no longer apply
    s.headSha = head;
  }
  if (event === 'pull_request_review' && p.review?.user?.login) {
    const state = String(p.review.state ?? '').toLowerCase();
    // Comments do not change a reviewer's verdict; GitHub counts the latest approve / request-changes / dismiss.
    if (p.action === 'dismissed' || state === 'dismissed') s.reviews[p.review.user.login] = 'dismissed';
    else if (state === 'approved' || state === 'changes_requested') s.reviews[p.review.user.login] = state;
  }
  if (event === 'check_run' && p.check_run) s.checks[`run:${p.check_run.name}`] = outcome(p.check_run.conclusion, p.check_run.status);
  if (event === 'check_suite' && p.check_suite) s.checks[`suite:${p.check_suite.app?.slug ?? p.check_suite.id}`] = outcome(p.check_suite.conclusion, p.check_suite.status);
  if (event === 'status') s.checks[`status:${p.context}`] = p.state === 'success' ? 'success' : p.state === 'pending' ? 'pending' : 'failure';
  return s;
}

/** The `pr` variable of alert-if rules. */
export function prVariables(s: PrState | undefined) {
  const verdicts = Object.values(s?.reviews ?? {});
  const approvals = verdicts.filter((v) => v === 'approved').length;
  const changes = verdicts.filter((v) => v === 'changes_requested').length;
  const checks = Object.values(s?.checks ?? {});
  const checkState = checks.length === 0 ? 'none' : checks.includes('failure') ? 'failing' : checks.includes('pending') ? 'pending' : 'passed';
  const status = !s ? 'none' : s.state !== 'open' ? s.state : s.draft ? 'draft' : changes > 0 ? 'changes_requested' : approvals > 0 ? 'approved' : 'open';
  return {
    number: s?.number ?? 0, title: s?.title ?? '', author: s?.author ?? '', url: s?.url ?? '', status,
    reviews: approvals, approvals, changes_requested: changes, checks: checkState, labels: s?.labels ?? [],
    draft: s?.draft ?? false, mergeable_state: s?.mergeableState ?? '', merged: s?.state === 'merged',
  };
}
