/**
 * The normalized event: the contract between parsers and everything after them
 * (filters, templates, formatters, the outbox). Every source — GitHub, CI, Docker,
 * custom JSON — produces one of these.
 */
export type EventSource = 'github' | 'gitlab' | 'circleci' | 'jenkins' | 'docker' | 'custom' | 'poll';

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

/** A new item of a polled feed or JSON document (`!hook poll`); the stored item is under `{{item.…}}` in templates. */
export type PollItemEvent = BaseEvent<'poll.item', {
  title: string;
  link: string | null;
  summary: string | null;
  author: string | null;
  published: string | null;
  feed: string | null;
  feed_url: string;
  item_id: string;
}>;

/** A running container's image tag points at a newer digest in its registry (`!hook docker updates`). */
export type ImageUpdateEvent = BaseEvent<'docker.image_update', {
  image: string;
  registry: string;
  repository: string;
  tag: string;
  running_digest: string;
  new_digest: string;
  containers: string;
  container_count: number;
}>;

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

// ---- CI runs

/** A job of a run: its latest attempt, and how many attempts of it were seen. */
export type CiRunJob = CiJob & { attempts: number };

/**
 * One pipeline run, folded from all of its events (pipeline and job level, in any order) by src/ci/tracker.ts.
 * Stored per hook and run key, so the story survives restarts.
 */
export type CiRun = Pick<CiInfo,
  'runKey' | 'platform' | 'runId' | 'runNumber' | 'name' | 'project' | 'projectUrl' | 'branch' | 'commit' | 'commitMessage'
  | 'triggeredBy' | 'url' | 'stages' | 'startedAt' | 'finishedAt' | 'durationSeconds'> & {
  /** The pipeline's status as far as we know (job events alone make it `running`). */
  status: CiStatus;
  /** The highest attempt seen (GitHub re-runs keep the run id). */
  attempt?: number | null;
  /** The latest attempt of each job, by `stage/name`. */
  jobs: Record<string, CiRunJob>;
  /** A live message (started, then edited with progress) was queued. */
  live: boolean;
  /** The final status already posted as its own message (so a repeat is not posted twice). */
  posted: CiStatus | null;
  /** The latest thing that happened, shown on the live message (`✅ Stage build passed in 1m 2s — next: test`). */
  note: string | null;
};

/** The last finished result of a project's branch, for broken / still failing / fixed. */
export interface CiBranchState {
  result: 'passed' | 'failed';
  /** Failed runs in a row (0 after a pass). */
  streak: number;
}

/** What a run's outcome message says: named per project and branch. */
export type CiTransition = 'broken' | 'still_failing' | 'fixed' | 'passed' | 'failed' | 'canceled' | 'skipped' | 'manual';

/** A stage of a run: its jobs' latest attempts, its status and its wall-clock duration (parallel jobs overlap). */
export interface CiStageView {
  name: string;
  status: CiStatus;
  durationSeconds: number | null;
  jobs: CiRunJob[];
}

/** A run with what src/ci computes from its jobs: what formatters/ci.ts shows. */
export interface CiRunView {
  run: CiRun;
  /** The stages with jobs, in order. */
  stages: CiStageView[];
  /** The stage the run is in: the first one not finished, else the last. */
  currentStage: string | null;
  /** Jobs that failed the run (not allowed to fail), in stage order. */
  failing: CiRunJob[];
  /** Jobs that failed but were allowed to. */
  allowedFailures: CiRunJob[];
  /** Jobs waiting for someone to start them. */
  manual: CiRunJob[];
  /** Total duration: the platform's own figure, else first start to last finish. */
  durationSeconds: number | null;
}

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
  | CiEvent
  | PollItemEvent
  | ImageUpdateEvent;

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
  /** Buttons (an action row of them): the Follow / Mute buttons of a thread's starter message. */
  components?: DiscordActionRow[];
}

/** A row of buttons (https://discord.com/developers/docs/interactions/message-components). */
export interface DiscordActionRow { type: 1; components: { type: 2; style: 1 | 2 | 3 | 4; label: string; custom_id: string; emoji?: { name: string } }[] }

