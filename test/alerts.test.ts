import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runChatCommand, type CommandContext } from '../commands/index.js';
import { toCel } from '../src/alerts/expression.js';
import { createMetrics } from '../src/metrics.js';
import { createPipeline, type Pipeline } from '../src/pipeline.js';
import type { Store } from '../src/store/store.js';
import { example } from './helpers/examples.js';
import { githubHook, testStore } from './helpers/store.js';
import { createTestLogger } from './helpers/test-logger.js';
import { recordingNotifier } from './helpers/recording-notifier.js';
import { gitlabPipeline } from './fixtures/ci-payloads.js';

const AT = '2026-01-01T00:00:00.000Z';
const ROLE = '<@&100000000000000777>';

describe('alert-if expressions', () => {
  it('accepts and/or/not outside string literals', () => {
    expect(toCel("pr.status == 'approved' and pr.reviews >= 2")).toBe("pr.status == 'approved' && pr.reviews >= 2");
    expect(toCel("not pr.draft or title == 'a and b'")).toBe("! pr.draft || title == 'a and b'");
    expect(toCel('pr.and_more')).toBe('pr.and_more');
  });
});

describe('alert-if on a realistic pull request', () => {
  let store: Store;
  let close: () => void;
  let pipeline: Pipeline;
  const notifier = recordingNotifier();
  const posted = notifier.posted;
  let seq = 0;
  const ctx = (): CommandContext => ({
    guildId: '100000000000000001', channelId: '100000000000000002', userId: 'u', canManage: true, prefix: '!hook',
    publicUrl: () => 'https://x', store, clock: { now: () => Date.parse(AT) }, kick: () => {}, newSecret: () => 's', dockerStatus: () => 'down',
  });
  const say = async (line: string) => String((await runChatCommand(line, ctx()))!.reply.content);
  async function deliver(event: string, payload: unknown) {
    await store.insertEvent({ hookId: 'hook_001', deliveryId: `d-${++seq}`, eventType: event, payload: JSON.stringify(payload), receivedAt: AT });
    await pipeline.drain();
  }
  const review = (login: string, state: string) => {
    const r = example('pull_request_review');
    r.review.user.login = login;
    r.review.state = state;
    return r;
  };
  const checks = (conclusion: string) => {
    const c = example('check_suite', (x) => x.action === 'completed');
    c.check_suite.conclusion = conclusion;
    return c;
  };
  const alerts = () => posted.filter((m) => String(m.content ?? '').includes('⚡'));

  beforeEach(async () => {
    notifier.clear();
    ({ store, close } = testStore());
    await githubHook(store);
    pipeline = createPipeline({
      store, clock: { now: () => Date.parse(AT) }, log: createTestLogger().log, metrics: createMetrics(),
      notifier,
    });
    expect(await say(`!hook github alert-if "pr.status == 'approved' and pr.reviews >= 2 and pr.checks == 'passed'" --ping ${ROLE}`)).toContain('alerts when');
  });
  afterEach(async () => {
    await pipeline.stop();
    close();
  });

  it('fires once: opened → approved by two reviewers (one twice) → checks pass', async () => {
    await deliver('pull_request', example('pull_request', (x) => x.action === 'opened'));
    await deliver('pull_request_review', review('alice', 'approved'));
    await deliver('pull_request_review', review('alice', 'approved')); // the same reviewer again counts once
    await deliver('check_suite', checks('success'));
    expect(alerts()).toHaveLength(0);
    await deliver('pull_request_review', review('bob', 'approved'));
    expect(alerts()).toHaveLength(1);
    const alert = alerts()[0];
    expect(alert.content).toContain(ROLE);
    expect(alert.content).toContain('PR #2 Ready to Merge');
    expect(alert.content).toContain('Approvals: 2 ✓ — Checks: All passed ✓');
    expect(alert.allowed_mentions).toEqual({ parse: [], roles: ['100000000000000777'] });
    // Still true on later events: no second alert.
    await deliver('pull_request_review', review('carol', 'commented'));
    await deliver('check_suite', checks('success'));
    expect(alerts()).toHaveLength(1);
    // Ordinary messages never mention anyone.
    for (const m of posted.filter((x) => !String(x.content ?? '').includes('⚡'))) expect(m.allowed_mentions).toEqual({ parse: [] });
  });

  it('changes requested resets, and a later approval fires again', async () => {
    await deliver('pull_request', example('pull_request', (x) => x.action === 'opened'));
    await deliver('check_suite', checks('success'));
    await deliver('pull_request_review', review('alice', 'approved'));
    await deliver('pull_request_review', review('bob', 'approved'));
    expect(alerts()).toHaveLength(1);
    await deliver('pull_request_review', review('bob', 'changes_requested'));
    await deliver('pull_request_review', review('bob', 'approved'));
    expect(alerts()).toHaveLength(2);
  });

  it('failing checks keep it from firing', async () => {
    await deliver('pull_request', example('pull_request', (x) => x.action === 'opened'));
    await deliver('check_suite', checks('failure'));
    await deliver('pull_request_review', review('alice', 'approved'));
    await deliver('pull_request_review', review('bob', 'approved'));
    expect(alerts()).toHaveLength(0);
  });

  it('refuses syntax errors and unknown variables at alert-if time, lists and removes rules', async () => {
    expect(await say('!hook github alert-if "pr.reviews >="')).toContain('syntax error');
    expect(await say('!hook github alert-if "prr.reviews >= 2"')).toContain('Unknown variable: prr');
    expect(await say('!hook github alert-if "pr.reveiws >= 2"')).toContain('reveiws');
    expect(await say('!hook github alert-if "pr.constructor"')).toContain('refused');
    expect(await say('!hook github alert-if "pr.reviews" --ping everyone')).toContain('--ping takes a role or user mention');
    const list = await say('!hook github alert-if');
    expect(list).toContain("1. `pr.status == 'approved'");
    expect(await say('!hook github alert-if remove 1')).toContain('Removed rule 1');
    expect(await say('!hook github alert-if')).toContain('no alert rules');
  });
});

