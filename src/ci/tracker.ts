import { isTerminal } from '../../parsers/ci-common.js';
import { formatDuration } from '../../formatters/duration.js';
import type { CiBranchState, CiEvent, CiInfo, CiJob, CiRun, CiStatus, CiTransition } from '../types.js';
import { stagesOf } from './run-view.js';

/**
 * Folds a pipeline's events (pipeline and job level, in any order) into one run (`CiRun`, src/types.ts), and says
 * what to post. Pure functions only: the pipeline loads and saves the run.
 */

export type CiAction =
  | { type: 'live' } // post the run's live message (it notifies once: "started")
  | { type: 'edit' } // edit the live message to show progress (no notification)
  | { type: 'final'; transition: CiTransition; branch?: CiBranchState }; // the outcome as its own message

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

function newRun(ci: CiInfo): CiRun {
  return {
    runKey: ci.runKey, platform: ci.platform, runId: ci.runId, runNumber: ci.runNumber, name: ci.name, project: ci.project,
    projectUrl: ci.projectUrl, branch: ci.branch, commit: ci.commit, commitMessage: ci.commitMessage, triggeredBy: ci.triggeredBy,
    url: ci.url, status: 'pending', stages: [], jobs: {}, startedAt: null, finishedAt: null, durationSeconds: null,
    live: false, posted: null, note: null,
  };
}

/** The message-worthy resting states of a run: the outcome, or waiting for someone to press play. */
type RestingStatus = Extract<CiStatus, 'passed' | 'failed' | 'canceled' | 'skipped' | 'manual'>;
const resting = (s: CiStatus): s is RestingStatus => isTerminal(s) || s === 'manual';

/** Which the final message says: named per project and branch. */
export function transitionOf(status: RestingStatus, before: CiBranchState | undefined): { transition: CiTransition; branch?: CiBranchState } {
  if (status === 'failed') {
    const streak = (before?.result === 'failed' ? before.streak : 0) + 1;
    const transition = before?.result === 'passed' ? 'broken' : before?.result === 'failed' ? 'still_failing' : 'failed';
    return { transition, branch: { result: 'failed', streak } };
  }
  if (status === 'passed') return { transition: before?.result === 'failed' ? 'fixed' : 'passed', branch: { result: 'passed', streak: 0 } };
  return { transition: status };
}


/**
 * Folds one event into its run and says what to do: post the live message, edit it, and/or post the outcome.
 * @param prev the run so far (undefined for its first event)
 * @param branch the branch's last result, for broken / still failing / fixed
 */
export function trackCi(prev: CiRun | undefined, event: CiEvent, branch: CiBranchState | undefined): { run: CiRun; actions: CiAction[] } {
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
