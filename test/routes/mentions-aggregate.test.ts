import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runChatCommand, type CommandContext } from '../../commands/index.js';
import { hookPatchSchema } from '../../src/hooks/schema.js';
import { routeSettings, routeView } from '../../src/hooks/route-settings.js';
import type { Issue } from '../../src/hooks/settings.js';
import { createMetrics } from '../../src/metrics.js';
import { createPipeline, type Pipeline } from '../../src/pipeline.js';
import { samplePush } from '../../src/samples/github-push.js';
import type { Store } from '../../src/store/store.js';
import { example } from '../helpers/examples.js';
import { tempDbPath } from '../helpers/start-hookbot.js';
import { githubHook, testStore } from '../helpers/store.js';
import { recordingNotifier } from '../helpers/recording-notifier.js';
import { createTestLogger } from '../helpers/test-logger.js';

const HOOK_CH = '100000000000000002';
const RELEASES = '100000000000000003';
const DEV = '100000000000000004';
const ONCALL = '100000000000000021';

describe('a route\'s mentions and its own digest window, through the pipeline', () => {
  let store: Store;
  let close: () => void;
  let pipeline: Pipeline;
  let now: number;
  const notifier = recordingNotifier();
  const ctx = (): CommandContext => ({
    guildId: '100000000000000001', channelId: HOOK_CH, userId: 'u', canManage: true, prefix: '!hook',
    publicUrl: () => 'https://x', store, clock: { now: () => now }, kick: () => {}, newSecret: () => 's', dockerStatus: () => 'down',
  });
  const say = async (line: string) => String((await runChatCommand(line, ctx()))!.reply.content);
  let n = 0;
  const deliver = async (eventType: string, payload: unknown) => {
    await store.insertEvent({ hookId: 'hook_001', deliveryId: `d${++n}`, eventType, payload: JSON.stringify(payload), receivedAt: new Date(now).toISOString() });
  };
  const push = (branch: string) => { const p = samplePush('acme/api'); p.ref = `refs/heads/${branch}`; return deliver('push', p); };
  const release = (tag: string) => { const p = example('release', (x) => x.action === 'published'); p.release.tag_name = tag; return deliver('release', p); };
  const failedRun = () => {
    const run = example('workflow_run', (x) => x.action === 'completed');
    run.workflow_run.conclusion = 'failure';
    return deliver('workflow_run', run);
  };
  /** Posts as [channel, the body], in order. */
  const posts = () => notifier.posts.map((p, i) => [p.channelId, notifier.posted[i]] as const);

  beforeEach(async () => {
    now = Date.parse('2026-01-01T10:00:00Z');
    n = 0;
    notifier.clear();
    ({ store, close } = testStore(tempDbPath()));
    await githubHook(store);
    pipeline = createPipeline({ store, clock: { now: () => now }, log: createTestLogger().log, metrics: createMetrics(), notifier });
  });
  afterEach(async () => {
    await pipeline.stop();
    close();
  });

  it('a route with --ping mentions exactly that role, and its messages are never packed together', async () => {
    const reply = await say(`!hook github route add "event=release" <#${RELEASES}> --ping <@&${ONCALL}>`);
    expect(reply).toContain(`go to <#${RELEASES}> pinging <@&${ONCALL}>`);
    expect(reply).toContain(`pings <@&${ONCALL}>`); // the list
    await release('v1.0.0');
    await release('v1.0.1'); // a backlog in one channel: unmentioned rows would be packed into one message
    await push('main');
    await pipeline.drain();
    const toReleases = posts().filter(([ch]) => ch === RELEASES).map(([, b]) => b);
    expect(toReleases).toHaveLength(2);
    for (const body of toReleases) {
      expect(body.content!.startsWith(`<@&${ONCALL}>`)).toBe(true);
      expect(body.allowed_mentions).toEqual({ parse: [], roles: [ONCALL] });
      expect(body.embeds?.[0]?.title).toContain('v1.0.');
    }
    const toHook = posts().filter(([ch]) => ch === HOOK_CH).map(([, b]) => b);
    expect(toHook.map((b) => b.embeds?.[0]?.title)).toEqual(['[acme/api:main] 2 new commits']);
    expect(toHook[0].allowed_mentions).toEqual({ parse: [] });
  });

  it('a route with --aggregate posts one digest in its channel when its window closes; failures bypass it', async () => {
    expect(await say(`!hook github route add "event=*" <#${DEV}> --aggregate 5m`)).toContain('as one digest every **5m**');
    await push('main');
    await push('dev');
    await failedRun();
    await pipeline.drain();
    expect(posts().map(([ch, b]) => [ch, b.embeds?.[0]?.title?.slice(0, 1)])).toEqual([[DEV, '❌']]); // the failure, at once
    now += 4 * 60_000;
    await push('feature');
    await pipeline.drain();
    expect(posts()).toHaveLength(1); // still within the window
    now += 60_000;
    await pipeline.drain();
    expect(posts()).toHaveLength(2);
    const [ch, digest] = posts()[1];
    expect(ch).toBe(DEV);
    expect(digest.embeds![0].title).toBe('📊 GitHub Activity (last 5m) — 3 events');
    expect(digest.embeds![0].description).toContain('**Pushes**: 3 (main, dev, feature)');
    expect(posts().some(([c]) => c === HOOK_CH)).toBe(false);
    await pipeline.drain();
    expect(posts()).toHaveLength(2); // posted once
  });

  it('keeps a route\'s window apart from the hook\'s own: one digest per channel, the route\'s with its ping', async () => {
    await say('!hook github aggregate 5m');
    await say(`!hook github route add "event=push" <#${DEV}> --aggregate 10m --ping <@${ONCALL}>`);
    await push('main');
    await push('dev');
    await release('v2.0.0'); // no route: the hook's own digest
    await pipeline.drain();
    expect(posts()).toEqual([]);
    now += 5 * 60_000;
    await pipeline.drain();
    expect(posts().map(([c]) => c)).toEqual([HOOK_CH]); // the hook's window closed; the route's has not
    expect(posts()[0][1].embeds![0].title).toMatch(/^📊 GitHub Activity \(last 5m\) — 1 event/);
    expect(posts()[0][1].content).toBeUndefined();
    now += 5 * 60_000;
    await pipeline.drain();
    expect(posts()).toHaveLength(2);
    const [ch, digest] = posts()[1];
    expect(ch).toBe(DEV);
    expect(digest.embeds![0].title).toBe('📊 GitHub Activity (last 10m) — 2 events');
    expect(digest.content).toBe(`<@${ONCALL}>`);
    expect(digest.allowed_mentions).toEqual({ parse: [], users: [ONCALL] });
  });
});

