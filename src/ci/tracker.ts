import { isTerminal } from '../../parsers/ci.js';
import { formatDuration } from '../../parsers/duration.js';
import type { CiEvent, CiInfo, CiJob, CiStatus } from '../types.js';

/**
 * One pipeline run, folded from all of its events (pipeline and job level, in any order). Stored per hook and
 * run key, so the story survives restarts. Pure functions only: the pipeline loads and saves it.
 */
export interface CiRun extends Pick<CiInfo,
  'runKey' | 'platform' | 'runId' | 'runNumber' | 'name' | 'project' | 'projectUrl' | 'branch' | 'commit' | 'commitMessage'
  | 'triggeredBy' | 'url' | 'stages' | 'startedAt' | 'finishedAt' | 'durationSeconds'> {
  /** The pipeline's status as far as we know (job events alone make it `running`). */
  status: CiStatus;
  /** The highest attempt seen (GitHub re-runs keep the run id). */
  attempt?: number | null;
  /** The latest attempt of each job, by `stage/name`. */
  jobs: Record<string, CiJob & { attempts: number }>;
  /** A live message (started, then edited with progress) was queued. */
  live: boolean;
  /** The final status already posted as its own message (so a repeat is not posted twice). */
  posted: CiStatus | null;
  /** The latest thing that happened, shown on the live message (`✅ Stage build passed in 1m 2s — next: test`). */
  note: string | null;
}

/** The last finished result of a project's branch, for broken / still failing / fixed. */
export interface BranchState {
  result: 'passed' | 'failed';
  /** Failed runs in a row (0 after a pass). */
  streak: number;
}

export type Transition = 'broken' | 'still_failing' | 'fixed' | 'passed' | 'failed' | 'canceled' | 'skipped' | 'manual';

export type CiAction =
  | { type: 'live' } // post the run's live message (it notifies once: "started")
  | { type: 'edit' } // edit the live message to show progress (no notification)
  | { type: 'final'; transition: Transition; branch?: BranchState }; // the outcome as its own message

export interface StageView {
  name: string;
  status: CiStatus;
  durationSeconds: number | null;
  jobs: (CiJob & { attempts: number })[];
}

const jobKey = (j: CiJob) => `${j.stage}/${j.name}`;

/** Whether `incoming` is a newer attempt of the job than `current` (GitLab and GitHub ids grow with retries). */
function newerAttempt(current: CiJob, incoming: CiJob): boolean {
  const a = Number(current.id);
  const b = Number(incoming.id);
  if (Number.isFinite(a) && Number.isFinite(b)) return b > a;
  return true; // opaque ids (CircleCI): the later event wins
}

/** Folds a job into the run; true when it changed the job (a new job, a new attempt, or news about the same one). */
function mergeJob(run: CiRun, job: CiJob): boolean {
  const key = jobKey(job);
  const cur = run.jobs[key];
  if (!run.stages.includes(job.stage)) run.stages.push(job.stage);
  if (!cur) {
    run.jobs[key] = { ...job, attempts: 1 };
    return true;
  }
  if (cur.id === job.id) {
    // Same attempt: never move back from a finished state (deliveries can arrive out of order).
    if (isTerminal(cur.status) && !isTerminal(job.status)) return false;
    const next = { ...cur, ...job, attempts: cur.attempts };
    const changed = JSON.stringify(next) !== JSON.stringify(cur);
    run.jobs[key] = next;
    return changed;
  }
  if (!newerAttempt(cur, job)) return false;
  run.jobs[key] = { ...job, attempts: cur.attempts + 1 };
  return true;
}