/**
 * Where an outbox row goes when its hook opens a thread per pull request, issue or CI run (src/threads/):
 * `starter` posts the subject's first message in the channel (a forum: creates the post), `open` creates the thread
 * on it, `post` posts into the thread, `channel` posts a lifecycle message in the channel (a forum: into the post,
 * and sets its tag), `edit` edits the starter (a CI run's live message).
 */
export interface ThreadStep {
  /** The subject, unique per hook: `acme/api#45` (a pull request or an issue), `run:<CI run key>`. */
  subject: string;
  step: 'starter' | 'open' | 'post' | 'channel' | 'edit';
  /** On `starter` rows: the thread's name (`#45 Add OAuth support`) and the subject's page (for a starter posted again). */
  name?: string;
  url?: string;
  /** The forum tag of the subject's state after this row. */
  tag?: 'open' | 'merged' | 'closed';
  /** A pull request's head branch (`owner/repo:branch`): pushes to it go into the thread; null once it is closed. */
  branch?: string | null;
}

// ---- stored values

/** What a poll hook polls: a feed or JSON URL (`!hook poll`), or the registries of running containers' images (`!hook docker updates`). */
export type PollKind = 'feed' | 'images';

/** What a hook listens to. */
export type HookService = 'github' | 'docker' | 'ci' | 'custom' | 'poll';

/** How a hook's deliveries are verified (signature schemes, a token, or none). */
export type VerifyScheme = 'github' | 'gitlab' | 'stripe' | 'slack' | 'circleci' | 'standard' | 'hmac' | 'token' | 'none';

/** A hook's stored `verify`: a scheme, or `ci` (a CI hook picks the scheme by each delivery's sender). */
export type HookVerify = VerifyScheme | 'ci';

/** A hook's health: `failing` when its channel cannot be posted to. */
export type HookStatus = 'ok' | 'failing';

/** A hook's outgoing forward: `disabled` after the receiver answered 410 Gone. */
export type ForwardState = 'ok' | 'failing' | 'disabled';

/** An outbox row: `superseded` when a newer edit of the same CI live message replaced it before its first attempt. */
export type OutboxState = 'pending' | 'sent' | 'failed' | 'superseded';

/** A queued forward (one signed POST). */
export type ForwardRowState = 'pending' | 'sent' | 'failed';

/** What bypasses a hook's digest window: failures (posted at once), or nothing. */
export type AggregateExcept = 'failed' | 'none';

/** Where a hook is declared: in chat (`!hook`, `/hook`), in the hooks file, or through the HTTP API. */
export type HookSource = 'chat' | 'file' | 'api';

/** How a hook's forward is retried: attempts in all, first delay, growth per attempt, cap (delays in ms). */
export interface ForwardRetry {
  maxAttempts: number;
  initialDelayMs: number;
  backoffMultiplier: number;
  maxDelayMs: number;
}

/** Quiet hours: local `HH:MM` in an IANA zone; events in between wait for one digest at `to` (may span midnight). */
export interface QuietHours { from: string; to: string; tz: string }

/**
 * A hook's route (src/rules/routes.ts): events whose fields match `match` (stored filter terms, as `filters`) go to
 * `channelId` (with its `template`, `mentions` and own digest window `aggregateSeconds`), first match unless `continue`.
 */
export interface HookRoute { match: Record<string, string>; channelId: string; template?: string; continue?: boolean; mentions?: string[]; aggregateSeconds?: number }
/** Where events no route matches go: the hook's own channel, or nowhere. */
export type UnroutedPolicy = 'channel' | 'drop';

/** An alert-if rule: an expression and who to mention when it becomes true. */
export interface AlertRule {
  expr: string;
  ping?: string;
}

/** What a digest keeps of one event. */
export interface DigestItem {
  source: string;
  kind: string;
  event: string;
  action: string | null;
  title: string;
  url: string | null;
  status: string;
  branch: string | null;
  container: string | null;
  exitCode: number | null;
  at: string;
}
