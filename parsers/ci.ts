import type { CiEvent } from '../src/types.js';
import { circleci } from './ci-circleci.js';
import { str, type Json } from './ci-common.js';
import { githubRun } from './ci-github.js';
import { gitlabJob, gitlabOther, gitlabPipeline } from './ci-gitlab.js';
import { jenkins } from './ci-jenkins.js';
import { detectCiPlatform } from './ci-platform.js';
import { ParseError } from './common.js';

/**
 * Parsers for a `ci` hook: GitLab (pipeline, job, push, merge request, tag, release hooks), GitHub Actions
 * (workflow_run, workflow_job, check_suite, check_run), CircleCI (workflow-completed, job-completed) and Jenkins
 * (Notification plugin JSON, or a pipeline's own JSON). Pure: payload in, normalized event out.
 */

/** Turns a `ci` hook's delivery into a normalized event. */
export function parseCi(eventType: string, payload: unknown, receivedAt: string): CiEvent {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new ParseError('CI payload must be a JSON object');
  const p = payload as Json;
  switch (detectCiPlatform({ eventType }, p).platform) {
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