/** A stage's status from its jobs' latest attempts; allowed failures do not fail it. */
export function stageStatus(jobs: CiJob[]): CiStatus {
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
export function stageDuration(jobs: CiJob[]): number | null {
  const starts = jobs.map((j) => j.startedAt).filter((t): t is string => !!t).map(Date.parse);
  const ends = jobs.map((j) => j.finishedAt).filter((t): t is string => !!t).map(Date.parse);
  if (starts.length && ends.length && ends.length === jobs.filter((j) => isTerminal(j.status)).length) {
    return Math.max(0, (Math.max(...ends) - Math.min(...starts)) / 1000);
  }
  const d = jobs.map((j) => j.durationSeconds).filter((x): x is number => x !== null);
  return d.length ? Math.max(...d) : null;
}

/** The stages in order with their status and duration. */
export function stagesOf(run: CiRun): StageView[] {
  const all = Object.values(run.jobs);
  const names = [...run.stages, ...all.map((j) => j.stage).filter((s) => !run.stages.includes(s))];
  return [...new Set(names)].map((name) => {
    const jobs = all.filter((j) => j.stage === name);
    return { name, status: jobs.length ? stageStatus(jobs) : 'created', durationSeconds: stageDuration(jobs), jobs };
  }).filter((s) => s.jobs.length > 0);
}

/** The stage the run is in: the first one not finished, else the last. */
export function currentStage(run: CiRun): string | null {
  const stages = stagesOf(run);
  return (stages.find((s) => !isTerminal(s.status) && s.status !== 'manual') ?? stages[stages.length - 1])?.name ?? null;
}

/** Total duration: the platform's own figure, else first start to last finish. */
export function runDuration(run: CiRun): number | null {
  if (run.durationSeconds !== null) return run.durationSeconds;
  const stages = stagesOf(run);
  const starts = stages.flatMap((s) => s.jobs.map((j) => j.startedAt)).filter((t): t is string => !!t).map(Date.parse);
  const ends = stages.flatMap((s) => s.jobs.map((j) => j.finishedAt)).filter((t): t is string => !!t).map(Date.parse);
  if (starts.length && ends.length) return Math.max(0, (Math.max(...ends) - Math.min(...starts)) / 1000);
  return null;
}

/** Jobs that failed the run (not allowed to fail), in stage order. */
export function failingJobs(run: CiRun): (CiJob & { attempts: number })[] {
  return stagesOf(run).flatMap((s) => s.jobs.filter((j) => j.status === 'failed' && !j.allowFailure));
}

export function allowedFailures(run: CiRun): CiJob[] {
  return Object.values(run.jobs).filter((j) => j.status === 'failed' && j.allowFailure);
}

function newRun(ci: CiInfo): CiRun {
  return {
    runKey: ci.runKey, platform: ci.platform, runId: ci.runId, runNumber: ci.runNumber, name: ci.name, project: ci.project,
    projectUrl: ci.projectUrl, branch: ci.branch, commit: ci.commit, commitMessage: ci.commitMessage, triggeredBy: ci.triggeredBy,
    url: ci.url, status: 'pending', stages: [], jobs: {}, startedAt: null, finishedAt: null, durationSeconds: null,
    live: false, posted: null, note: null,
  };
}

/** Which the final message says: named per project and branch. */
export function transitionOf(status: CiStatus, before: BranchState | undefined): { transition: Transition; branch?: BranchState } {
  if (status === 'failed') {
    const streak = (before?.result === 'failed' ? before.streak : 0) + 1;
    const transition = before?.result === 'passed' ? 'broken' : before?.result === 'failed' ? 'still_failing' : 'failed';
    return { transition, branch: { result: 'failed', streak } };
  }
  if (status === 'passed') return { transition: before?.result === 'failed' ? 'fixed' : 'passed', branch: { result: 'passed', streak: 0 } };
  return { transition: status as Transition };
}

/** The message-worthy resting states of a run: the outcome, or waiting for someone to press play. */
const resting = (s: CiStatus) => isTerminal(s) || s === 'manual';

/**
 * Folds one event into its run and says what to do: post the live message, edit it, and/or post the outcome.
 * @param prev the run so far (undefined for its first event)
 * @param branch the branch's last result, for broken / still failing / fixed
 */
export function trackCi(prev: CiRun | undefined, event: CiEvent, branch: BranchState | undefined): { run: CiRun; actions: CiAction[] } {
  const ci = event.ci!;
  const run: CiRun = prev ? structuredClone(prev) : newRun(ci);
  const stagesBefore = new Map(stagesOf(run).map((s) => [s.name, s.status]));
  for (const k of ['runNumber', 'name', 'projectUrl', 'branch', 'commit', 'commitMessage', 'triggeredBy'] as const) {
    if (ci[k] !== null && (run[k] === null || ci.level === 'pipeline')) run[k] = ci[k];
  }
  if (ci.url && (ci.level === 'pipeline' || !run.url)) run.url = ci.url;
  if (ci.stages.length) run.stages = [...ci.stages, ...run.stages.filter((s) => !ci.stages.includes(s))];
  let changedJobs = false;
  for (const job of ci.jobs) changedJobs = mergeJob(run, job) || changedJobs;
  const newAttempt = ci.attempt !== null && ci.attempt > (run.attempt ?? 0);
  if (newAttempt) run.attempt = ci.attempt;

  const wasResting = resting(run.status) && run.posted !== null;
  // After the outcome, a "still running" event reopens the run only with news (a retried job, a new attempt);
  // otherwise it is a late delivery of an older state, and changes nothing.
  const stale = wasResting && !resting(ci.status) && !changedJobs && !newAttempt;
  if (stale) {
    // keep the outcome
  } else if (ci.level === 'pipeline') {
    run.status = ci.status;
    run.startedAt = ci.startedAt ?? run.startedAt;
    run.finishedAt = resting(ci.status) ? ci.finishedAt ?? run.finishedAt : null;
    run.durationSeconds = resting(ci.status) ? ci.durationSeconds ?? run.durationSeconds : null;
  } else if (!isTerminal(ci.status) && ci.status !== 'manual') {
    // A job that (re)starts means the run is running, also after it had finished (a retried job).
    run.status = 'running';
    run.finishedAt = null;
    run.durationSeconds = null;
  } else if (!prev || !resting(run.status)) {
    run.status = 'running';
  }

  // What changed, for the live message.
  const notes: string[] = [];
  const stages = stagesOf(run);
  stages.forEach((s, i) => {
    if (s.status === 'passed' && stagesBefore.get(s.name) !== 'passed' && ci.level === 'job') {
      const next = stages.slice(i + 1).find((n) => n.status !== 'skipped');
      notes.push(`✅ Stage **${s.name}** passed${s.durationSeconds !== null ? ` in ${formatDuration(s.durationSeconds)}` : ''}${next ? ` — next: **${next.name}**` : ''}`);
    }
  });
  if (ci.level === 'job') {
    const j = ci.jobs[0];
    if (j.status === 'failed') notes.push(`${j.allowFailure ? '⚠️' : '❌'} Job **${j.name}** failed${j.failureReason ? `: ${j.failureReason}` : ''}${j.allowFailure ? ' (allowed to fail)' : ''}`);
  }
  if (wasResting && !resting(run.status)) notes.push('🔁 Run restarted');
  if (notes.length) run.note = notes.join('\n');

  const actions: CiAction[] = [];
  if (resting(run.status)) {
    if (run.posted === run.status) {
      if (run.live && prev && JSON.stringify(prev) !== JSON.stringify(run)) actions.push({ type: 'edit' });
      return { run, actions };
    }
    if (run.live) actions.push({ type: 'edit' });
    const t = transitionOf(run.status, branch);
    actions.push({ type: 'final', transition: t.transition, ...(t.branch ? { branch: t.branch } : {}) });
    run.posted = run.status;
    return { run, actions };
  }
  if (run.posted !== null) run.posted = null; // reopened: the next outcome is posted again
  if (!run.live) {
    run.live = true;
    actions.push({ type: 'live' });
  } else if (!prev || JSON.stringify(prev) !== JSON.stringify(run)) {
    actions.push({ type: 'edit' });
  }
  return { run, actions };
}
