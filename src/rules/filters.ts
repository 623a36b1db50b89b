import { RE2JS } from 're2js';
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

/** A path into the delivery's JSON (`payload.commits[0].message`): valid for every service. */
export const isPayloadPath = (key: string) => /^payload(\.|\[)/.test(key);

/**
 * Operators, as stored before the value: `=` (any of `a,b`, `*` globs, case-insensitive), `!=` (none of them),
 * `~=` (a regular expression, RE2 syntax: linear time), `*=` (contains the text, case-insensitive).
 */
export type FilterOp = '=' | '!=' | '~=' | '*=';
export type FilterTerm = { key: string; op: FilterOp; value: string };

/** Parses `key=value`, `key!=value`, `key~=regex`, `key*=text` (keys may be payload paths like `payload.commits[0].message`). */
export function parseFilterTerm(term: string): FilterTerm | { error: string } {
  const m = /^([A-Za-z_][\w.]*(?:\[\d+\][\w.]*)*)(!=|~=|\*=|=)(.+)$/.exec(term);
  if (!m) return { error: `\`${term}\` is not \`key=value\`, \`key!=value\`, \`key~=regex\` or \`key*=text\`` };
  // Payload paths keep their case: JSON keys are case-sensitive.
  return { key: isPayloadPath(m[1]) ? m[1] : m[1].toLowerCase(), op: m[2] as FilterOp, value: m[3] };
}

/** The stored form: `{branch: "=main", status: "!=failure", "payload.title": "~=^fix"}`. */
export function storedTerm(t: FilterTerm): string {
  return `${t.op}${t.value}`;
}

/** The operator and value of a stored term. */
export function splitStored(stored: string): { op: FilterOp; value: string } {
  const m = /^(!=|~=|\*=|=)/.exec(stored);
  const op = (m?.[1] ?? '=') as FilterOp;
  return { op, value: stored.slice(m ? op.length : 0) };
}

/**
 * Filters look at this much of a field at most (1 MiB): with a linear-time engine and patterns of 500 characters at
 * most, the time one event can take is bounded whatever the pattern and the payload.
 */
export const MAX_MATCH_CHARS = 1024 * 1024;
/** The longest pattern a filter may have. */
export const MAX_PATTERN_CHARS = 500;

const compiled = new Map<string, RE2JS>();

/**
 * A regular expression compiled with RE2JS, a port of RE2: matching takes time linear in the input whatever the
 * pattern, so a hostile one (`(a+)+$`) cannot stall processing. https://github.com/google/re2/wiki/Syntax
 */
function regex(pattern: string): RE2JS {
  let re = compiled.get(pattern);
  if (!re) {
    re = RE2JS.compile(pattern);
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

/** Why `pattern` cannot be a filter (RE2 syntax: no backreferences or lookarounds), or null. */
export function regexProblem(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_CHARS) return `a pattern is at most ${MAX_PATTERN_CHARS} characters`;
  try {
    regex(pattern);
    return null;
  } catch (err) {
    return `"${pattern}" is not a regular expression hookbot runs (RE2 syntax; no backreferences or lookarounds): ${(err as Error).message.replace(/^error parsing regexp: /, '')}`;
  }
}

/** `release/*` → a case-insensitive whole-value match, also run by RE2JS (many `*` cannot make it backtrack). */
function glob(pattern: string): RE2JS {
  const body = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return regex(`(?is)^${body}$`);
}

/** `payload.commits[0].message` → the value at that path of the delivery's JSON. */
function atPath(payload: unknown, path: string): unknown {
  let cur: unknown = payload;
  for (const m of path.replace(/^payload/, '').matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const key = m[1] ?? Number(m[2]);
    if (!Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/** A field of the event by filter key: normalized top-level fields, kind-specific ones, or a path into the payload. */
export function fieldOf(event: NormalizedEvent, key: string, payload?: unknown): string | undefined {
  if (isPayloadPath(key)) {
    const v = atPath(payload, key);
    if (v === undefined || v === null) return undefined;
    return typeof v === 'object' ? JSON.stringify(v).slice(0, MAX_MATCH_CHARS) : String(v);
  }
  const top: Record<string, unknown> = {
    event: event.event, action: event.action, repo: event.repo, branch: event.branch,
    // CI events say `passed`/`failed`/…; `success`/`failure` (the colour) match too, see matchStored.
    status: event.kind.startsWith('ci.') ? (event.fields as Record<string, unknown>).status ?? event.status : event.status,
    actor: event.actor?.name, kind: event.kind, source: event.source,
  };
  const v = key in top && top[key] !== undefined ? top[key] : (event.fields as Record<string, unknown>)[key];
  return v === undefined || v === null ? undefined : String(v);
}

/** Whether an event passes one stored term (`=a,b*`, `!=x`, `~=regex`, `*=text`); `payload` is the delivery's JSON. */
export function matchStored(event: NormalizedEvent, key: string, stored: string, payload?: unknown): boolean {
  const { op, value } = splitStored(stored);
  const actual = fieldOf(event, key, payload);
  if (op === '~=' || op === '*=') {
    if (actual === undefined) return false;
    const subject = actual.length > MAX_MATCH_CHARS ? actual.slice(0, MAX_MATCH_CHARS) : actual;
    if (op === '*=') return subject.toLowerCase().includes(value.toLowerCase());
    try {
      return regex(value).test(subject);
    } catch {
      return false; // checked when saved; a pattern that no longer compiles matches nothing
    }
  }
  const candidates = [actual, key === 'status' ? event.status : undefined]
    .filter((v): v is string => v !== undefined).map((c) => c.slice(0, MAX_MATCH_CHARS));
  const hit = value.split(',').some((alt) => candidates.some((c) => glob(alt.trim()).test(c)));
  return op === '=' ? hit : !hit;
}
