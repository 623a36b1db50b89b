import { describe, expect, it } from 'vitest';
import { parseCi } from '../parsers/ci.js';
import { trackCi, type CiAction } from '../src/ci/tracker.js';
import { ciRunView, stagesOf, runDuration } from '../src/ci/run-view.js';
import type { CiBranchState as BranchState, CiRun } from '../src/types.js';
import { formatCiFinal, formatCiLive, ciView, SUPPRESS_NOTIFICATIONS } from '../formatters/ci.js';
import { circleJob, circleWorkflow, gitlabJob, gitlabPipeline, jenkinsNotification } from './fixtures/ci-payloads.js';
import { expectWithinDiscordLimits } from './helpers/discord-limits.js';

const AT = '2024-05-01T10:00:00.000Z';

/** Feeds events through the tracker like the pipeline does, collecting every action. */
function story(events: [string, unknown][], branch?: BranchState) {
  const runs = new Map<string, CiRun>();
  let run: CiRun | undefined;
  const all: CiAction[][] = [];
  for (const [type, payload] of events) {
    const event = parseCi(type, payload, AT);
    const r = trackCi(runs.get(event.ci!.runKey), event, branch);
    runs.set(event.ci!.runKey, r.run);
    run = r.run;
    for (const a of r.actions) if (a.type === 'final' && a.branch) branch = a.branch;
    all.push(r.actions);
  }
  return { run: run!, actions: all, branch };
}

const t = (s: number) => new Date(Date.parse('2024-05-01T09:00:00Z') + s * 1000).toISOString();

describe('one GitLab pipeline told as a story', () => {
  const events: [string, unknown][] = [
    ['Pipeline Hook', gitlabPipeline({ status: 'pending', builds: [
      { id: 1, stage: 'build', name: 'compile', status: 'created' }, { id: 2, stage: 'test', name: 'unit', status: 'created' },
      { id: 3, stage: 'test', name: 'e2e', status: 'created' }, { id: 4, stage: 'deploy', name: 'prod', status: 'created' },
    ] })],
    ['Job Hook', gitlabJob({ id: 1, stage: 'build', name: 'compile', status: 'running', started_at: t(0) })],
    ['Pipeline Hook', gitlabPipeline({ status: 'running' })],
    ['Job Hook', gitlabJob({ id: 1, stage: 'build', name: 'compile', status: 'success', started_at: t(0), finished_at: t(60), duration: 60 })],
    // parallel jobs of one stage: 10 → 100 and 10 → 70; the stage takes 90 s, not 150 s
    ['Job Hook', gitlabJob({ id: 2, stage: 'test', name: 'unit', status: 'running', started_at: t(10 + 60) })],
    ['Job Hook', gitlabJob({ id: 3, stage: 'test', name: 'e2e', status: 'failed', started_at: t(70), finished_at: t(130), duration: 60, failure_reason: 'script_failure' })],
    // e2e retried: a new job id with the same name replaces the failed attempt
    ['Job Hook', gitlabJob({ id: 5, stage: 'test', name: 'e2e', status: 'success', started_at: t(131), finished_at: t(160), duration: 29, retries: 1 })],
    ['Job Hook', gitlabJob({ id: 2, stage: 'test', name: 'unit', status: 'success', started_at: t(70), finished_at: t(150), duration: 80 })],
    // a late "running" for a job that already finished is ignored
    ['Job Hook', gitlabJob({ id: 2, stage: 'test', name: 'unit', status: 'running', started_at: t(70) })],
    ['Job Hook', gitlabJob({ id: 4, stage: 'deploy', name: 'prod', status: 'success', started_at: t(170), finished_at: t(200), duration: 30 })],
    ['Pipeline Hook', gitlabPipeline({ status: 'success', duration: 200, finished_at: '2024-05-01 09:03:20 UTC', builds: [
      { id: 1, stage: 'build', name: 'compile', status: 'success', started_at: t(0), finished_at: t(60), duration: 60 },
      { id: 2, stage: 'test', name: 'unit', status: 'success', started_at: t(70), finished_at: t(150), duration: 80 },
      { id: 5, stage: 'test', name: 'e2e', status: 'success', started_at: t(131), finished_at: t(160), duration: 29 },
      { id: 4, stage: 'deploy', name: 'prod', status: 'success', started_at: t(170), finished_at: t(200), duration: 30 },
    ] })],
  ];

  it('posts one live message, edits it for every change, and posts the outcome once', () => {
    const { actions, run } = story(events);
    const types = actions.map((a) => a.map((x) => x.type).join('+'));
    // the pipeline's own `running` after its first job started changes nothing, nor does the stale job update
    expect(types).toEqual(['live', 'edit', '', 'edit', 'edit', 'edit', 'edit', 'edit', '', 'edit', 'edit+final']);
    expect(run.posted).toBe('passed');
  });

  it('computes stage order, parallel stage durations, retries and the total', () => {
    const { run } = story(events);
    const stages = stagesOf(run);
    expect(stages.map((s) => [s.name, s.status, s.durationSeconds])).toEqual([['build', 'passed', 60], ['test', 'passed', 90], ['deploy', 'passed', 30]]);
    expect(stages[1].jobs.find((j) => j.name === 'e2e')).toMatchObject({ id: '5', attempts: 2, status: 'passed' });
    expect(runDuration(run)).toBe(200);
  });

  it('names the passed stage, its duration and the next stage on the live message', () => {
    const upTo = story(events.slice(0, 4)).run;
    expect(upTo.note).toBe('✅ Stage **build** passed in 1m — next: **test**');
    const live = formatCiLive(ciRunView(upTo), { first: false });
    expectWithinDiscordLimits(live);
    const embed = live.embeds![0];
    expect(embed.title).toBe('⚙️ Pipeline #3 running — acme/shop');
    expect(embed.description).toContain('✅ Stage **build** passed in 1m — next: **test**');
    expect(embed.description).toContain('✅ **build** — 1m');
    expect(embed.fields).toEqual(expect.arrayContaining([{ name: 'Stage', value: 'test', inline: true }, { name: 'Triggered by', value: 'Administrator', inline: true }]));
  });

  it('the first message says started, with project, branch, stage and who triggered it', () => {
    const first = story(events.slice(0, 1)).run;
    const embed = formatCiLive(ciRunView(first), { first: true }).embeds![0];
    expect(embed.title).toBe('⚙️ Pipeline #3 started — acme/shop');
    expect(embed.fields).toEqual(expect.arrayContaining([
      { name: 'Branch', value: 'main', inline: true }, { name: 'Stage', value: 'build', inline: true }, { name: 'Triggered by', value: 'Administrator', inline: true },
    ]));
  });

  it('the outcome gives the total duration', () => {
    const { run, actions } = story(events);
    const final = actions.at(-1)!.find((a) => a.type === 'final')!;
    expect(final).toMatchObject({ transition: 'passed' });
    const msg = formatCiFinal(ciRunView(run), 'passed', undefined, AT);
    expectWithinDiscordLimits(msg);
    expect(msg.embeds![0].title).toBe('✅ Pipeline #3 passed — acme/shop · main');
    expect(msg.embeds![0].description).toContain('Total duration: **3m 20s**');
  });
});

