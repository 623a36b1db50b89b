import type { NormalizedEvent } from '../types.js';

/** Filter keys stored raw by other options (`--repo`, `--containers`, `bots=include`). */
export const SPECIAL_KEYS = new Set(['repo', 'containers', 'bots']);

const COMMON = ['event', 'action', 'repo', 'branch', 'status', 'actor', 'kind'];

/** The keys a filter may use per service: the normalized event's field names. Custom JSON takes any key. */
export const FILTER_KEYS: Record<string, string[] | null> = {
  github: [...COMMON, 'bots', 'author', 'pusher', 'ref_type', 'forced', 'commit_count', 'state', 'merged', 'draft', 'base', 'head',
    'labels', 'label', 'number', 'workflow', 'conclusion', 'tag', 'prerelease'],
  docker: [...COMMON, 'container', 'image', 'compose_project', 'compose_service', 'exit_code', 'oom', 'health', 'containers'],
  ci: [...COMMON, 'platform', 'project', 'stage', 'job', 'transition', 'triggered_by', 'failure_reason', 'pipeline_id', 'commit'],
  custom: null,
};

export type FilterTerm = { key: string; op: '=' | '!='; value: string };

/** Parses `key=value`, `key!=value` (values may be lists `a,b` and globs `release/*`). */
export function parseFilterTerm(term: string): FilterTerm | { error: string } {
  const m = /^([A-Za-z_][\w.]*)(!=|=)(.+)$/.exec(term);
  if (!m) return { error: `\`${term}\` is not \`key=value\` or \`key!=value\`` };
  return { key: m[1].toLowerCase(), op: m[2] as '=' | '!=', value: m[3] };
}

/** The stored form: `{branch: "=main", status: "!=failure"}`. */
export function storedTerm(t: FilterTerm): string {
  return `${t.op}${t.value}`;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, 'i');
}

/** A field of the event by filter key: normalized top-level fields first, then kind-specific ones. */
export function fieldOf(event: NormalizedEvent, key: string): string | undefined {
  const top: Record<string, unknown> = {
    event: event.event, action: event.action, repo: event.repo, branch: event.branch,
    // CI events say `passed`/`failed`/…; `success`/`failure` (the colour) match too, see matchStored.
    status: event.kind.startsWith('ci.') ? (event.fields as Record<string, unknown>).status ?? event.status : event.status,
    actor: event.actor?.name, kind: event.kind, source: event.source,
  };
  const v = key in top && top[key] !== undefined ? top[key] : (event.fields as Record<string, unknown>)[key];
  return v === undefined || v === null ? undefined : String(v);
}

/** Whether an event passes one stored term (`=a,b*` or `!=x`). */
export function matchStored(event: NormalizedEvent, key: string, stored: string): boolean {
  const op = stored.startsWith('!=') ? '!=' : '=';
  const value = stored.replace(/^!?=/, '');
  const actual = fieldOf(event, key);
  const candidates = [actual, key === 'status' ? event.status : undefined].filter((v): v is string => v !== undefined);
  const hit = value.split(',').some((alt) => candidates.some((c) => globToRegExp(alt.trim()).test(c)));
  return op === '=' ? hit : !hit;
}
