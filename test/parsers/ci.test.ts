import { describe, expect, it } from 'vitest';
import { parseCi } from '../../parsers/ci.js';
import { CI_EVENT_NAMES, detectCiPlatform } from '../../parsers/ci-platform.js';
import { ParseError } from '../../parsers/index.js';
import { example } from '../helpers/examples.js';
import {
  circleJob, circleWorkflow, gitlabJob, gitlabMergeRequest, gitlabPipeline, gitlabPush, gitlabRelease, gitlabTagPush, jenkinsNotification,
} from '../fixtures/ci-payloads.js';

const AT = '2024-05-01T10:00:00.000Z';

describe('GitLab', () => {
  it('reads a failed pipeline hook with its jobs, stage order, failure reasons and allowed failures', () => {
    const e = parseCi('Pipeline Hook', gitlabPipeline({
      status: 'failed', duration: 300, finished_at: '2016-08-12 15:28:28 UTC',
      builds: [
        { id: 380, stage: 'deploy', name: 'production', status: 'skipped', when: 'manual' },
        { id: 377, stage: 'test', name: 'rspec', status: 'failed', started_at: '2016-08-12 15:24:56 UTC', finished_at: '2016-08-12 15:26:29 UTC', duration: 93, failure_reason: 'script_failure' },
        { id: 378, stage: 'test', name: 'lint', status: 'failed', allow_failure: true, failure_reason: 'script_failure' },
        { id: 376, stage: 'build', name: 'compile', status: 'success', started_at: '2016-08-12 15:23:28 UTC', finished_at: '2016-08-12 15:24:50 UTC', duration: 82 },
      ],
    }), AT);
    expect(e.kind).toBe('ci.pipeline');
    expect(e.source).toBe('gitlab');
    expect(e.status).toBe('failure');
    const ci = e.ci!;
    expect(ci).toMatchObject({
      platform: 'gitlab', level: 'pipeline', runId: '31', runNumber: '3', project: 'acme/shop', branch: 'main', commit: 'bcbb5ec3',
      commitMessage: 'test', triggeredBy: 'Administrator', status: 'failed', stages: ['build', 'test', 'deploy'],
      url: 'https://gitlab.example.com/acme/shop/-/pipelines/31', durationSeconds: 300, startedAt: '2016-08-12T15:23:28.000Z',
      finishedAt: '2016-08-12T15:28:28.000Z', runKey: 'gitlab:acme/shop:31',
    });
    const rspec = ci.jobs.find((j) => j.name === 'rspec')!;
    expect(rspec).toMatchObject({ stage: 'test', status: 'failed', failureReason: 'script failure', durationSeconds: 93, allowFailure: false, url: 'https://gitlab.example.com/acme/shop/-/jobs/377' });
    expect(ci.jobs.find((j) => j.name === 'lint')!.allowFailure).toBe(true);
    expect(ci.jobs.find((j) => j.name === 'production')!.status).toBe('skipped');
    expect(e.fields).toMatchObject({ platform: 'gitlab', project: 'acme/shop', branch: 'main', status: 'failed', duration: '5m' });
  });

  it('maps every pipeline status to one word (pending, running, passed, canceled, skipped, manual)', () => {
    const words = ['created', 'waiting_for_resource', 'preparing', 'pending', 'running', 'success', 'failed', 'canceled', 'skipped', 'manual', 'scheduled']
      .map((status) => parseCi('Pipeline Hook', gitlabPipeline({ status }), AT).ci!.status);
    expect(words).toEqual(['created', 'pending', 'pending', 'pending', 'running', 'passed', 'failed', 'canceled', 'skipped', 'manual', 'manual']);
  });

  it('reads a job hook: stage, job, reason, retry count, pipeline link', () => {
    const e = parseCi('Job Hook', gitlabJob({ id: 1977, pipelineId: 31, stage: 'test', name: 'rspec 1/2', status: 'failed', started_at: '2021-02-23T02:41:38Z', finished_at: '2021-02-23T02:43:10Z', duration: 92.1, failure_reason: 'script_failure', retries: 1 }), AT);
    expect(e.kind).toBe('ci.job');
    expect(e.ci).toMatchObject({ level: 'job', runId: '31', runKey: 'gitlab:acme/shop:31', url: 'https://gitlab.example.com/acme/shop/-/pipelines/31' });
    expect(e.ci!.jobs[0]).toMatchObject({ id: '1977', stage: 'test', name: 'rspec 1/2', status: 'failed', failureReason: 'script failure', durationSeconds: 92.1 });
    expect(e.fields).toMatchObject({ stage: 'test', job: 'rspec 1/2', failure_reason: 'script failure', retries: 1 });
    // `unknown_failure` says nothing: it is not shown as a reason.
    expect(parseCi('Job Hook', gitlabJob({ id: 2, stage: 'build', name: 'x', status: 'success' }), AT).ci!.jobs[0].failureReason).toBeNull();
  });

  it('reads push, merge request, tag push and release hooks', () => {
    const push = parseCi('Push Hook', gitlabPush(), AT);
    expect(push).toMatchObject({ kind: 'ci.push', branch: 'main', title: '📤 John Smith pushed 4 commits to main — acme/shop' });
    expect(push.summary).toContain('fixed readme');
    const mr = parseCi('Merge Request Hook', gitlabMergeRequest(), AT);
    expect(mr.title).toBe('🔀 Administrator opened merge request !1: MS-Viewport');
    expect(mr.url).toBe('https://gitlab.example.com/acme/shop/-/merge_requests/1');
    expect(parseCi('Tag Push Hook', gitlabTagPush(), AT).title).toBe('🏷️ John Smith pushed tag v1.0.0 — acme/shop');
    expect(parseCi('Release Hook', gitlabRelease(), AT)).toMatchObject({ kind: 'ci.release', title: '🚀 Release v1.1 published — acme/shop' });
  });

  it('refuses a pipeline hook without its id', () => {
    expect(() => parseCi('Pipeline Hook', { object_kind: 'pipeline', object_attributes: {} }, AT)).toThrow(ParseError);
  });
});

