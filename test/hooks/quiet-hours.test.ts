import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics.js';
import { createPipeline, type Pipeline } from '../../src/pipeline.js';
import { samplePush } from '../../src/samples/github-push.js';
import type { Store } from '../../src/store/store.js';
import { example } from '../helpers/examples.js';
import { githubHook, testStore } from '../helpers/store.js';
import { recordingNotifier } from '../helpers/recording-notifier.js';
import { createTestLogger } from '../helpers/test-logger.js';

describe('quiet hours in the pipeline', () => {
  let store: Store;
  let close: () => void;
  let pipeline: Pipeline;
  let now: number;
  const notifier = recordingNotifier();

  beforeEach(async () => {
    now = Date.parse('2026-01-15T21:30:00Z'); // 22:30 in Berlin
    notifier.clear();
    ({ store, close } = testStore());
    await githubHook(store, {
      quietHours: { from: '22:00', to: '07:00', tz: 'Europe/Berlin' },
      alertRules: [{ expr: "branch == 'main'" }],
    });
    pipeline = createPipeline({ store, clock: { now: () => now }, log: createTestLogger().log, metrics: createMetrics(), notifier });
  });
  afterEach(async () => {
    await pipeline.stop();
    close();
  });

  const push = async (id: string, branch: string) => {
    const p = samplePush('acme/api');
    p.ref = `refs/heads/${branch}`;
    await store.insertEvent({ hookId: 'hook_001', deliveryId: id, eventType: 'push', payload: JSON.stringify(p), receivedAt: new Date(now).toISOString() });
  };

  it('holds the window\'s events (failures too) and posts them as one digest when it ends; alerts are not held', async () => {
    await push('a', 'dev');
    now += 3 * 3_600_000; // 01:30
    await push('b', 'feature');
    await push('c', 'main');
    const failed = example('workflow_run', (x) => x.action === 'completed');
    failed.workflow_run.conclusion = 'failure';
    await store.insertEvent({ hookId: 'hook_001', deliveryId: 'f', eventType: 'workflow_run', payload: JSON.stringify(failed), receivedAt: new Date(now).toISOString() });
    await pipeline.drain();
    // Only the alert-if rule's alert, at once.
    expect(notifier.texts()).toHaveLength(1);
    expect(notifier.texts()[0]).toContain('⚡');
    expect((await store.latestEvent('hook_001'))!.outcome).toBe('aggregated: quiet hours, digest at 2026-01-16T06:00:00.000Z'); // the failure

    now = Date.parse('2026-01-16T05:59:00Z');
    await pipeline.drain();
    expect(notifier.posted).toHaveLength(1);
    now = Date.parse('2026-01-16T06:00:00Z'); // 07:00 in Berlin
    await pipeline.drain();
    expect(notifier.posted).toHaveLength(2);
    expect(notifier.posted[1].embeds![0].title).toBe('📊 GitHub Activity (last 9h) — 4 events');
    expect(notifier.posted[1].embeds![0].description).toContain('**Pushes**: 3 (dev, feature, main)');
    expect(notifier.posted[1].embeds![0].description).toContain('**Workflow runs**: 1 failed');

    // After the window: one message per event again.
    await push('d', 'main');
    await pipeline.drain();
    expect(notifier.posted.slice(2).map((m) => m.embeds?.[0]?.title ?? m.content)).toContain('[acme/api:main] 2 new commits');
  });
});