describe('the mentions and aggregate of a route, as set', () => {
  const settle = async (routes: unknown) => {
    const parsed = hookPatchSchema.safeParse({ routes });
    if (!parsed.success) return { schema: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
    const issues: Issue[] = [];
    const out = await routeSettings({}, 'github', parsed.data, { channelId: HOOK_CH, routes: [] }, issues);
    return { out, issues };
  };

  it('stores them and shows them as written', async () => {
    const r = await settle([{ match: { event: 'release' }, channel: RELEASES, mentions: [`<@&${ONCALL}>`, `<@!${DEV}>`], aggregate: '5m' }]);
    expect(r.issues).toEqual([]);
    expect(r.out?.routes).toEqual([{ match: { event: '=release' }, channelId: RELEASES, mentions: [`<@&${ONCALL}>`, `<@${DEV}>`], aggregateSeconds: 300 }]);
    expect(routeView(r.out!.routes!)).toEqual([{ match: { event: 'release' }, channel: RELEASES, mentions: [`<@&${ONCALL}>`, `<@${DEV}>`], aggregate: '5m' }]);
  });

  it('refuses @everyone, bad windows and windows out of range, each with its path', async () => {
    expect((await settle([{ match: { event: 'release' }, channel: RELEASES, mentions: ['@everyone'] }])).schema)
      .toEqual(['routes.0.mentions.0: a mention is a role or user like <@&123456789012345678> or <@123456789012345678>']);
    expect((await settle([{ match: { event: 'release' }, channel: RELEASES, aggregate: 'soon' }])).schema?.[0]).toMatch(/^routes\.0\.aggregate: must be a duration/);
    expect((await settle([{ match: { event: 'release' }, channel: RELEASES, aggregate: '2d' }])).issues)
      .toEqual([{ path: ['routes', 0, 'aggregate'], message: '"2d" is not a window from 30s to 24h' }]);
  });
});
