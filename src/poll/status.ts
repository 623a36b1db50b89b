import type { PollConfig, PollSource, Store } from '../store/store.js';

/** A poll source as `/healthz` shows it: never its full URL (a query may hold a token), never its items. */
export interface PollStatus {
  hook: string;
  kind: PollSource['kind'];
  source: string;
  every_s: number;
  last_result: string | null;
  last_poll_at: string | null;
  next_poll_at: string | null;
  failures: number;
  paused: boolean;
}

/** A URL without its query and fragment (`https://example.com/feed?…`): what may be shown in a list or a page. */
export function displayUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return raw.slice(0, 100);
  }
}

/** `https://example.com/feed.xml`, or `Docker image updates`. */
export function sourceLabel(c: Pick<PollConfig, 'kind' | 'url'>): string {
  return c.kind === 'images' ? 'Docker image updates' : displayUrl(c.url ?? '');
}

/** The command (after the prefix) that resumes a source: the same `poll`/`docker updates` again. */
export function resumeCommand(c: Pick<PollConfig, 'kind' | 'url' | 'itemsPath' | 'idField'>): string {
  if (c.kind === 'images') return 'docker updates';
  return `poll ${c.url}${c.itemsPath ? ` --items ${c.itemsPath}` : ''}${c.idField ? ` --id ${c.idField}` : ''}`;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Each poll source's state (of the hooks given, or all): last result, last and next poll, failures, pause. */
export async function pollStatus(store: Store, hookIds?: string[]): Promise<PollStatus[]> {
  return (await store.pollSources(hookIds)).map((s) => ({
    hook: s.hookId, kind: s.kind, source: sourceLabel(s), every_s: s.everySeconds, last_result: s.lastResult,
    last_poll_at: iso(s.lastPolledAt), next_poll_at: s.paused ? null : iso(s.nextPollAt), failures: s.failures, paused: s.paused,
  }));
}
