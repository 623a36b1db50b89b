import { DEFAULT_URL_POLICY } from '../../src/forward/url-policy.js';
import { createHook } from '../../src/hooks/manage.js';
import type { PollSetting } from '../../src/hooks/schema.js';
import { createMetrics } from '../../src/metrics.js';
import { createPipeline, type Pipeline } from '../../src/pipeline.js';
import { startPoller, type Poller, type PollerDeps } from '../../src/poll/poller.js';
import type { Store } from '../../src/store/store.js';
import { recordingNotifier, type RecordingNotifier } from '../helpers/recording-notifier.js';
import { tempDbPath } from '../helpers/start-hookbot.js';
import { testStore } from '../helpers/store.js';
import { createTestLogger } from '../helpers/test-logger.js';

export const CHANNEL = '100000000000000002';
export const GUILD = '100000000000000001';
export const MIN = 60_000;

/** A clock the test moves: polls are due when the test says so, backoff is seen without waiting. */
export function manualClock(start = Date.parse('2026-05-01T00:00:00Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; }, set: (ms: number) => { t = ms; } };
}
export type ManualClock = ReturnType<typeof manualClock>;

/**
 * One hookbot process as far as polling goes: a real SQLite store (a file another "process" may open too), the real
 * pipeline posting through a recording notifier, and the poller with the test's clock. Its sleeps (per-host spacing)
 * move the clock instead of waiting, and are recorded.
 */
export function pollingProcess(clock: ManualClock, path = tempDbPath(), opts: Partial<PollerDeps> = {}) {
  const { store, close } = testStore(path);
  const { log, lines } = createTestLogger();
  const notifier: RecordingNotifier = recordingNotifier();
  const pipeline: Pipeline = createPipeline({ store, notifier, clock, log, metrics: createMetrics() });
  const sleeps: number[] = [];
  const poller: Poller = startPoller({
    store, clock, log, prefix: '!hook', kick: () => {}, notice: (c, b, h) => pipeline.notice(c, b, h), policy: DEFAULT_URL_POLICY,
    intervalMs: 0, sleep: async (ms) => { sleeps.push(ms); clock.advance(ms); }, ...opts,
  });
  return {
    store, notifier, pipeline, poller, sleeps, lines, path,
    /** Polls what is due, then processes and posts what that stored. */
    async round() {
      await poller.tick();
      await pipeline.drain();
    },
    async stop() {
      await poller.stop();
      await pipeline.stop();
      close();
    },
  };
}
export type PollingProcess = ReturnType<typeof pollingProcess>;

/** Creates a poll hook the way every door does (src/hooks/manage.ts). */
export async function pollHook(store: Store, clock: ManualClock, poll: PollSetting, extra: Record<string, unknown> = {}) {
  const r = await createHook({ store, clock, newSecret: () => 'unused' }, { service: 'poll', channel_id: CHANNEL, poll, ...extra },
    { source: 'chat', guildId: GUILD, userId: '100000000000000011' });
  if (!r.ok) throw new Error(r.problem.message);
  return r.value.hook;
}

/** What the posts show, one entry per event: a text, or an embed's title (a backlog is packed into one post). */
export const shown = (n: RecordingNotifier) => n.posted.flatMap((b) => (b.embeds?.length ? b.embeds.map((e) => String(e.title)) : [String(b.content)]));
