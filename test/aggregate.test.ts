import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runChatCommand, type CommandContext } from '../commands/index.js';
import { parseWindow } from '../commands/aggregate.js';
import { digestItem, formatDigest } from '../formatters/digest.js';
import { parseCi } from '../parsers/ci.js';
import { trackCi } from '../src/ci/tracker.js';
import { ciRunView } from '../src/ci/run-view.js';
import { ciView } from '../formatters/ci.js';
import { gitlabPipeline } from './fixtures/ci-payloads.js';
import { parseDocker } from '../parsers/docker.js';
import { parseGithub } from '../parsers/github.js';
import { parseCustom } from '../parsers/custom.js';
import { createMetrics } from '../src/metrics.js';
import { createPipeline, type Pipeline } from '../src/pipeline.js';
import { samplePush } from '../src/samples/github-push.js';
import { sampleDockerDie } from '../src/samples/docker-die.js';
import type { Store } from '../src/store/store.js';
import { expectWithinDiscordLimits } from './helpers/discord-limits.js';
import { example } from './helpers/examples.js';
import { githubHook, testStore } from './helpers/store.js';
import { tempDbPath } from './helpers/start-hookbot.js';
import { createTestLogger } from './helpers/test-logger.js';
import { recordingNotifier } from './helpers/recording-notifier.js';

const AT = '2026-01-01T00:00:00.000Z';

describe('digest layouts', () => {
  it('GitHub: pushes with branches, PRs and issues by action, important links first', () => {
    const push = (branch: string) => { const p = samplePush('acme/api'); p.ref = `refs/heads/${branch}`; return parseGithub('push', p, AT); };
    const prOpened = parseGithub('pull_request', example('pull_request', (x) => x.action === 'opened'), AT);
    const prSync = parseGithub('pull_request', example('pull_request', (x) => x.action === 'synchronize'), AT);
    const closed = parseGithub('issues', { ...example('issues', (x) => x.action === 'opened'), action: 'closed' }, AT);
    const failedRun = example('workflow_run', (x) => x.action === 'completed');
    failedRun.workflow_run.conclusion = 'failure';
    const items = [push('main'), push('feature-oauth'), push('main'), prOpened, prSync, prSync, closed, closed,
      parseGithub('workflow_run', failedRun, AT)].map(digestItem);
    const msg = formatDigest(items, { windowSeconds: 300 });
    const e = msg.embeds![0];
    expect(e.title).toBe('📊 GitHub Activity (last 5m) — 9 events');
    expect(e.description).toContain('**Pushes**: 3 (main, feature-oauth)');
    expect(e.description).toContain('**PRs**: 1 opened, 2 updated');
    expect(e.description).toContain('**Issues**: 2 closed');
    expect(e.description).toContain('**Workflow runs**: 1 failed');
    expect(e.description!.split('\n').find((l) => l.startsWith('• '))).toContain('❌'); // the failure is listed first
    expect(e.description).toContain('+1 more');
  });

  it('Docker: starts and crashes per container', () => {
    const die = parseDocker(sampleDockerDie(Date.parse(AT)), AT);
    const start = parseDocker({ ...sampleDockerDie(Date.parse(AT)), event: { ...sampleDockerDie(Date.parse(AT)).event, Action: 'start', status: 'start' } }, AT);
    const msg = formatDigest([start, die, start, die].map(digestItem), { windowSeconds: 600, late: true });
    expect(msg.embeds![0].title).toBe('📊 Docker Activity (last 10m) — 4 events');
    expect(msg.embeds![0].description).toContain('**shop-web-1**: 2 starts, 2 crashes');
    expect(msg.embeds![0].footer!.text).toContain('Posted late');
  });

  it('CI: pipeline outcomes counted, branches named, failures linked first', () => {
    const view = (id: number, status: string, ref: string) => {
      const { run } = trackCi(undefined, parseCi('Pipeline Hook', gitlabPipeline({ id, status, ref }), AT), undefined);
      return ciView(ciRunView(run), status === 'failed' ? 'broken' : 'passed', AT);
    };
    const items = [view(1, 'success', 'main'), view(2, 'failed', 'feature'), view(3, 'success', 'main')].map(digestItem);
    const msg = formatDigest(items, { windowSeconds: 900 });
    expect(msg.embeds![0].title).toBe('📊 CI Activity (last 15m) — 3 events');
    expect(msg.embeds![0].description).toContain('**Pipelines**: 2 passed, 1 failed');
    expect(msg.embeds![0].description).toContain('**Branches**: main, feature');
    expect(msg.embeds![0].description!.split('\n').find((l) => l.startsWith('• '))).toContain('❌ Broken — acme/shop · feature');
  });

  it('custom: counts per event type; a huge window stays within limits', () => {
    const items = Array.from({ length: 500 }, (_, i) => digestItem(parseCustom('event', { event: `type-${i % 7}`, url: `https://x.test/${i}` }, AT)));
    const msg = formatDigest(items, { windowSeconds: 3600 });
    expect(msg.embeds![0].description).toContain('72 type-0');
    expect(msg.embeds![0].description).toContain('+492 more');
    expectWithinDiscordLimits(msg);
  });

  it('parses windows from 30s to 24h', () => {
    expect(parseWindow('5m')).toBe(300);
    expect(parseWindow('30s')).toBe(30);
    expect(parseWindow('24h')).toBe(86400);
    expect(parseWindow('5 minutes')).toBeNull();
  });
});