describe('GitHub Actions (real @octokit/webhooks-examples payloads)', () => {
  it('reads workflow_run requested and completed', () => {
    const requested = parseCi('workflow_run', example('workflow_run', (p) => p.action === 'requested'), AT);
    expect(requested.ci).toMatchObject({ platform: 'github', level: 'pipeline', status: 'pending' });
    const done = example('workflow_run', (p) => p.action === 'completed' && p.workflow_run.conclusion === 'success');
    const e = parseCi('workflow_run', done, AT);
    expect(e.ci).toMatchObject({
      platform: 'github', status: 'passed', runId: String(done.workflow_run.id), runNumber: String(done.workflow_run.run_number),
      project: done.repository.full_name, branch: done.workflow_run.head_branch, url: done.workflow_run.html_url,
    });
    expect(e.ci!.durationSeconds).toBe((Date.parse(done.workflow_run.updated_at) - Date.parse(done.workflow_run.run_started_at ?? done.workflow_run.created_at)) / 1000);
  });

  it('reads workflow_job in_progress and a failed one with its failing step; the run key joins them to the run', () => {
    const failed = example('workflow_job', (p) => p.workflow_job.conclusion === 'failure');
    const e = parseCi('workflow_job', failed, AT);
    expect(e.kind).toBe('ci.job');
    expect(e.ci!.runKey).toBe(`github:${failed.repository.full_name}:${failed.workflow_job.run_id}`);
    expect(e.ci!.jobs[0]).toMatchObject({ name: failed.workflow_job.name, status: 'failed', url: failed.workflow_job.html_url });
    const step = failed.workflow_job.steps.find((s: any) => s.conclusion === 'failure');
    if (step) expect(e.ci!.jobs[0].failureReason).toBe(`step “${step.name}” failed`);
    const running = parseCi('workflow_job', example('workflow_job', (p) => p.action === 'in_progress'), AT);
    expect(running.ci!.status).toBe('running');
    expect(parseCi('workflow_job', example('workflow_job', (p) => p.action === 'waiting'), AT).ci!.status).toBe('manual');
  });

  it('reads check_suite and check_run (CI apps other than Actions)', () => {
    const suite = parseCi('check_suite', example('check_suite', (p) => p.action === 'completed'), AT);
    expect(suite.ci).toMatchObject({ level: 'pipeline', status: 'passed' });
    const run = example('check_run', (p) => p.action === 'completed' && p.check_run.conclusion === 'failure');
    const e = parseCi('check_run', run, AT);
    expect(e.ci).toMatchObject({ level: 'job', runId: String(run.check_run.check_suite.id), status: 'failed' });
  });
});