describe('alert-if on custom JSON', () => {
  it('fires when a payload value crosses the line, once per transition', async () => {
    const { store, close } = testStore();
    const notifier = recordingNotifier();
    const posted = notifier.posted;
    const hook = await store.createHook({
      guildId: 'g', channelId: 'c', userId: 'u', service: 'custom', secret: 's', verify: 'none', events: ['*'], filters: {},
      templates: {}, enabled: true, createdAt: AT, alertRules: [{ expr: 'payload.cpu > 90 and payload.host == "db-1"' }],
    });
    const pipeline = createPipeline({
      store, clock: { now: () => Date.parse(AT) }, log: createTestLogger().log, metrics: createMetrics(),
      notifier,
    });
    let n = 0;
    for (const cpu of [50, 95, 97, 40, 99]) {
      await store.insertEvent({ hookId: hook.id, deliveryId: `d${n++}`, eventType: 'metric', payload: JSON.stringify({ event: 'cpu', host: 'db-1', cpu }), receivedAt: AT });
      await pipeline.drain();
    }
    expect(posted.filter((m) => String(m.content ?? '').includes('⚡'))).toHaveLength(2);
    await pipeline.stop();
    close();
  });
});

describe('alert-if on CI pipelines', () => {
  it('ci.* variables; fires once per run that fails on main, with the role pinged', async () => {
    const { store, close } = testStore();
    const notifier = recordingNotifier();
    const posted = notifier.posted;
    const hook = await store.createHook({
      guildId: 'g', channelId: 'c', userId: 'u', service: 'ci', secret: 's', verify: 'ci', events: ['*'], filters: {},
      templates: {}, enabled: true, createdAt: AT, alertRules: [{ expr: "ci.status == 'failed' and branch == 'main' and ci.level == 'pipeline'", ping: ROLE }],
    });
    const pipeline = createPipeline({
      store, clock: { now: () => Date.parse(AT) }, log: createTestLogger().log, metrics: createMetrics(),
      notifier,
    });
    let n = 0;
    const send = async (type: string, payload: unknown) => {
      await store.insertEvent({ hookId: hook.id, deliveryId: `d${n++}`, eventType: type, payload: JSON.stringify(payload), receivedAt: AT });
      await pipeline.drain();
    };
    await send('Pipeline Hook', gitlabPipeline({ id: 1, status: 'failed' }));
    await send('Pipeline Hook', gitlabPipeline({ id: 1, status: 'failed' })); // the same run again: no second alert
    await send('Pipeline Hook', gitlabPipeline({ id: 2, status: 'failed', ref: 'feature' }));
    await send('Pipeline Hook', gitlabPipeline({ id: 3, status: 'success' }));
    await send('Pipeline Hook', gitlabPipeline({ id: 4, status: 'failed' }));
    const alerts = posted.filter((m) => String(m.content ?? '').includes('⚡'));
    expect(alerts).toHaveLength(2);
    expect(alerts[0].content).toContain(ROLE);
    expect(alerts[0].allowed_mentions).toEqual({ parse: [], roles: ['100000000000000777'] });
    await pipeline.stop();
    close();
  });
});
