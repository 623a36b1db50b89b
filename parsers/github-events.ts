/** GitHub event names hookbot knows, with the short names users type and the labels GitHub's settings page shows. */
export const GITHUB_EVENTS: Record<string, { aliases: string[]; label: string }> = {
  push: { aliases: ['push', 'pushes'], label: 'Pushes' },
  pull_request: { aliases: ['pr', 'prs', 'pull_request', 'pull_requests', 'pull-request'], label: 'Pull requests' },
  issues: { aliases: ['issues', 'issue'], label: 'Issues' },
  issue_comment: { aliases: ['comments', 'comment', 'issue_comment'], label: 'Issue comments' },
  release: { aliases: ['release', 'releases'], label: 'Releases' },
  workflow_run: { aliases: ['workflow', 'workflows', 'workflow_run'], label: 'Workflow runs' },
  pull_request_review: { aliases: ['review', 'reviews', 'pull_request_review'], label: 'Pull request reviews' },
  create: { aliases: ['create'], label: 'Branch or tag creation' },
  delete: { aliases: ['delete'], label: 'Branch or tag deletion' },
  star: { aliases: ['star', 'stars'], label: 'Stars' },
  fork: { aliases: ['fork', 'forks'], label: 'Forks' },
};

export const DEFAULT_GITHUB_EVENTS = ['push', 'pull_request', 'issues', 'release', 'workflow_run'];

/** `'all'` means every event GitHub sends (the "Send me everything" choice). */
export const ALL_EVENTS = '*';

/** The canonical event name of a name or alias users type (`pr` → `pull_request`), or undefined. */
export function githubEventByAlias(alias: string): string | undefined {
  return Object.entries(GITHUB_EVENTS).find(([, v]) => v.aliases.includes(alias))?.[0];
}

/**
 * Resolves a comma-separated list of event names and aliases.
 * @returns the canonical names, or the names that were not recognised
 */
export function resolveGithubEvents(list: string): { ok: true; events: string[] } | { ok: false; unknown: string[] } {
  const names = list.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (names.includes('all') || names.includes('*')) return { ok: true, events: [ALL_EVENTS] };
  const events: string[] = [];
  const unknown: string[] = [];
  for (const n of names) {
    const hit = githubEventByAlias(n);
    if (hit) { if (!events.includes(hit)) events.push(hit); } else unknown.push(n);
  }
  return unknown.length || events.length === 0 ? { ok: false, unknown: unknown.length ? unknown : [list] } : { ok: true, events };
}

/** The checkbox labels a user ticks under "Let me select individual events". */
export function githubEventLabels(events: string[]): string {
  if (events.includes(ALL_EVENTS)) return 'Send me **everything**';
  return events.map((e) => GITHUB_EVENTS[e]?.label ?? e).join(', ');
}