describe('failures', () => {
  const failed = gitlabPipeline({ status: 'failed', duration: 150, builds: [
    { id: 1, stage: 'build', name: 'compile', status: 'success', started_at: t(0), finished_at: t(60), duration: 60 },
    { id: 2, stage: 'test', name: 'unit', status: 'failed', started_at: t(60), finished_at: t(150), duration: 90, failure_reason: 'script_failure' },
    { id: 3, stage: 'test', name: 'lint', status: 'failed', started_at: t(60), finished_at: t(80), duration: 20, allow_failure: true, failure_reason: 'script_failure' },
    { id: 4, stage: 'deploy', name: 'prod', status: 'skipped' },
  ] });

  it('says the failing stage, job, reason, duration and links the job log; allowed failures are only warnings', () => {
    const { run } = story([['Pipeline Hook', failed]]);
    const msg = formatCiFinal(ciRunView(run), 'failed', undefined, AT);
    const d = msg.embeds![0].description!;
    expect(msg.embeds![0].title).toBe('❌ Pipeline #3 failed — acme/shop · main');
    expect(d).toContain('Failed in stage **test**, job [**unit**](https://gitlab.example.com/acme/shop/-/jobs/2): script failure');
    expect(d).toContain('📄 [Job log](https://gitlab.example.com/acme/shop/-/jobs/2)');
    expect(d).toContain('Duration: 2m 30s');
    expect(d).toContain('⚠️ Allowed to fail: [lint](https://gitlab.example.com/acme/shop/-/jobs/3) (script failure)');
    expect(d).not.toContain('Also failed');
  });

  it('a failure allowed to fail does not fail the stage or the run', () => {
    const { run, actions } = story([['Pipeline Hook', gitlabPipeline({ status: 'success', builds: [
      { id: 1, stage: 'test', name: 'lint', status: 'failed', allow_failure: true }, { id: 2, stage: 'test', name: 'unit', status: 'success' },
    ] })]]);
    expect(stagesOf(run)[0].status).toBe('passed');
    expect(actions[0]).toEqual([{ type: 'final', transition: 'passed', branch: { result: 'passed', streak: 0 } }]);
  });

  it('names transitions per branch: broken, still failing (quiet), fixed', () => {
    const pass = (id: number) => ['Pipeline Hook', gitlabPipeline({ id, status: 'success' })] as [string, unknown];
    const fail = (id: number) => ['Pipeline Hook', gitlabPipeline({ id, status: 'failed' })] as [string, unknown];
    const s = story([pass(1), fail(2), fail(3), fail(4), pass(5), pass(6)]);
    const transitions = s.actions.map((a) => a.find((x) => x.type === 'final')).map((f) => (f as any).transition);
    expect(transitions).toEqual(['passed', 'broken', 'still_failing', 'still_failing', 'fixed', 'passed']);
    const still = formatCiFinal(ciRunView(s.run), 'still_failing', { result: 'failed', streak: 3 }, AT);
    expect(still.flags).toBe(SUPPRESS_NOTIFICATIONS);
    expect(still.embeds![0].title).toBe('🔁 Still failing — acme/shop · main (3 in a row)');
    expect(formatCiFinal(ciRunView(s.run), 'broken', undefined, AT).flags).toBeUndefined();
    expect(formatCiFinal(ciRunView(s.run), 'fixed', undefined, AT).embeds![0].title).toBe('✅ Fixed — acme/shop · main');
  });

  it('a run that failed and is retried to green posts its new outcome', () => {
    const s = story([
      ['Pipeline Hook', gitlabPipeline({ status: 'failed' })],
      ['Job Hook', gitlabJob({ id: 9, stage: 'test', name: 'unit', status: 'running' })],
      ['Pipeline Hook', gitlabPipeline({ status: 'running' })],
      ['Pipeline Hook', gitlabPipeline({ status: 'success' })],
    ], { result: 'passed', streak: 0 });
    expect(s.actions.map((a) => a.map((x) => x.type === 'final' ? `final:${x.transition}` : x.type).join('+')))
      .toEqual(['final:broken', 'live', '', 'edit+final:fixed']);
  });
});

