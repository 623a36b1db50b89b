import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics.js';
import { createPipeline } from '../../src/pipeline.js';
import { githubSubject } from '../../src/threads/subject.js';
import { jobLine, runThreadName } from '../../src/threads/messages.js';
import { githubHook, testStore } from '../helpers/store.js';
import { recordingNotifier } from '../helpers/recording-notifier.js';
import { createTestLogger } from '../helpers/test-logger.js';
import { checkRun, comment, issue, pr, pushTo, REPO } from './world.js';

describe('what a GitHub event says about its pull request or issue', () => {
  it('names the subject, its state change and its head branch', () => {
    expect(githubSubject('pull_request', pr('opened'))).toMatchObject({
      key: `${REPO}#45`, name: '#45 Add OAuth support', lifecycle: 'open', branch: `${REPO}:oauth`, opens: true, failure: false,
    });
    expect(githubSubject('pull_request', pr('ready_for_review'))?.lifecycle).toBe('open');
    expect(githubSubject('pull_request', pr('synchronize'))?.lifecycle).toBeUndefined();
    expect(githubSubject('pull_request', pr('merged'))).toMatchObject({ lifecycle: 'merged', branch: null });
    expect(githubSubject('pull_request', pr('closed'))).toMatchObject({ lifecycle: 'closed', branch: null });
    expect(githubSubject('issues', issue('closed'))).toMatchObject({ key: `${REPO}#46`, lifecycle: 'closed' });
    expect(githubSubject('issue_comment', comment('hi'))).toMatchObject({ key: `${REPO}#45`, opens: true });
  });

  it('does not take a fork\'s branch for the pull request\'s (pushes to it never reach this repository\'s hook)', () => {
    const fromFork = pr('opened');
    fromFork.pull_request.head.repo.full_name = 'someone/api';
    expect(githubSubject('pull_request', fromFork)?.branch).toBeUndefined();
  });

  it('lets checks and pushes only join a thread, by pull request number, commit or branch', () => {
    expect(githubSubject('check_run', checkRun('failure'))).toMatchObject({ key: `${REPO}#45`, failure: true, opens: false });
    const orphan = checkRun('success');
    orphan.check_run.pull_requests = [];
    expect(githubSubject('check_run', orphan)).toEqual({ sha: orphan.check_run.head_sha, failure: false, opens: false });
    expect(githubSubject('push', pushTo('oauth'))).toEqual({ pushBranch: `${REPO}:oauth`, failure: false, opens: false });
    expect(githubSubject('push', { ...pushTo('oauth'), deleted: true })).toBeUndefined();
    expect(githubSubject('release', { action: 'published', repository: { full_name: REPO } })).toBeUndefined();
  });

  it('words CI job news and run names for threads', () => {
    const job = { id: '1', name: 'unit', stage: 'test', status: 'failed' as const, startedAt: null, finishedAt: null, durationSeconds: 62, allowFailure: true, failureReason: 'script failure', url: null };
    expect(jobLine(job)).toBe('❌ **unit** (test) failed in 1m 2s: script failure (allowed to fail)');
    expect(jobLine({ ...job, status: 'running' })).toBeNull();
    expect(runThreadName({ project: 'acme/shop', runNumber: '7', runId: '31', branch: null })).toBe('acme/shop #7');
  });
});

describe('a notifier without thread support', () => {
  const { store, close } = testStore();
  afterEach(() => close());
  it('posts a subject\'s messages in the channel and nothing for the thread steps', async () => {
    await githubHook(store, { events: ['*'], threads: true });
    const notifier = recordingNotifier();
    const pipeline = createPipeline({ store, notifier, clock: { now: () => Date.now() }, log: createTestLogger().log, metrics: createMetrics() });
    try {
      for (const [event, payload] of [['pull_request', pr('opened')], ['issue_comment', comment('hi')]] as const) {
        await store.insertEvent({ hookId: 'hook_001', deliveryId: event, eventType: event, payload: JSON.stringify(payload), receivedAt: new Date().toISOString() });
      }
      await pipeline.drain();
      expect(notifier.texts()).toEqual([expect.stringContaining('Pull request opened'), expect.stringContaining('Comment on pull request')]);
      expect(await store.queueDepth()).toBe(0);
    } finally {
      await pipeline.stop();
    }
  });
});
