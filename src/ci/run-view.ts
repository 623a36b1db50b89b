import { isTerminal } from '../../parsers/ci-common.js';
import type { CiJob, CiRun, CiRunJob, CiRunView, CiStageView, CiStatus } from '../types.js';

/** What a run's jobs say about it: its stages, where it is, what failed, how long it took. Pure. */

/** A stage's status from its jobs' latest attempts; allowed failures do not fail it. */
function stageStatus(jobs: CiJob[]): CiStatus {
  if (jobs.length === 0) return 'created';
  if (jobs.some((j) => j.status === 'failed' && !j.allowFailure)) return 'failed';
  if (jobs.some((j) => j.status === 'running')) return 'running';
  const waiting = jobs.some((j) => j.status === 'pending' || j.status === 'created');
  const done = jobs.filter((j) => isTerminal(j.status));
  if (waiting) return done.length > 0 ? 'running' : jobs.some((j) => j.status === 'pending') ? 'pending' : 'created';
  if (jobs.some((j) => j.status === 'manual')) return done.some((j) => j.status === 'passed') ? 'passed' : 'manual';
  if (jobs.every((j) => j.status === 'skipped')) return 'skipped';
  if (jobs.every((j) => j.status === 'canceled' || j.status === 'skipped')) return 'canceled';
  return 'passed';
}

/** Wall-clock time of a stage: parallel jobs overlap, so it is first start to last finish, not the sum. */
function stageDuration(jobs: CiJob[]): number | null {
  const starts = jobs.map((j) => j.startedAt).filter((t): t is string => !!t).map(Date.parse);
  const ends = jobs.map((j) => j.finishedAt).filter((t): t is string => !!t).map(Date.parse);
  if (starts.length && ends.length && ends.length === jobs.filter((j) => isTerminal(j.status)).length) {
    return Math.max(0, (Math.max(...ends) - Math.min(...starts)) / 1000);
  }
  const d = jobs.map((j) => j.durationSeconds).filter((x): x is number => x !== null);
  return d.length ? Math.max(...d) : null;
}

/** The stages in order with their status and duration. */
export function stagesOf(run: CiRun): CiStageView[] {
  const all = Object.values(run.jobs);
  const names = [...run.stages, ...all.map((j) => j.stage).filter((s) => !run.stages.includes(s))];
  return [...new Set(names)].map((name) => {
    const jobs = all.filter((j) => j.stage === name);
    return { name, status: jobs.length ? stageStatus(jobs) : 'created', durationSeconds: stageDuration(jobs), jobs };
  }).filter((s) => s.jobs.length > 0);
}

/** The stage the run is in: the first one not finished, else the last. */
function currentStage(stages: CiStageView[]): string | null {
  return (stages.find((s) => !isTerminal(s.status) && s.status !== 'manual') ?? stages[stages.length - 1])?.name ?? null;
}

/** Total duration: the platform's own figure, else first start to last finish. */
export function runDuration(run: CiRun, stages: CiStageView[] = stagesOf(run)): number | null {
  if (run.durationSeconds !== null) return run.durationSeconds;
  const starts = stages.flatMap((s) => s.jobs.map((j) => j.startedAt)).filter((t): t is string => !!t).map(Date.parse);
  const ends = stages.flatMap((s) => s.jobs.map((j) => j.finishedAt)).filter((t): t is string => !!t).map(Date.parse);
  if (starts.length && ends.length) return Math.max(0, (Math.max(...ends) - Math.min(...starts)) / 1000);
  return null;
}

/** The run as the formatter shows it (formatters/ci.ts). */
export function ciRunView(run: CiRun): CiRunView {
  const stages = stagesOf(run);
  const jobs: CiRunJob[] = Object.values(run.jobs);
  return {
    run, stages, currentStage: currentStage(stages),
    failing: stages.flatMap((s) => s.jobs.filter((j) => j.status === 'failed' && !j.allowFailure)),
    allowedFailures: jobs.filter((j) => j.status === 'failed' && j.allowFailure),
    manual: jobs.filter((j) => j.status === 'manual'),
    durationSeconds: runDuration(run, stages),
  };
}