describe('late and repeated deliveries', () => {
  const builds = (status: string) => [{ id: 1, stage: 'build', name: 'compile', status, started_at: t(0), finished_at: status === 'success' ? t(10) : null }];
  it('a pipeline "running" delivered after its outcome changes nothing', () => {
    const s = story([
      ['Pipeline Hook', gitlabPipeline({ status: 'running', builds: builds('running') })],
      ['Pipeline Hook', gitlabPipeline({ status: 'success', builds: builds('success') })],
      ['Pipeline Hook', gitlabPipeline({ status: 'running', builds: builds('running') })], // GitLab delivers hooks asynchronously
      ['Job Hook', gitlabJob({ id: 1, stage: 'build', name: 'compile', status: 'running', started_at: t(0) })],
    ]);
    expect(s.actions.map((a) => a.map((x) => x.type).join('+'))).toEqual(['live', 'edit+final', '', '']);
    expect(s.run.status).toBe('passed');
  });

  it('a GitHub re-run (same run id, next attempt) reopens the run and posts its new outcome', () => {
    const run = (attempt: number, status: string, conclusion: string | null) => ['workflow_run', {
      action: status === 'completed' ? 'completed' : 'in_progress', repository: { full_name: 'o/r' }, sender: { login: 'octocat' },
      workflow_run: { id: 99, name: 'CI', run_number: 12, run_attempt: attempt, status, conclusion, head_branch: 'main', head_sha: 'abcdef1234567890', run_started_at: t(0), updated_at: t(30), html_url: 'https://github.com/o/r/actions/runs/99' },
    }] as [string, unknown];
    const s = story([run(1, 'in_progress', null), run(1, 'completed', 'failure'), run(1, 'in_progress', null), run(2, 'in_progress', null), run(2, 'completed', 'success')]);
    expect(s.actions.map((a) => a.map((x) => x.type === 'final' ? `final:${x.transition}` : x.type).join('+')))
      .toEqual(['live', 'edit+final:failed', '', 'edit', 'edit+final:fixed']);
  });
});

