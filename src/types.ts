/**
 * The normalized event: the contract between parsers and everything after them
 * (filters, templates, formatters, the outbox). Every source — GitHub, CI, Docker,
 * custom JSON — produces one of these.
 */
export type EventSource = 'github' | 'gitlab' | 'circleci' | 'jenkins' | 'docker' | 'custom';

/** A CI platform a `ci` hook understands. */
export type CiPlatform = 'gitlab' | 'github' | 'circleci' | 'jenkins';

/** Pipeline and job states, the same words for every platform. */
export type CiStatus = 'created' | 'pending' | 'running' | 'passed' | 'failed' | 'canceled' | 'skipped' | 'manual';

/** Drives the embed colour and the alert wording. */
export type EventStatus = 'success' | 'failure' | 'warning' | 'info' | 'neutral' | 'merged';

/** A scalar that templates and filters can read. */
export type FieldValue = string | number | boolean | null;

export interface Actor {
  name: string;
  url?: string;
  avatarUrl?: string;
}

interface BaseEvent<K extends string, F extends Record<string, FieldValue>> {
  source: EventSource;
  /** `<source>.<type>`, e.g. `github.push`, `docker.container.die`, `ci.pipeline`. */
  kind: K;
  /** The provider's event name (`push`, `pull_request`, …). */
  event: string;
  action?: string;
  title: string;
  summary?: string;
  url?: string;
  actor?: Actor;
  repo?: string;
  branch?: string;
  status: EventStatus;
  /** Kind-specific values, flat, for templates and filters. */
  fields: F;
  /** ISO 8601 time the event happened (or was received). */
  occurredAt: string;
}

export type GithubPushEvent = BaseEvent<'github.push', {
  ref: string;
  ref_type: 'branch' | 'tag';
  created: boolean;
  deleted: boolean;
  forced: boolean;
  commit_count: number;
  latest_commit_message: string;
  latest_commit_url: string | null;
  latest_commit_id: string | null;
  files_added: number;
  files_modified: number;
  files_removed: number;
  files_touched: number;
  compare_url: string | null;
  pusher: string;
  author: string;
}>;

export type GithubPullRequestEvent = BaseEvent<'github.pull_request', {
  number: number;
  pr_title: string;
  author: string;
  state: string;
  merged: boolean;
  draft: boolean;
  base: string;
  head: string;
  changed_files: number | null;
  additions: number | null;
  deletions: number | null;
  requested_reviewer: string | null;
}>;

export type GithubIssueEvent = BaseEvent<'github.issues', {
  number: number;
  issue_title: string;
  author: string;
  state: string;
  labels: string;
  label: string | null;
}>;

export type GithubIssueCommentEvent = BaseEvent<'github.issue_comment', {
  number: number;
  issue_title: string;
  author: string;
  comment: string;
  is_pull_request: boolean;
}>;

export type GithubReleaseEvent = BaseEvent<'github.release', {
  tag: string;
  name: string;
  notes: string;
  prerelease: boolean;
  author: string;
}>;

export type GithubWorkflowRunEvent = BaseEvent<'github.workflow_run', {
  workflow: string;
  conclusion: string | null;
  run_number: number | null;
  duration: string | null;
  duration_seconds: number | null;
  author: string;
  commit_message: string;
}>;

export type GithubPingEvent = BaseEvent<'github.ping', {
  zen: string;
  hook_events: string;
  hook_id: number | null;
}>;

export type GithubGenericEvent = BaseEvent<'github.other', Record<string, FieldValue>>;

/** Any JSON from a custom hook (including Stripe and Slack); `fields` are the payload's top-level scalars. */
export type CustomEvent = BaseEvent<'custom.event', Record<string, FieldValue>>;

/** A Docker container or image event; `event` is the category (`start`, `die`, `health`, `build`…). */
export type DockerNormalizedEvent = BaseEvent<
  'docker.container.start' | 'docker.container.stop' | 'docker.container.die' | 'docker.container.oom' | 'docker.container.health' | 'docker.image',
  Record<string, FieldValue>
>;

/** One job of a pipeline (a GitLab job, a GitHub Actions job, a CircleCI job, a Jenkins stage). */
export interface CiJob {
  id: string;
  name: string;
  /** GitLab's stage; platforms without stages use the job's name. */
  stage: string;
  status: CiStatus;
  startedAt: string | null;
  finishedAt: string | null;
  durationSeconds: number | null;
  allowFailure: boolean;
  failureReason: string | null;
  /** The job's log. */
  url: string | null;
}

/** What a CI pipeline or job event says about its run; the tracker (src/ci) folds these into one story per run. */
export interface CiInfo {
  platform: CiPlatform;
  level: 'pipeline' | 'job';
  /** Identifies the run across its events: `<platform>:<project>:<pipeline id>`. */
  runKey: string;
  runId: string;
  /** The number users see (`#123`), when it differs from the id. */
  runNumber: string | null;
  /** Which attempt of the run this is, where the platform re-runs under the same id (GitHub `run_attempt`). */
  attempt: number | null;
  name: string | null;
  project: string;
  projectUrl: string | null;
  branch: string | null;
  commit: string | null;
  commitMessage: string | null;
  triggeredBy: string | null;
  url: string | null;
  /** The pipeline's status (pipeline level) or the job's (job level). */
  status: CiStatus;
  /** Stage order when the platform says it (GitLab `stages`). */
  stages: string[];
  /** Pipeline level: every job the payload lists (GitLab `builds`); job level: the one job. */
  jobs: CiJob[];
  startedAt: string | null;
  finishedAt: string | null;
  durationSeconds: number | null;
}

/** A CI hook's event: pipelines and jobs (with `ci`), and the other GitLab events a project hook sends. */
export type CiEvent = BaseEvent<
  'ci.pipeline' | 'ci.job' | 'ci.push' | 'ci.merge_request' | 'ci.tag' | 'ci.release' | 'ci.other',
  Record<string, FieldValue>
> & { ci?: CiInfo };

export type NormalizedEvent =
  | GithubPushEvent
  | GithubPullRequestEvent
  | GithubIssueEvent
  | GithubIssueCommentEvent
  | GithubReleaseEvent
  | GithubWorkflowRunEvent
  | GithubPingEvent
  | GithubGenericEvent
  | CustomEvent
  | DockerNormalizedEvent
  | CiEvent;

/** A Discord embed as the API takes it (only the parts hookbot uses). */
export interface DiscordEmbed {
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  timestamp?: string;
  author?: { name: string; url?: string; icon_url?: string };
  footer?: { text: string };
  fields?: { name: string; value: string; inline?: boolean }[];
}

/** A message body for `POST /channels/{id}/messages`. */
export interface DiscordMessage {
  content?: string;
  embeds?: DiscordEmbed[];
  allowed_mentions?: { parse: string[]; roles?: string[]; users?: string[] };
  /** Message flags; 4096 = SUPPRESS_NOTIFICATIONS (a quiet message). */
  flags?: number;
}