describe('CircleCI', () => {
  it('reads workflow-completed for each documented status', () => {
    const e = parseCi('workflow-completed', circleWorkflow({ status: 'failed' }), AT);
    expect(e.ci).toMatchObject({
      platform: 'circleci', level: 'pipeline', project: 'circleci/webhook-service', branch: 'main', runNumber: '130', name: 'welcome',
      commit: '1dc6aa69', commitMessage: 'Description of change', triggeredBy: 'octocat', status: 'failed', durationSeconds: 30.554,
    });
    expect(['success', 'failed', 'error', 'canceled', 'unauthorized', 'not_run', 'on_hold']
      .map((status) => parseCi('workflow-completed', circleWorkflow({ status }), AT).ci!.status))
      .toEqual(['passed', 'failed', 'failed', 'canceled', 'failed', 'skipped', 'manual']);
  });

  it('reads job-completed into the workflow\'s run with a link to the job', () => {
    const e = parseCi('job-completed', circleJob({ name: 'test', number: 136, status: 'failed' }), AT);
    expect(e.ci!.runKey).toBe('circleci:circleci/webhook-service:fda08377-fe7e-46b1-8992-3a7aaecac9c3');
    expect(e.ci!.jobs[0]).toMatchObject({
      name: 'test', status: 'failed', durationSeconds: 5.329,
      url: 'https://app.circleci.com/pipelines/github/circleci/webhook-service/130/workflows/fda08377-fe7e-46b1-8992-3a7aaecac9c3/jobs/136',
    });
  });

  it('refuses a payload without a workflow', () => {
    expect(() => parseCi('workflow-completed', { type: 'workflow-completed', id: 'x' }, AT)).toThrow(ParseError);
  });
});

describe('Jenkins', () => {
  it('reads Notification plugin phases and results', () => {
    expect(parseCi('jenkins', jenkinsNotification({ phase: 'QUEUED' }), AT).ci!.status).toBe('pending');
    const started = parseCi('jenkins', jenkinsNotification({ phase: 'STARTED' }), AT);
    expect(started.ci).toMatchObject({
      platform: 'jenkins', level: 'pipeline', project: 'asgard', runId: '18', branch: 'master', commit: 'c6d86dc7', status: 'running',
      url: 'http://jenkins.example.com:8080/job/asgard/18/', durationSeconds: null,
    });
    const failed = parseCi('jenkins', jenkinsNotification({ phase: 'COMPLETED', status: 'FAILURE', duration: 95_000 }), AT);
    expect(failed.ci).toMatchObject({ status: 'failed', durationSeconds: 95 });
    expect(failed.ci!.jobs[0].url).toBe('http://jenkins.example.com:8080/job/asgard/18/console');
    expect(['SUCCESS', 'UNSTABLE', 'ABORTED', 'NOT_BUILT'].map((status) => parseCi('jenkins', jenkinsNotification({ phase: 'FINALIZED', status }), AT).ci!.status))
      .toEqual(['passed', 'failed', 'canceled', 'skipped']);
    expect(parseCi('jenkins', jenkinsNotification({ phase: 'COMPLETED', status: 'UNSTABLE' }), AT).ci!.jobs[0].failureReason).toBe('unstable: tests failed');
  });

  it('reads a pipeline step\'s own JSON, with stages', () => {
    const e = parseCi('jenkins', { project: 'billing', build: 57, stage: 'Test', status: 'failed', branch: 'main', reason: '3 tests failed', url: 'https://ci.example.com/job/billing/57/' }, AT);
    expect(e.ci).toMatchObject({ platform: 'jenkins', level: 'job', runKey: 'jenkins:billing:57', branch: 'main' });
    expect(e.ci!.jobs[0]).toMatchObject({ stage: 'Test', status: 'failed', failureReason: '3 tests failed', url: 'https://ci.example.com/job/billing/57/console' });
    expect(parseCi('jenkins', { project: 'billing', build: 57, status: 'SUCCESS', duration: 120 }, AT).ci).toMatchObject({ level: 'pipeline', status: 'passed', durationSeconds: 120 });
  });

  it('says what it expected when the JSON is not a CI payload', () => {
    expect(() => parseCi('jenkins', { hello: 'world' }, AT)).toThrow(/project.*build.*status/);
    expect(() => parseCi('jenkins', { project: 'x', build: 1, status: 'weird' }, AT)).toThrow(/unknown status/);
  });
});

