/**
 * Docker Engine events and what hookbot stores for them: the shapes, which events are reported (by category),
 * their de-duplication key and exit code meanings. Pure; the watcher (`src/docker/`) and the parser share it.
 */

/** An event exactly as dockerd streams it from `GET /events`. */
export interface DockerEvent {
  status?: string;
  id?: string;
  from?: string;
  Type: string; // container | image | network | volume | …
  Action: string; // start | die | health_status: unhealthy | tag | …
  Actor: { ID: string; Attributes?: Record<string, string> };
  scope?: string;
  time: number;
  timeNano: number;
}

/** The part of a container's inspected `State` hookbot reads. */
export interface DockerContainerState {
  Status?: string; ExitCode?: number; OOMKilled?: boolean; StartedAt?: string; FinishedAt?: string;
  Health?: { Status?: string; Log?: { Output?: string; ExitCode?: number }[] };
}

/** What the Docker watcher stores for one event: the raw event plus what it looked up about it. */
export interface DockerPayload {
  event: DockerEvent;
  container?: {
    name: string;
    image: string;
    state?: DockerContainerState;
    restartCount?: number;
  };
  /** Last log lines (stdout and stderr, demultiplexed), oldest first. */
  logs?: string[];
  image?: { tags: string[]; sizeBytes?: number; layers?: number };
  /** Starts of this container in the recent window (restart loops). */
  restarts?: { count: number; windowMin: number };
  /** Similar events folded into this one (restart loops, health flapping). */
  suppressed?: number;
  /** Found by comparing container states after the daemon came back, not from the event stream. */
  reconciled?: boolean;
  /** The replica (REPLICA_NAME) whose Docker host sent it; set only when several hosts report to the hook. */
  host?: string;
}

/** The categories users pick with `--events` (the contract's names). */
export const DOCKER_CATEGORIES = ['build', 'start', 'stop', 'die', 'oom', 'health'] as const;
export type DockerCategory = (typeof DOCKER_CATEGORIES)[number];

/**
 * Which events hookbot reports, by category; `null` for noise (exec_* probes, attach, resize, networks…).
 * Image `tag`/`pull`/`load`/`import` are "build" (a new image is available), as is image `delete`/`untag`.
 */
export function classify(e: DockerEvent): DockerCategory | null {
  const action = e.Action ?? e.status ?? '';
  if (e.Type === 'container') {
    if (action.startsWith('exec_')) return null; // health probes run as exec_*: never posted
    // `docker restart` streams kill, die, stop, start, then `restart`: the start is reported already, and counting
    // the `restart` too would make one restart look like a restart loop.
    if (action === 'start') return 'start';
    if (action === 'stop') return 'stop';
    if (action === 'die') return 'die';
    if (action === 'oom') return 'oom';
    if (action.startsWith('health_status')) return 'health';
    return null;
  }
  if (e.Type === 'image' && ['tag', 'pull', 'load', 'import', 'delete', 'untag'].includes(action)) return 'build';
  return null;
}

/** A stable key for an event, to drop the duplicates a `since=` replay sends at its boundary. */
export function eventKey(e: DockerEvent): string {
  return `${e.timeNano}:${e.Type}:${e.Actor?.ID ?? e.id}:${e.Action}`;
}

/** What an exit code usually means (128 + signal number for signals). */
export function exitMeaning(code: number | null | undefined, oom = false): string {
  if (code === null || code === undefined) return 'unknown';
  if (oom) return 'killed: out of memory (OOM)';
  const known: Record<number, string> = {
    0: 'clean exit', 1: 'application error', 2: 'misuse of shell builtin', 125: 'docker run failed',
    126: 'command cannot execute', 127: 'command not found', 130: 'interrupted (SIGINT)',
    134: 'aborted (SIGABRT)', 137: 'killed (SIGKILL — often OOM or docker kill)', 139: 'segmentation fault (SIGSEGV)',
    143: 'terminated (SIGTERM)',
  };
  return known[code] ?? (code > 128 ? `killed by signal ${code - 128}` : 'error');
}
