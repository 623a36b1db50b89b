import { REST } from 'discord.js';
import { createRestNotifier } from '../../src/discord/notifier.js';
import { createMetrics } from '../../src/metrics.js';
import { createPipeline, type Pipeline } from '../../src/pipeline.js';
import type { Clock } from '../../src/ports.js';
import type { NewHook, Store } from '../../src/store/store.js';
import { samplePush } from '../../src/samples/github-push.js';
import { FakeDiscord, IDS, type FakeDiscordOptions } from '../fakes/discord.js';
import { example } from '../helpers/examples.js';
import { githubHook, testStore } from '../helpers/store.js';
import { createTestLogger } from '../helpers/test-logger.js';

export const REPO = 'acme/api';
export const PR = { number: 45, title: 'Add OAuth support', branch: 'oauth', sha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821' };
/** A forum channel for the tests that need one (the stand-in's guild has two text channels). */
export const FORUM = '100000000000000077';

function inRepo<T extends Record<string, any>>(p: T): T {
  Object.assign(p.repository, { full_name: REPO, name: 'api', html_url: `https://github.com/${REPO}` });
  return p;
}

/** A `pull_request` delivery of PR #45 (`merged` is a `closed` one with `merged: true`). */
export function pr(action: string, over: { number?: number; title?: string } = {}) {
  const p = example('pull_request', (x) => x.action === (action === 'merged' ? 'closed' : action));
  const number = over.number ?? PR.number;
  Object.assign(p.pull_request, {
    number, title: over.title ?? PR.title, html_url: `https://github.com/${REPO}/pull/${number}`, merged: action === 'merged',
    state: action === 'closed' || action === 'merged' ? 'closed' : 'open', draft: false,
  });
  Object.assign(p.pull_request.head, { ref: PR.branch, sha: PR.sha });
  p.pull_request.head.repo.full_name = REPO;
  return inRepo(p);
}

export function issue(action: string, number = 46, title = 'Login fails on Safari') {
  // GitHub's examples have no `closed` issue: an opened one, closed.
  const p = example('issues', (x) => x.action === (action === 'closed' ? 'opened' : action));
  p.action = action;
  Object.assign(p.issue, { number, title, html_url: `https://github.com/${REPO}/issues/${number}`, state: action === 'closed' ? 'closed' : 'open' });
  return inRepo(p);
}

export function comment(body: string, number = PR.number, opts: { title?: string; issue?: boolean } = {}) {
  const p = example('issue_comment', (x) => x.action === 'created');
  Object.assign(p.issue, { number, title: opts.title ?? PR.title, html_url: `https://github.com/${REPO}/issues/${number}` });
  if (opts.issue) delete p.issue.pull_request;
  else p.issue.pull_request = { url: `https://api.github.com/repos/${REPO}/pulls/${number}`, html_url: `https://github.com/${REPO}/pull/${number}` };
  p.comment.body = body;
  return inRepo(p);
}

export function review(state: 'approved' | 'commented' | 'changes_requested', login = 'alice') {
  const p = example('pull_request_review', (x) => x.action === 'submitted');
  Object.assign(p.pull_request, { number: PR.number, title: PR.title, html_url: `https://github.com/${REPO}/pull/${PR.number}` });
  p.pull_request.head.sha = PR.sha;
  p.review.state = state;
  p.review.user.login = login;
  return inRepo(p);
}

export function checkRun(conclusion: 'success' | 'failure', name = 'test') {
  const p = example('check_run', (x) => x.action === 'completed');
  Object.assign(p.check_run, { name, conclusion, head_sha: PR.sha });
  p.check_run.pull_requests[0].number = PR.number;
  return inRepo(p);
}

export function pushTo(branch: string) {
  return { ...samplePush(REPO), ref: `refs/heads/${branch}` };
}

/** A clock that tests can move forward (timers still run in real time). */
export function shiftClock(): Clock & { shift(ms: number): void } {
  let offset = 0;
  return { now: () => Date.now() + offset, shift: (ms) => { offset += ms; } };
}

/**
 * The pipeline and outbox on a real SQLite store, posting through the real REST notifier to the Discord stand-in:
 * a GitHub hook (every event) with threads on, unless told otherwise.
 */
export async function threadWorld(opts: { fake?: FakeDiscordOptions; restTimeoutMs?: number; hook?: Partial<NewHook>; clock?: Clock; path?: string } = {}) {
  const discord = await new FakeDiscord(opts.fake).start();
  const { store, close, path } = testStore(opts.path);
  if (!(await store.getHook('hook_001'))) await githubHook(store, { events: ['*'], threads: true, ...opts.hook });
  const rest = new REST({ api: discord.apiUrl, retries: 0, timeout: opts.restTimeoutMs ?? 2000 }).setToken(discord.token);
  const { log, lines } = createTestLogger();
  const pipeline: Pipeline = createPipeline({ store, notifier: createRestNotifier(rest), clock: opts.clock ?? { now: () => Date.now() }, log, metrics: createMetrics() });
  let seq = 0;
  /** Stores a delivery and waits until it is processed and everything due is posted. */
  const deliver = async (event: string, payload: unknown) => {
    await store.insertEvent({ hookId: 'hook_001', deliveryId: `d-${++seq}-${Date.now()}`, eventType: event, payload: JSON.stringify(payload), receivedAt: new Date().toISOString() });
    await pipeline.drain();
  };
  const titles = (channelId: string) => discord.channelMessages(channelId).map((m) => String(m.body.embeds?.[0]?.title ?? m.body.content));
  return {
    discord, store, pipeline, deliver, lines, path, titles, rest,
    channel: () => titles(IDS.channel),
    /** The one live thread (fails when there is not exactly one). */
    onlyThread: () => {
      const live = discord.threads.live();
      if (live.length !== 1) throw new Error(`expected one thread, found ${live.length}`);
      return live[0];
    },
    async stop() {
      await pipeline.stop();
      close();
      await discord.stop();
    },
  };
}

export type ThreadWorld = Awaited<ReturnType<typeof threadWorld>>;
export { IDS };
export type { Store };