describe('aggregation windows', () => {
  let store: Store;
  let close: () => void;
  let pipeline: Pipeline;
  let now: number;
  let dbPath: string;
  const notifier = recordingNotifier();
  const posted = notifier.posted;
  const build = () => createPipeline({
    store, clock: { now: () => now }, log: createTestLogger().log, metrics: createMetrics(), notifier,
  });
  const ctx = (): CommandContext => ({
    guildId: '100000000000000001', channelId: '100000000000000002', userId: 'u', canManage: true, prefix: '!hook',
    publicUrl: () => 'https://x', store, clock: { now: () => now }, kick: () => {}, newSecret: () => 's', dockerStatus: () => 'down',
  });
  const push = async (id: string, branch = 'main', failed = false) => {
    if (failed) {
      const run = example('workflow_run', (x) => x.action === 'completed');
      run.workflow_run.conclusion = 'failure';
      await store.insertEvent({ hookId: 'hook_001', deliveryId: id, eventType: 'workflow_run', payload: JSON.stringify(run), receivedAt: new Date(now).toISOString() });
      return;
    }
    const p = samplePush('acme/api');
    p.ref = `refs/heads/${branch}`;
    await store.insertEvent({ hookId: 'hook_001', deliveryId: id, eventType: 'push', payload: JSON.stringify(p), receivedAt: new Date(now).toISOString() });
  };

  beforeEach(async () => {
    now = Date.parse('2026-01-01T10:00:00Z');
    notifier.clear();
    dbPath = tempDbPath();
    ({ store, close } = testStore(dbPath));
    await githubHook(store);
    pipeline = build();
    const r = await runChatCommand('!hook github aggregate 5m', ctx());
    expect(r!.reply.content).toContain('one digest every **5m**');
  });
  afterEach(async () => {
    await pipeline.stop();
    close();
  });

  it('collects a window into one digest; failures bypass it', async () => {
    await push('a', 'main');
    await push('b', 'dev');
    await push('c', 'main', true);
    await pipeline.drain();
    expect(posted).toHaveLength(1); // the failed workflow run, at once
    expect(posted[0].embeds![0].title).toContain('❌');
    now += 5 * 60_000;
    await pipeline.drain();
    expect(posted).toHaveLength(2);
    expect(posted[1].embeds![0].title).toBe('📊 GitHub Activity (last 5m) — 2 events');
    expect(posted[1].embeds![0].description).toContain('**Pushes**: 2 (main, dev)');
    expect(posted[1].embeds![0].footer).toBeUndefined();
  });

  it('keeps a window across a restart and posts it late, saying so', async () => {
    await push('a');
    await pipeline.drain();
    await pipeline.stop();
    close();
    now += 60 * 60_000; // down for an hour
    ({ store, close } = testStore(dbPath));
    pipeline = build();
    await pipeline.drain();
    expect(posted).toHaveLength(1);
    expect(posted[0].embeds![0].footer!.text).toContain('Posted late');
  });

  it('aggregate off goes back to one message per event', async () => {
    await runChatCommand('!hook github aggregate off', ctx());
    await push('a');
    await pipeline.drain();
    expect(posted[0].embeds![0].title).toBe('[acme/api:main] 2 new commits');
    expect((await runChatCommand('!hook github aggregate 2d', ctx()))!.reply.content).toContain('not a window from 30s to 24h');
  });
});
