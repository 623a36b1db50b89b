import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { startHookbot } from '../helpers/start-hookbot.js';
import { githubSignature } from '../helpers/sign.js';
import { example } from '../helpers/examples.js';
import { circleJob, circleWorkflow, gitlabJob, gitlabPipeline, jenkinsNotification } from '../fixtures/ci-payloads.js';

describe('!hook ci end to end', () => {
  let discord: FakeDiscord;
  let started: Awaited<ReturnType<typeof startHookbot>>;
  let secret: string;
  let url: string;

  beforeEach(async () => {
    discord = await new FakeDiscord().start();
    started = await startHookbot(discord);
    const id = discord.userSays(IDS.admin, '!hook ci on');
    const setup = await discord.waitFor(() => discord.channelMessages().find((m) => m.body.message_reference?.message_id === id));
    const dm = await discord.waitFor(() => discord.dms.find((d) => d.userId === IDS.admin));
    secret = /```\n(.+)\n```/.exec(dm.body.content)![1];
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const text = JSON.stringify(setup.body);
    expect(text).not.toContain(secret);
    for (const platform of ['GitLab CI', 'GitHub Actions', 'CircleCI', 'Jenkins']) expect(text).toContain(platform);
    expect(text).toContain('https://hooks.example.test/webhook/ci/hook_001');
    expect(text).toContain('Pipeline events');
    url = `${started.base}/webhook/ci/hook_001`;
  });
  afterEach(async () => {
    await started.bot.stop();
    await discord.stop();
  });

  const gitlab = (event: string, payload: unknown, opts: { token?: string; uuid?: string; body?: string } = {}) => fetch(url, {
    method: 'POST', body: opts.body ?? JSON.stringify(payload),
    headers: {
      'content-type': 'application/json', 'x-gitlab-event': event, 'x-gitlab-token': opts.token ?? secret,
      'x-gitlab-event-uuid': opts.uuid ?? crypto.randomUUID(), 'user-agent': 'GitLab/17.0.0',
    },
  });
  const circle = (payload: any, opts: { key?: string; body?: string } = {}) => {
    const body = opts.body ?? JSON.stringify(payload);
    return fetch(url, {
      method: 'POST', body,
      headers: {
        'content-type': 'application/json', 'circleci-event-type': payload?.type ?? 'workflow-completed', 'user-agent': 'CircleCI-Webhook/1.0',
        'circleci-signature': `v1=${createHmac('sha256', opts.key ?? secret).update(body).digest('hex')}`,
      },
    });
  };
  const titles = () => discord.channelMessages().filter((m) => !m.body.message_reference).map((m) => m.body.embeds?.[0]?.title ?? m.body.content);

  it('GitLab: one live message edited through the run, the outcome posted on its own; a redelivery is a duplicate', async () => {
    const T = (s: number) => new Date(Date.parse('2024-05-01T09:00:00Z') + s * 1000).toISOString();
    expect((await gitlab('Pipeline Hook', gitlabPipeline({ status: 'pending', builds: [
      { id: 1, stage: 'build', name: 'compile', status: 'created' }, { id: 2, stage: 'test', name: 'unit', status: 'created' },
    ] }))).status).toBe(202);
    await discord.waitFor(() => titles().includes('⚙️ Pipeline #3 started — acme/shop'));
    const live = discord.channelMessages().find((m) => m.body.embeds?.[0]?.title === '⚙️ Pipeline #3 started — acme/shop')!;
    await gitlab('Job Hook', gitlabJob({ id: 1, stage: 'build', name: 'compile', status: 'success', started_at: T(0), finished_at: T(62), duration: 62 }));
    await discord.waitFor(() => discord.edits.some((e) => String(e.body.embeds?.[0]?.description).includes('Stage **build** passed in 1m 2s — next: **test**')));
    expect(discord.edits.every((e) => e.messageId === live.id)).toBe(true);
    const uuid = crypto.randomUUID();
    const failed = gitlabPipeline({ status: 'failed', duration: 150, builds: [
      { id: 1, stage: 'build', name: 'compile', status: 'success', started_at: T(0), finished_at: T(62), duration: 62 },
      { id: 2, stage: 'test', name: 'unit', status: 'failed', started_at: T(62), finished_at: T(150), duration: 88, failure_reason: 'script_failure' },
    ] });
    expect((await gitlab('Pipeline Hook', failed, { uuid })).status).toBe(202);
    expect((await gitlab('Pipeline Hook', failed, { uuid })).status).toBe(200);
    const outcome = await discord.waitFor(() => discord.channelMessages().find((m) => m.body.embeds?.[0]?.title === '❌ Pipeline #3 failed — acme/shop · main'));
    expect(outcome.body.embeds[0].description).toContain('Failed in stage **test**, job [**unit**](https://gitlab.example.com/acme/shop/-/jobs/2): script failure');
    await discord.waitFor(() => live.body.embeds[0].title === '❌ Pipeline #3 failed — acme/shop');
    expect(titles().filter((t) => t?.includes('Pipeline #3'))).toHaveLength(2); // started (edited) + outcome
  });

  it('broken → still failing (quiet) → fixed across runs, and filters on normalized fields', async () => {
    const run = (id: number, status: string) => gitlab('Pipeline Hook', gitlabPipeline({ id, status }));
    const outcomes: any[] = [];
    // one run at a time, as CI runs happen (a burst would be packed into fewer messages)
    for (const [id, status] of [[1, 'success'], [2, 'failed'], [3, 'failed'], [4, 'success']] as const) {
      expect((await run(id, status)).status).toBe(202);
      outcomes.push(await discord.waitFor(() => discord.channelMessages().find((m) => !outcomes.includes(m) && /— acme\/shop · main/.test(m.body.embeds?.[0]?.title ?? ''))));
    }
    expect(outcomes.map((m) => m.body.embeds[0].title)).toEqual([
      '✅ Pipeline #3 passed — acme/shop · main', '❌ Broken — acme/shop · main', '🔁 Still failing — acme/shop · main (2 in a row)', '✅ Fixed — acme/shop · main',
    ]);
    expect(outcomes.map((m) => m.body.flags ?? 0)).toEqual([0, 0, 4096, 0]);

    const f = discord.userSays(IDS.admin, '!hook ci filter branch=main status=failed platform=gitlab');
    const ok = await discord.waitFor(() => discord.channelMessages().find((m) => m.body.message_reference?.message_id === f));
    expect(JSON.stringify(ok.body)).not.toMatch(/unknown|not a filter/i);
    const before = discord.visibleEvents().length;
    await run(5, 'success');
    await gitlab('Pipeline Hook', gitlabPipeline({ id: 6, status: 'failed', ref: 'feature' }));
    await run(7, 'failed');
    await run(8, 'failed');
    // events are processed in order: once run 8 is shown, runs 5–7 were decided
    const after = await discord.waitFor(() => {
      const t = discord.visibleEvents().slice(before);
      return t.length >= 2 && t;
    });
    expect(after).toEqual(['❌ Broken — acme/shop · main', '🔁 Still failing — acme/shop · main (2 in a row)']);
  });

  it('GitHub Actions: signed workflow_run and workflow_job deliveries', async () => {
    const send = (event: string, payload: unknown, sig?: string) => {
      const body = JSON.stringify(payload);
      return fetch(url, {
        method: 'POST', body,
        headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': crypto.randomUUID(), 'x-hub-signature-256': sig ?? githubSignature(secret, body) },
      });
    };
    const done = example('workflow_run', (p) => p.action === 'completed' && p.workflow_run.conclusion === 'success');
    expect((await send('workflow_run', done)).status).toBe(202);
    expect((await send('workflow_run', done, githubSignature('wrong', JSON.stringify(done)))).status).toBe(401);
    await discord.waitFor(() => titles().some((t) => t?.startsWith('✅ Pipeline') && t.includes(done.repository.full_name)));
  });

  it('CircleCI: signed job-completed and workflow-completed; dedupe on the payload id', async () => {
    expect((await circle(circleJob({ name: 'build', number: 1, status: 'success' }))).status).toBe(202);
    const wf = circleWorkflow({ status: 'success' });
    expect((await circle(wf)).status).toBe(202);
    expect((await circle(wf)).status).toBe(200);
    await discord.waitFor(() => titles().includes('✅ Pipeline #130 (welcome) passed — circleci/webhook-service · main'));
    // the live message was posted as "started" and edited to its final state
    expect(discord.edits).toHaveLength(1);
    expect(titles()).toEqual(['✅ Pipeline #130 (welcome) passed — circleci/webhook-service', '✅ Pipeline #130 (welcome) passed — circleci/webhook-service · main']);
  });

  it('Jenkins: Notification plugin with ?token=, a pipeline step with X-Hook-Token; a resent phase is a duplicate', async () => {
    const post = (payload: unknown, q = `?token=${secret}`, headers: Record<string, string> = {}) =>
      fetch(`${url}${q}`, { method: 'POST', body: JSON.stringify(payload), headers: { 'content-type': 'application/json', ...headers } });
    expect((await post(jenkinsNotification({ phase: 'STARTED' }))).status).toBe(202);
    expect((await post(jenkinsNotification({ phase: 'COMPLETED', status: 'SUCCESS', duration: 61_000 }))).status).toBe(202);
    expect((await post(jenkinsNotification({ phase: 'COMPLETED', status: 'SUCCESS', duration: 61_000 }))).status).toBe(200);
    expect((await post(jenkinsNotification({ phase: 'FINALIZED', status: 'SUCCESS', duration: 61_000 }))).status).toBe(202);
    expect((await post({ project: 'billing', build: 9, status: 'failed', stage: 'Test', reason: '3 tests failed' }, '', { 'x-hook-token': secret })).status).toBe(202);
    await discord.waitFor(() => titles().includes('❌ Pipeline #9 failing — billing'));
    // STARTED's live message (edited to the outcome), then the outcome; COMPLETED resent and FINALIZED add nothing
    expect(titles().filter((t) => t?.includes('asgard'))).toEqual(['✅ Pipeline #18 passed — asgard', '✅ Pipeline #18 passed — asgard · master']);
  });

  it('wrong secret, wrong scheme and malformed bodies are refused per platform, and store nothing', async () => {
    const pipeline = gitlabPipeline({ status: 'success' });
    expect((await gitlab('Pipeline Hook', pipeline, { token: 'not-the-secret' })).status).toBe(401);
    // GitLab event signed the GitHub way: GitLab's token is missing
    const r = await fetch(url, { method: 'POST', body: JSON.stringify(pipeline), headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Pipeline Hook', 'x-hub-signature-256': githubSignature(secret, JSON.stringify(pipeline)) } });
    expect(r.status).toBe(401);
    expect((await r.json()).error).toMatch(/X-Gitlab-Token/);
    expect((await gitlab('Pipeline Hook', null, { body: '{"object_kind": "pipeline",' })).status).toBe(400);

    expect((await circle(circleWorkflow({ status: 'success' }), { key: 'wrong' })).status).toBe(401);
    const noSig = await fetch(url, { method: 'POST', body: JSON.stringify(circleWorkflow({ status: 'success' })), headers: { 'content-type': 'application/json', 'circleci-event-type': 'workflow-completed' } });
    expect(noSig.status).toBe(401);
    expect((await circle(null, { body: 'not json' })).status).toBe(400);

    // GitHub: signed with another secret, sent with a token instead of a signature, and a signed body that is not JSON
    const run = JSON.stringify(example('workflow_run', (p) => p.action === 'completed'));
    const gh = (body: string, extra: Record<string, string>) => fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-github-event': 'workflow_run', 'x-github-delivery': crypto.randomUUID(), ...extra } });
    expect((await gh(run, { 'x-hub-signature-256': githubSignature('wrong', run) })).status).toBe(401);
    const tokenOnly = await gh(run, { 'x-hook-token': secret });
    expect(tokenOnly.status).toBe(401);
    expect((await tokenOnly.json()).error).toMatch(/X-Hub-Signature-256/);
    expect((await gh('{"action":', { 'x-hub-signature-256': githubSignature(secret, '{"action":') })).status).toBe(400);

    const jenkins = JSON.stringify(jenkinsNotification({ phase: 'STARTED' }));
    expect((await fetch(`${url}?token=wrong`, { method: 'POST', body: jenkins, headers: { 'content-type': 'application/json' } })).status).toBe(401);
    expect((await fetch(url, { method: 'POST', body: jenkins, headers: { 'content-type': 'application/json' } })).status).toBe(401);
    expect((await fetch(url, { method: 'POST', body: jenkins, headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(url, { method: 'POST', body: '[1,2]', headers: { 'content-type': 'application/json', 'x-hook-token': secret } })).status).toBe(400);

    // a valid delivery after the refused ones is the only thing shown (events are processed in order)
    expect((await gitlab('Pipeline Hook', gitlabPipeline({ id: 77, status: 'canceled' }))).status).toBe(202);
    await discord.waitFor(() => titles().length > 0);
    expect(titles()).toEqual(['⏹️ Pipeline #3 canceled — acme/shop · main']);
    expect((await fetch(`${started.base}/webhook/ci/hook_999`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('templates render outcomes; explain speaks of the run; a failing job before the outcome shows on the live message', async () => {
    const say = async (line: string) => {
      const id = discord.userSays(IDS.admin, line);
      return discord.waitFor(() => discord.channelMessages().find((m) => m.body.message_reference?.message_id === id));
    };
    await say('!hook format ci-pipeline "{{transition}}: {{project}}@{{branch}} {{status}} in {{stage}}/{{job}} ({{failure_reason}})"');
    await gitlab('Job Hook', gitlabJob({ id: 8, stage: 'test', name: 'unit', status: 'failed', failure_reason: 'script_failure' }));
    const live = await discord.waitFor(() => discord.channelMessages().find((m) => m.body.embeds?.[0]?.title === '❌ Pipeline failing — acme/shop'));
    expect(live.body.embeds[0].description).toContain('❌ Job **unit** failed: script failure');
    const explained = await say('!hook ci explain');
    expect(explained.body.content).toContain('part of run 31 (running)');
    await gitlab('Pipeline Hook', gitlabPipeline({ status: 'failed', builds: [{ id: 8, stage: 'test', name: 'unit', status: 'failed', failure_reason: 'script_failure' }] }));
    await discord.waitFor(() => discord.channelMessages().find((m) => m.body.content === 'failed: acme/shop@main failed in test/unit (script failure)'));
  });

  it('a restart between the start and the outcome keeps the story: the same live message is edited, the outcome posted once', async () => {
    await gitlab('Pipeline Hook', gitlabPipeline({ status: 'running', builds: [{ id: 1, stage: 'build', name: 'compile', status: 'running' }] }));
    const live = await discord.waitFor(() => discord.channelMessages().find((m) => m.body.embeds?.[0]?.title === '⚙️ Pipeline #3 started — acme/shop'));
    const dbPath = started.config.DATABASE_PATH;
    await started.bot.stop();
    started = await startHookbot(discord, { DATABASE_PATH: dbPath });
    url = `${started.base}/webhook/ci/hook_001`;
    await gitlab('Job Hook', gitlabJob({ id: 1, stage: 'build', name: 'compile', status: 'success', duration: 5 }));
    await gitlab('Pipeline Hook', gitlabPipeline({ status: 'success', duration: 9, builds: [{ id: 1, stage: 'build', name: 'compile', status: 'success', duration: 5 }] }));
    await discord.waitFor(() => titles().includes('✅ Pipeline #3 passed — acme/shop · main'));
    await discord.waitFor(() => live.body.embeds[0].title === '✅ Pipeline #3 passed — acme/shop');
    expect(new Set(discord.edits.map((e) => e.messageId))).toEqual(new Set([live.id]));
    expect(titles().filter((t) => t?.includes('Pipeline #3'))).toHaveLength(2);
  });

  it('a live message someone deleted: its edits fail quietly, the outcome is still posted and the hook stays ok', async () => {
    await gitlab('Pipeline Hook', gitlabPipeline({ status: 'running' }));
    const live = await discord.waitFor(() => discord.channelMessages().find((m) => m.body.embeds?.[0]?.title === '⚙️ Pipeline #3 started — acme/shop'));
    discord.messages.splice(discord.messages.indexOf(live), 1); // deleted in Discord: PATCH answers 404 Unknown Message
    await gitlab('Pipeline Hook', gitlabPipeline({ status: 'failed' }));
    await discord.waitFor(() => titles().includes('❌ Pipeline #3 failed — acme/shop · main'));
    const id = discord.userSays(IDS.admin, '!hook list');
    const list = await discord.waitFor(() => discord.channelMessages().find((m) => m.body.message_reference?.message_id === id));
    expect(JSON.stringify(list.body)).not.toMatch(/failing/i);
    expect(discord.dms.filter((d) => /could not post/.test(d.body.content))).toEqual([]);
  });

  it('!hook test posts a sample failed pipeline', async () => {
    const id = discord.userSays(IDS.admin, '!hook test hook_001');
    await discord.waitFor(() => discord.channelMessages().find((m) => m.body.message_reference?.message_id === id));
    const msg = await discord.waitFor(() => discord.channelMessages().find((m) => m.body.embeds?.[0]?.title === '❌ Pipeline #42 failed — hookbot/sample-app · main'));
    expect(msg.body.embeds[0].description).toContain('Failed in stage **test**, job [**unit**]');
    expect(msg.body.embeds[0].description).toContain('⚠️ Allowed to fail');
  });
});