describe('platform detection', () => {
  /** A stored event: its eventType (the sender's event header, as readDelivery read it) and its body. */
  const ciPlatformOf = (eventType: string, body: unknown) => detectCiPlatform({ eventType }, body).platform;

  it('goes by the sender\'s event header, then the body', () => {
    expect(ciPlatformOf('Pipeline Hook', {})).toBe('gitlab');
    expect(ciPlatformOf('workflow_job', {})).toBe('github');
    expect(ciPlatformOf('job-completed', {})).toBe('circleci');
    expect(ciPlatformOf('jenkins', { name: 'x', build: {} })).toBe('jenkins');
    expect(ciPlatformOf('jenkins', { object_kind: 'pipeline' })).toBe('gitlab');
  });

  it('reads the event name from the headers (a record or a getter), else CircleCI\'s body, else jenkins', () => {
    expect(detectCiPlatform({ headers: { 'x-gitlab-event': 'Job Hook' } })).toEqual({ platform: 'gitlab', eventType: 'Job Hook' });
    expect(detectCiPlatform({ headers: (n) => (n === 'x-github-event' ? 'workflow_run' : undefined) })).toEqual({ platform: 'github', eventType: 'workflow_run' });
    expect(detectCiPlatform({ headers: { 'circleci-event-type': 'job-completed' } })).toEqual({ platform: 'circleci', eventType: 'job-completed' });
    expect(detectCiPlatform({ headers: { 'circleci-signature': 'v1=00' } }, { type: 'job-completed', webhook: {} }))
      .toEqual({ platform: 'circleci', eventType: 'job-completed' });
    expect(detectCiPlatform({ headers: {} }, { name: 'x', build: {} })).toEqual({ platform: 'jenkins', eventType: 'jenkins' });
    // Without a body (verification): the headers alone; the unverified body never picks the scheme.
    expect(detectCiPlatform({ headers: { 'x-hook-token': 't' } })).toEqual({ platform: 'jenkins', eventType: 'jenkins' });
    // A GitHub event that is no CI event: signed by GitHub, but its stored name is parsed by its body.
    expect(detectCiPlatform({ headers: { 'x-github-event': 'push' } }).platform).toBe('github');
    expect(ciPlatformOf('push', {})).toBe('jenkins');
  });

  it('gives the same platform from a live delivery\'s headers as from the event stored from it', () => {
    const events: [string, string, string][] = [
      ['gitlab', 'x-gitlab-event', 'Pipeline Hook'], ['gitlab', 'x-gitlab-event', 'Job Hook'], ['gitlab', 'x-gitlab-event', 'Push Hook'],
      ['gitlab', 'x-gitlab-event', 'Merge Request Hook'], ['gitlab', 'x-gitlab-event', 'Feature Flag Hook'],
      ['github', 'x-github-event', 'workflow_run'], ['github', 'x-github-event', 'workflow_job'], ['github', 'x-github-event', 'check_suite'],
      ['github', 'x-github-event', 'check_run'], ['github', 'x-github-event', 'ping'],
      ['circleci', 'circleci-event-type', 'workflow-completed'], ['circleci', 'circleci-event-type', 'job-completed'],
    ];
    for (const [platform, name, value] of events) {
      expect(CI_EVENT_NAMES[platform as keyof typeof CI_EVENT_NAMES](value)).toBe(true);
      const live = detectCiPlatform({ headers: { [name]: value } }, {});
      expect(live).toEqual({ platform, eventType: value });
      expect(detectCiPlatform({ eventType: live.eventType }, {}).platform).toBe(platform);
    }
    for (const body of [{ name: 'x', build: {} }, { object_kind: 'pipeline' }, { type: 'workflow-completed', webhook: {} }, { webhook: {}, pipeline: { vcs: {} } }]) {
      const live = detectCiPlatform({ headers: {} }, body);
      expect(detectCiPlatform({ eventType: live.eventType }, body)).toEqual(live);
    }
  });
});