describe('resting states are not failures', () => {
  it('canceled, skipped and manual are posted as such and do not change the branch result', () => {
    for (const [status, transition, title] of [
      ['canceled', 'canceled', '⏹️ Pipeline #3 canceled'], ['skipped', 'skipped', '⏭️ Pipeline #3 skipped'],
      ['manual', 'manual', '⏸️ Pipeline #3 waiting for a manual action'],
    ] as const) {
      const s = story([['Pipeline Hook', gitlabPipeline({ status, builds: [{ id: 1, stage: 'deploy', name: 'prod', status: status === 'manual' ? 'manual' : status, when: 'manual' }] })]], { result: 'failed', streak: 2 });
      expect(s.actions[0]).toEqual([{ type: 'final', transition }]);
      expect(s.branch).toEqual({ result: 'failed', streak: 2 });
      const msg = formatCiFinal(ciRunView(s.run), transition, undefined, AT);
      expect(msg.embeds![0].title).toBe(`${title} — acme/shop · main`);
      expect(msg.embeds![0].color).not.toBe(0xcf222e);
      if (status === 'manual') expect(msg.embeds![0].description).toContain('Waiting for: [**prod**]');
    }
  });
});

describe('other platforms', () => {
  it('Jenkins: STARTED posts live, COMPLETED posts the outcome, FINALIZED repeats nothing', () => {
    const s = story([
      ['jenkins', jenkinsNotification({ phase: 'QUEUED' })],
      ['jenkins', jenkinsNotification({ phase: 'STARTED' })],
      ['jenkins', jenkinsNotification({ phase: 'COMPLETED', status: 'FAILURE', duration: 61_000 })],
      ['jenkins', jenkinsNotification({ phase: 'FINALIZED', status: 'FAILURE', duration: 61_000 })],
    ]);
    expect(s.actions.map((a) => a.map((x) => x.type).join('+'))).toEqual(['live', 'edit', 'edit+final', '']);
    const msg = formatCiFinal(ciRunView(s.run), 'failed', undefined, AT);
    expect(msg.embeds![0].description).toContain('📄 [Job log](http://jenkins.example.com:8080/job/asgard/18/console)');
    expect(msg.embeds![0].description).toContain('Duration: 1m 1s');
  });

  it('CircleCI: job-completed events build the live message, workflow-completed posts the outcome', () => {
    const s = story([
      ['job-completed', circleJob({ name: 'build', number: 1, status: 'success', started: t(0), stopped: t(40) })],
      ['job-completed', circleJob({ name: 'test', number: 2, status: 'failed', started: t(40), stopped: t(100) })],
      ['workflow-completed', circleWorkflow({ status: 'failed' })],
    ]);
    expect(s.actions.map((a) => a.map((x) => x.type).join('+'))).toEqual(['live', 'edit', 'edit+final']);
    const view = ciView(ciRunView(s.run), 'failed', AT);
    expect(view.fields).toMatchObject({ platform: 'circleci', status: 'failed', stage: 'test', job: 'test', transition: 'failed' });
  });

  it('GitHub Actions: workflow_job events fold into the workflow_run by run id', () => {
    const job = parseCi('workflow_job', { action: 'completed', repository: { full_name: 'o/r' }, sender: { login: 'octocat' }, workflow_job: { id: 7, run_id: 99, name: 'test', status: 'completed', conclusion: 'failure', started_at: t(0), completed_at: t(30), html_url: 'https://github.com/o/r/actions/runs/99/job/7', head_branch: 'main', steps: [{ name: 'npm test', conclusion: 'failure' }] } }, AT);
    const run = parseCi('workflow_run', { action: 'completed', repository: { full_name: 'o/r' }, sender: { login: 'octocat' }, workflow_run: { id: 99, name: 'CI', run_number: 12, status: 'completed', conclusion: 'failure', head_branch: 'main', head_sha: 'abcdef1234567890', run_started_at: t(0), updated_at: t(35), html_url: 'https://github.com/o/r/actions/runs/99' } }, AT);
    expect(job.ci!.runKey).toBe(run.ci!.runKey);
    const a = trackCi(undefined, job, undefined);
    const b = trackCi(a.run, run, undefined);
    expect(b.actions.map((x) => x.type)).toEqual(['edit', 'final']);
    const msg = formatCiFinal(ciRunView(b.run), 'failed', undefined, AT);
    expect(msg.embeds![0].description).toContain('job [**test**](https://github.com/o/r/actions/runs/99/job/7): step “npm test” failed');
    expect(msg.embeds![0].title).toBe('❌ Pipeline #12 (CI) failed — o/r · main');
  });
});
