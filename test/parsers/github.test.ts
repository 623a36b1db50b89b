import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../src/types.js';
import { parseGithub } from '../../parsers/github.js';
import { ParseError } from '../../parsers/common.js';
import { formatEvent } from '../../formatters/format-event.js';
import { formatDuration } from '../../formatters/duration.js';
import { samplePush } from '../../src/samples/github-push.js';
import { example } from '../helpers/examples.js';

const AT = '2026-01-01T00:00:00.000Z';
const f = (e: NormalizedEvent) => e.fields as Record<string, unknown>;

describe('GitHub push', () => {
  it('reads branch, pusher, commit count, latest commit, files touched and compare link', () => {
    const e = parseGithub('push', samplePush('acme/api'), AT);
    expect(e.kind).toBe('github.push');
    if (e.kind !== 'github.push') throw new Error();
    expect(e.branch).toBe('main');
    expect(e.repo).toBe('acme/api');
    expect(f(e).pusher).toBe('monalisa');
    expect(f(e).commit_count).toBe(2);
    expect(f(e).latest_commit_message).toBe('Fix token refresh race (#41)');
    expect(f(e).files_touched).toBe(5); // 2 added, 2 modified (server.ts counted once), 1 removed
    expect(e.url).toBe('https://github.com/acme/api/compare/4544205a3853...9049f1265b7d');
    const fields = JSON.stringify(formatEvent(e).embeds![0].fields);
    expect(fields).toContain('5 (+2 ~2 −1)');
    expect(fields).toContain('View changes');
  });

  it('reads a tag push as a tag, not a branch', () => {
    const e = parseGithub('push', example('push', (p) => p.ref.startsWith('refs/tags/') && p.created), AT);
    expect(e.title).toContain('Tag simple-tag created');
    expect(e.branch).toBeUndefined();
  });

  it('reads a branch deletion as such', () => {
    const p = samplePush('acme/api');
    Object.assign(p, { deleted: true, commits: [], head_commit: null, after: '0'.repeat(40), ref: 'refs/heads/old-feature' });
    const e = parseGithub('push', p, AT);
    expect(e.title).toBe('[acme/api] Branch old-feature deleted');
    expect(e.status).toBe('warning');
  });

  it('reads a zero-commit force push', () => {
    const p = samplePush('acme/api');
    Object.assign(p, { forced: true, commits: [] });
    const e = parseGithub('push', p, AT);
    expect(e.title).toBe('[acme/api:main] Force-pushed with no new commits');
  });

  it('refuses a push without a ref', () => {
    expect(() => parseGithub('push', { repository: {} }, AT)).toThrow(ParseError);
  });
});

describe('GitHub pull_request', () => {
  it('reads a merge as merged, with changes', () => {
    const p = example('pull_request', (x) => x.action === 'closed');
    p.pull_request.merged = true;
    const e = parseGithub('pull_request', p, AT);
    if (e.kind !== 'github.pull_request') throw new Error();
    expect(e.action).toBe('merged');
    expect(e.status).toBe('merged');
    expect(e.title).toContain('Pull request merged: #2');
    const changes = formatEvent(e).embeds![0].fields!.find((f) => f.name === 'Changes')!.value;
    expect(changes).toMatch(/^\d+ files? \(\+\d+ \/ −\d+\)$/);
  });

  it.each(['opened', 'reopened', 'ready_for_review', 'review_requested'])('reads %s', (action) => {
    const e = parseGithub('pull_request', example('pull_request', (x) => x.action === action), AT);
    expect(e.title).toContain('#2');
    expect(e.url).toBe('https://github.com/Codertocat/Hello-World/pull/2');
    expect(f(e).author).toBe('Codertocat');
  });
});

describe('GitHub issues, comments, releases', () => {
  it('shows labels of a labeled issue', () => {
    const e = parseGithub('issues', example('issues', (x) => x.action === 'labeled'), AT);
    expect(e.title).toContain('Issue labeled (bug)');
    expect(f(e).labels).toContain('bug');
  });

  it('trims a long comment body', () => {
    const p = example('issue_comment');
    p.comment.body = 'word '.repeat(1000);
    const e = parseGithub('issue_comment', p, AT);
    expect(String(f(e).comment).length).toBeLessThanOrEqual(500);
    expect(String(f(e).comment).endsWith('…')).toBe(true);
  });

  it('reads a published release with tag and notes', () => {
    const e = parseGithub('release', example('release', (x) => x.action === 'published'), AT);
    expect(f(e).tag).toBe('0.0.1');
    expect(e.title).toContain('Release published');
    expect(e.status).toBe('success');
  });
});

describe('GitHub workflow_run', () => {
  it('shows the conclusion icon and the duration', () => {
    const p = example('workflow_run', (x) => x.action === 'completed');
    p.workflow_run.conclusion = 'failure';
    p.workflow_run.run_started_at = '2026-01-01T10:00:00Z';
    p.workflow_run.updated_at = '2026-01-01T10:03:24Z';
    const e = parseGithub('workflow_run', p, AT);
    expect(e.title.startsWith('❌')).toBe(true);
    expect(f(e).duration).toBe('3m 24s');
    expect(e.status).toBe('failure');
    p.workflow_run.conclusion = 'success';
    expect(parseGithub('workflow_run', p, AT).title.startsWith('✅')).toBe(true);
    p.workflow_run.conclusion = 'cancelled';
    expect(parseGithub('workflow_run', p, AT).title.startsWith('⚠️')).toBe(true);
  });

  it('formats durations', () => {
    expect(formatDuration(204)).toBe('3m 24s');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(3725)).toBe('1h 2m 5s');
  });
});

describe('GitHub ping and the rest', () => {
  it('says the hook is connected, with its events', () => {
    const e = parseGithub('ping', example('ping'), AT);
    expect(e.title).toContain('GitHub hook connected');
    expect(String(f(e).hook_events).length).toBeGreaterThan(0);
  });

  it('gives an unknown future event a generic message instead of failing', () => {
    const e = parseGithub('brand_new_event', { action: 'exploded', sender: { login: 'x' }, thing: { html_url: 'https://github.com/x' } }, AT);
    expect(e.title).toBe('brand new event exploded');
    expect(e.url).toBe('https://github.com/x');
  });

  it('refuses a payload that is not an object', () => {
    expect(() => parseGithub('push', [1, 2], AT)).toThrow(ParseError);
    expect(() => parseGithub('push', null, AT)).toThrow(ParseError);
  });
});
