import Mustache from 'mustache';
import type { CiEvent, GithubPushEvent, NormalizedEvent } from '../src/types.js';
import { truncate } from './limits.js';

/**
 * The one-line form of an event, used when a channel's backlog is packed into one message ("📦 30 events …").
 * Each line carries what the full message leads with (a push's author and latest commit, a PR's number, title
 * and action, a pipeline's result…), on one line, linked to the event's page, with every piece of payload text
 * made inert: it can neither mention anyone, nor format, nor break the line's own link.
 */

/** The longest line, link included: a packed message (6000 characters) still holds 19 lines at this cap. */
export const LINE_MAX = 300;
/** The longest visible text of a line. */
export const LINE_TEXT_MAX = 200;
/** A longer link is left off the line: its text matters more. */
const URL_MAX = 200;

// C0/C1 controls (line breaks become spaces first), bidi overrides and isolates (they reorder what is shown),
// and unpaired surrogates (invalid UTF-16: Discord refuses the whole message).
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const BREAKS = /[\s\u0085]+/g;
/** Characters Discord markdown gives a meaning to anywhere in a line; `/` only after `:` (`https://` would autolink). */
const MARKDOWN = new Set(['\\', '*', '_', '~', '`', '|', '[', ']', '<', '>']);
/** What makes a line a heading, subtext, quote or list item when it starts with it: escaped there. */
const startInert = (line: string) => line.replace(/^[#>+-]/, '\\$&').replace(/^(\d+)([.)])/, '$1\\$2');

/** One line of visible text: no line breaks, controls or bidi overrides, `@everyone`/`@here` defused. */
function flatten(text: string): string {
  return text.replace(BREAKS, ' ').replace(INVISIBLE, '').trim().replace(/@(everyone|here)/gi, '@\u200b$1');
}

/**
 * Payload text made inert for one line of Discord markdown, at most `max` characters (escapes included, an
 * ellipsis when cut): every markdown character is escaped, so `**`, backticks, `[x](y)`, `<@&123>`, `||` show
 * as typed; `@everyone` cannot ping; `https://` cannot autolink.
 */
export function inert(text: string | number | null | undefined, max = LINE_TEXT_MAX): string {
  const flat = flatten(String(text ?? '').slice(0, max * 4 + 32));
  const pieces: string[] = [];
  let length = 0;
  let prev = '';
  let prev2 = '';
  for (const ch of flat) {
    const piece = MARKDOWN.has(ch) || (ch === '/' && (prev === ':' || (prev === '/' && prev2 === ':'))) ? `\\${ch}` : ch;
    pieces.push(piece);
    length += piece.length;
    prev2 = prev;
    prev = ch;
  }
  if (length <= max) return pieces.join('');
  let out = '';
  for (const piece of pieces) {
    if (out.length + piece.length > max - 1) break;
    out += piece;
  }
  return `${out.trimEnd()}…`;
}

/** A template value: inert, except a bare link, which stays clickable as in the full message. */
function inertValue(v: unknown): string {
  const s = String(v);
  return /^https?:\/\/[^\s<>()[\]\\*_~`|"]+$/.test(s) && s.length <= URL_MAX ? s : inert(s);
}

/** Cuts markdown text to `max` without leaving a lone escaping backslash at the cut. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const t = truncate(text, max).slice(0, -1);
  const slashes = /\\*$/.exec(t)![0].length;
  return `${slashes % 2 ? t.slice(0, -1) : t}…`;
}

/**
 * An http(s) link as a markdown link can hold it: brackets and parentheses after the host percent-encoded (so the
 * link's `(…)` cannot be closed early), no whitespace or backslash; else undefined.
 */
function safeUrl(url: string | null | undefined): string | undefined {
  if (!url || url.length > URL_MAX) return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password) return undefined;
  const rest = u.href.slice(u.origin.length).replace(/[()[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const href = u.origin + rest;
  return href.length <= URL_MAX && !/[\s\\]/.test(href) ? href : undefined;
}

/** The finished line: `[text](url)` when there is a usable link, else the text, within LINE_MAX. */
function finish(text: string, url?: string | null): string {
  const href = safeUrl(url);
  const body = cut(text, LINE_TEXT_MAX);
  if (href) return `[${cut(body, LINE_MAX - href.length - 4)}](${href})`;
  return startInert(body);
}

/** `[owner/repo:branch]`, the line's context, like the titles of GitHub messages. */
function where(repo: string | null | undefined, branch?: string | null): string {
  if (!repo) return '';
  return `\\[${inert(repo, 80)}${branch ? `:${inert(branch, 60)}` : ''}\\] `;
}

const firstLine = (t: string | null | undefined) => (t ?? '').trim().split(/\r?\n/, 1)[0];
const words = (s: string) => s.replace(/_/g, ' ');
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
/** A title without the `[owner/repo] ` the parser put in front (the line writes its own context). */
const titleAfter = (title: string, repo?: string) => (repo && title.startsWith(`[${repo}] `) ? title.slice(repo.length + 3) : title);

const PR_VERB: Record<string, string> = {
  ready_for_review: 'marked ready for review', converted_to_draft: 'converted to draft', synchronize: 'updated',
};
const STATUS_ICON: Record<string, string> = { success: '✅', failure: '❌', warning: '⚠️', info: '⚙️', neutral: '⚪', merged: '🟣' };
const CI_ICON: Record<string, string> = {
  created: '⏳', pending: '⏳', running: '🔄', passed: '✅', failed: '❌', canceled: '⏹️', skipped: '⏭️', manual: '⏸️',
};
const CI_RESULT: Record<string, string> = {
  broken: 'failed (broken)', still_failing: 'failed (still failing)', fixed: 'passed (fixed)', manual: 'waiting for a manual action',
};
const TERMINAL = new Set(['passed', 'failed', 'canceled', 'skipped']);

function pushText(e: GithubPushEvent): string {
  const x = e.fields;
  const name = inert(x.ref.replace(/^refs\/(heads|tags)\//, ''), 60);
  const pusher = inert(x.pusher, 40);
  if (x.deleted) return `${where(e.repo)}${x.ref_type === 'tag' ? 'Tag' : 'Branch'} ${name} deleted by ${pusher}`;
  if (x.ref_type === 'tag') return `${where(e.repo)}Tag ${name} ${x.created ? 'created' : 'updated'} by ${pusher}`;
  const n = x.commit_count;
  if (n === 0) {
    return `${where(e.repo, e.branch)}${pusher} ${x.created ? 'created the branch' : x.forced ? 'force-pushed with no new commits' : 'pushed with no new commits'}`;
  }
  const message = firstLine(x.latest_commit_message);
  const what = message ? `${inert(x.author, 40)}: ${inert(message, 120)}${n > 1 ? ` (+${plural(n - 1, 'more commit')})` : ''}`
    : `${inert(x.author, 40)} pushed ${plural(n, 'commit')}`;
  return `${where(e.repo, e.branch)}${what}${x.forced ? ' (force-pushed)' : ''}`;
}

function ciRunText(e: CiEvent): string {
  const f = e.fields;
  const status = String(f.status ?? e.action ?? '');
  // The run's view names its failing job; a pipeline event straight from a parser lists its jobs.
  const failing = e.kind === 'ci.pipeline' && typeof f.job !== 'string' && (e.ci?.jobs.length ?? 0) > 1
    ? e.ci?.jobs.find((j) => j.status === 'failed' && !j.allowFailure) : undefined;
  const number = typeof f.pipeline_number === 'string' || typeof f.pipeline_number === 'number' ? f.pipeline_number : null;
  const job = typeof f.job === 'string' ? f.job : failing?.name ?? null;
  const stage = typeof f.stage === 'string' ? f.stage : null;
  const reason = typeof f.failure_reason === 'string' ? f.failure_reason : failing?.failureReason ?? null;
  // GitLab names pipelines after their ref ("Pipeline for branch: main"); other platforms after the workflow.
  const name = e.ci?.name && e.ci.platform !== 'gitlab' ? inert(e.ci.name, 60) : 'Pipeline';
  const subject = e.kind === 'ci.job'
    ? `Job ${inert(job, 60)}${stage && stage !== job ? ` (${inert(stage, 40)})` : ''}`
    : `${name}${number !== null ? ` #${inert(number, 20)}` : ''}`;
  const result = CI_RESULT[String(f.transition ?? '')] ?? CI_RESULT[status] ?? inert(status, 30);
  const took = TERMINAL.has(status) && typeof f.duration === 'string' ? ` in ${inert(f.duration, 20)}` : '';
  let detail = '';
  // A Jenkins build is its own only job (`#18`): naming it again says nothing.
  if (e.kind === 'ci.pipeline' && job && job !== `#${number}` && (status === 'failed' || status === 'manual')) {
    detail = ` · ${status === 'manual' ? 'waiting on' : 'failed'}: ${inert(job, 60)}${reason ? ` (${inert(reason, 60)})` : ''}`;
  } else if (e.kind === 'ci.job' && reason && status === 'failed') {
    detail = ` · ${inert(reason, 60)}`;
  }
  return `${CI_ICON[status] ?? '⚙️'} ${where(String(f.project ?? e.repo ?? ''), e.branch)}${subject} ${result}${took}${detail}`;
}

/** The line's text (inert) for the event's kind, without the link. */
function eventText(e: NormalizedEvent): string {
  switch (e.kind) {
    case 'github.push': return pushText(e);
    case 'github.pull_request': {
      const x = e.fields;
      const action = e.action ?? x.state;
      const verb = action === 'review_requested' && x.requested_reviewer
        ? `review requested from ${inert(x.requested_reviewer, 40)}` : inert(PR_VERB[action] ?? words(action), 40);
      return `${where(e.repo)}#${x.number} ${inert(x.pr_title, 120)} — ${verb} by ${inert(e.actor?.name ?? x.author, 40)}`;
    }
    case 'github.issues': {
      const x = e.fields;
      const verb = `${inert(words(e.action ?? x.state), 40)}${x.label ? ` ${inert(x.label, 40)}` : ''}`;
      return `${where(e.repo)}#${x.number} ${inert(x.issue_title, 120)} — ${verb} by ${inert(e.actor?.name ?? x.author, 40)}`;
    }
    case 'github.issue_comment': {
      const x = e.fields;
      const how = e.action && e.action !== 'created' ? ` (${inert(words(e.action), 20)})` : '';
      return `${where(e.repo)}#${x.number} ${inert(x.issue_title, 80)} — ${inert(x.author, 40)}${how}: ${inert(x.comment, 100)}`;
    }
    case 'github.release': {
      const x = e.fields;
      const named = x.name && x.name !== x.tag ? ` (${inert(x.name, 80)})` : '';
      return `${where(e.repo)}${x.prerelease ? 'Pre-release' : 'Release'} ${inert(x.tag, 60)}${named} — ${inert(words(e.action ?? 'published'), 30)} by ${inert(e.actor?.name ?? x.author, 40)}`;
    }
    case 'github.workflow_run': {
      const x = e.fields;
      const what = e.action === 'completed' ? words(x.conclusion ?? 'completed') : words(e.action ?? 'updated');
      const commit = firstLine(x.commit_message);
      return `${STATUS_ICON[e.status]} ${where(e.repo, e.branch)}${inert(x.workflow || 'Workflow', 60)}${x.run_number !== null ? ` #${x.run_number}` : ''} ${inert(what, 30)}${commit ? ` · ${inert(commit, 80)}` : ''}`;
    }
    case 'github.ping': return inert(e.title, 160);
    case 'ci.pipeline': case 'ci.job': return ciRunText(e);
    case 'ci.push': case 'ci.tag': case 'ci.merge_request': case 'ci.release': case 'ci.other': {
      const project = typeof e.fields.project === 'string' ? e.fields.project : '';
      return `${inert(e.title, 160)}${project && !e.title.includes(project) ? ` — ${inert(project, 60)}` : ''}`;
    }
    case 'docker.container.start': case 'docker.container.stop': case 'docker.container.die':
    case 'docker.container.oom': case 'docker.container.health': case 'docker.image': {
      const image = typeof e.fields.image === 'string' && !e.title.includes(e.fields.image) ? ` · ${inert(e.fields.image, 60)}` : '';
      const folded = typeof e.fields.suppressed === 'number' && e.fields.suppressed > 0 ? ` (+${e.fields.suppressed} similar)` : '';
      return `${inert(e.title, 140)}${image}${folded}`;
    }
    case 'custom.event': {
      const message = firstLine(e.summary);
      return `${inert(e.title, 100)}${message ? `: ${inert(message, 120)}` : ''}`;
    }
    default: return `${where(e.repo)}${inert(titleAfter(e.title, e.repo), 160)}`;
  }
}

/** The default one-line form of an event (see the module comment), linked to its page. */
export function eventLine(event: NormalizedEvent): string {
  return finish(eventText(event), event.url);
}

/** Renders templates with every value inert: `{{{x}}}` and `{{&x}}` too (full messages do not escape at all). */
class InertWriter extends Mustache.Writer {
  override unescapedValue(token: string[], context: Mustache.Context): string {
    const value: unknown = context.lookup(token[1]);
    return value === null || value === undefined ? '' : inertValue(value);
  }
}
const lineWriter = new InertWriter();

/**
 * The one-line form of a templated message: the first non-empty line of the template, rendered with every value
 * made inert (the template's own markdown is kept, as in the full message). Empty when the template renders to nothing.
 */
export function templateLine(template: string, view: Record<string, unknown>): string {
  const text = lineWriter.render(template, view, undefined, { escape: inertValue });
  const first = text.split(/\r\n|[\n\r\u0085\u2028\u2029]/).find((l) => l.trim()) ?? '';
  return finish(flatten(first));
}

/**
 * A stored line (this version's, an older one's, or a template's) made safe to pack: one line, within LINE_MAX.
 * With `plain`, its link is left off (the text stays): a busy channel's backlog then fits in fewer messages.
 */
export function packableLine(line: string, plain = false): string {
  const flat = line.replace(/[\r\n\u0085\u2028\u2029]+/g, ' ').trim() || '(event)';
  const link = /^\[([\s\S]*)\]\((https?:\/\/[^\s()]*)\)$/.exec(flat);
  // Only our own whole-line link is taken apart; a line with more links (a template's) stays as it is.
  const own = link && !/(?<!\\)\]\(/.test(link[1]) ? link : null;
  if (own && (plain || flat.length > LINE_MAX)) return cut(own[1], LINE_TEXT_MAX);
  return flat.length > LINE_MAX ? cut(flat, LINE_MAX) : flat;
}
