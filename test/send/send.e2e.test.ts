import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSend, type SendResult } from '../../src/send/cli.js';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { jenkinsNotification } from '../fixtures/ci-payloads.js';
import { startHookbot } from '../helpers/start-hookbot.js';

const ROOT = join(import.meta.dirname, '..', '..');
const STRIPE_SECRET = 'whsec_stripe_endpoint_secret_for_tests';
const SLACK_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';

/** Runs the CLI function as `hookbot send …` would, capturing its output. */
async function send(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSend(argv, { env, out: (l) => out.push(l), err: (l) => err.push(l) });
  const json = argv.includes('--json') && out.length ? JSON.parse(out.at(-1)!) as SendResult : undefined;
  return { code, out: out.join('\n'), err: err.join('\n'), json };
}

describe('hookbot send against a running hookbot and the Discord stand-in', () => {
  let discord: FakeDiscord;
  let started: Awaited<ReturnType<typeof startHookbot>>;
  const dir = mkdtempSync(join(tmpdir(), 'hookbot-send-'));

  beforeAll(async () => {
    discord = await new FakeDiscord().start();
    started = await startHookbot(discord);
  });
  afterAll(async () => {
    await started?.bot.stop();
    await discord?.stop();
  });

  /** Creates a hook from chat as an admin; its id from the reply and, when hookbot made one, the secret from the DM. */
  async function createHook(command: string, channel: string = IDS.channel): Promise<{ url: string; secret: string }> {
    const dmsBefore = discord.dms.length;
    const said = discord.userSays(IDS.admin, command, channel);
    const reply = await discord.waitFor(() => discord.repliesTo(said, channel)[0]);
    const id = /hook_\d+/.exec(JSON.stringify(reply.body))![0];
    const service = command.split(' ')[1];
    const providerIssued = /--verify (stripe|slack)/.test(command);
    const secret = providerIssued ? '' : /```\n(.+)\n```/.exec((await discord.waitFor(() => discord.dms[dmsBefore])).body.content)![1];
    return { url: `${started.base}/webhook/${service}/${id}`, secret };
  }
  /** Sets a provider-issued secret (Stripe, Slack) the way a user does. */
  async function setSecret(url: string, secret: string, channel: string = IDS.channel) {
    const id = url.split('/').at(-1)!;
    discord.userSays(IDS.admin, `!hook ${id} secret ${secret}`, channel);
    await discord.waitFor(() => discord.channelMessages(channel).find((m) => String(m.body.content).includes('updated') && String(m.body.content).includes(id)));
  }
  const posted = (text: string, channel: string = IDS.channel) =>
    discord.waitFor(() => discord.channelMessages(channel).find((m) => !m.body.message_reference && JSON.stringify(m.body).includes(text)));

  it('github: signs the push sample as GitHub does; 202 and the push reaches the channel; the API\'s 404 is one line', async () => {
    const { url, secret } = await createHook('!hook github on');
    const r = await send([url, '--secret-env', 'GH_SECRET'], { GH_SECRET: secret, ADMIN_TOKEN: 'admin-token-for-tests' });
    expect(r.code).toBe(0);
    expect(r.out).toContain('← 202');
    expect(r.out).toContain('github (from the URL) · event push · sample github-push');
    const apiLines = r.out.split('\n').filter((l) => l.startsWith('outcome:'));
    expect(apiLines).toHaveLength(1);
    expect(apiLines[0]).toMatch(/^outcome: not available — the HTTP API answered 404: /);
    expect(r.out + r.err).not.toContain(secret);
    const m = await posted('[octo-org/hello-world:main] 2 new commits');
    expect(JSON.stringify(m.body.embeds[0].fields)).toContain('Fix token refresh race (#41)');
  });

  it('github: the same --delivery twice is a duplicate (200); a wrong secret is 401 with a hint and exit code 1', async () => {
    const { url, secret } = await createHook('!hook github on', IDS.otherChannel);
    const first = await send([url, '--secret', secret, '--delivery', 'redelivery-1', '--json']);
    const again = await send([url, '--secret', secret, '--delivery', 'redelivery-1', '--json']);
    expect([first.code, again.code]).toEqual([0, 0]);
    expect(first.json!.response).toMatchObject({ status: 202, body: { status: 'stored' } });
    expect(again.json!.response).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    expect(first.json!.request).toMatchObject({ scheme: 'github', event: 'push', delivery_id: 'redelivery-1' });
    expect(first.json!.api).toEqual({ status: 'skipped', message: expect.stringContaining('ADMIN_TOKEN') });

    const wrong = await send([url, '--secret', 'not-the-secret']);
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('← 401');
    expect(wrong.out).toContain('signature does not match');
    expect(wrong.err).toMatch(/hint: the hook refused the signature or token; signed as github/);
  });

  it('ci: GitLab pipeline, CircleCI workflow and a Jenkins notification (token) each reach the channel', async () => {
    const { url, secret } = await createHook('!hook ci on');
    const env = { CI_SECRET: secret };
    const gitlab = await send([url, '--secret-env', 'CI_SECRET', '--json'], env);
    expect(gitlab.json!.request).toMatchObject({ scheme: 'gitlab', event: 'Pipeline Hook', payload: 'sample gitlab-pipeline' });
    expect(gitlab.json!.response).toMatchObject({ status: 202 });
    await posted('hookbot/sample-app');

    const circle = await send([url, '--secret-env', 'CI_SECRET', '--sample', 'circleci-workflow-completed', '--json'], env);
    expect(circle.json!.request).toMatchObject({ scheme: 'circleci', event: 'workflow-completed' });
    expect(circle.json!.response).toMatchObject({ status: 202 });
    await posted('webhook-service');

    const file = join(dir, 'jenkins.json');
    writeFileSync(file, JSON.stringify(jenkinsNotification({ phase: 'COMPLETED', status: 'FAILURE', duration: 42_000 })));
    const jenkins = await send([url, '--secret-env', 'CI_SECRET', '--payload', file, '--json'], env);
    expect(jenkins.json!.request).toMatchObject({ scheme: 'token', payload: `file ${file}` });
    expect(jenkins.json!.response).toMatchObject({ status: 202 });
    await posted('asgard');
  });

  it('custom: Stripe, Slack and Standard Webhooks samples, signed with the provider\'s secret, reach the channel', async () => {
    const stripe = await createHook('!hook custom --verify stripe', IDS.otherChannel);
    await setSecret(stripe.url, STRIPE_SECRET, IDS.otherChannel);
    const s = await send([stripe.url, '--secret-env', 'STRIPE_WEBHOOK_SECRET', '--sample', 'stripe-payment-succeeded'], { STRIPE_WEBHOOK_SECRET: STRIPE_SECRET });
    expect(s.code).toBe(0);
    expect(s.out).toContain('← 202');
    await posted('payment_intent.succeeded — 49.99 USD', IDS.otherChannel);

    const slack = await createHook('!hook custom --verify slack', IDS.otherChannel);
    await setSecret(slack.url, SLACK_SECRET, IDS.otherChannel);
    expect((await send([slack.url, '--secret', SLACK_SECRET, '--sample', 'slack-app-mention'])).code).toBe(0);
    await posted('is the deploy to production done?', IDS.otherChannel);

    const standard = await createHook('!hook custom --verify standard', IDS.otherChannel);
    expect(standard.secret).toMatch(/^whsec_/);
    const r = await send([standard.url, '--secret', standard.secret, '--sample', 'standard-event', '--json']);
    expect(r.json!.request).toMatchObject({ scheme: 'standard', delivery_id: expect.stringMatching(/^msg_/) });
    expect(r.json!.response).toMatchObject({ status: 202 });
    await posted('invoice.paid', IDS.otherChannel);
  });

  it('custom: hmac and token hooks take a payload file with --event', async () => {
    const file = join(dir, 'deploy.json');
    writeFileSync(file, JSON.stringify({ title: 'Deploy finished', message: 'api v2.4.1 is live', status: 'success', service: 'api' }));
    const hmac = await createHook('!hook custom');
    expect((await send([hmac.url, '--secret', hmac.secret, '--payload', file])).code).toBe(0);
    await posted('api v2.4.1 is live');

    const token = await createHook('!hook custom --verify token');
    const t = await send([token.url, '--scheme', 'token', '--token-header', 'x-hook-token', '--secret', token.secret, '--payload', file, '--event', 'deploy', '--json']);
    expect(t.json!.response).toMatchObject({ status: 202 });
    await discord.waitFor(() => discord.channelMessages().filter((m) => JSON.stringify(m.body).includes('api v2.4.1 is live')).length === 2);
  });

  it('the bin entry: `hookbot send` reads --secret-env from its environment; bad arguments exit 2 saying what is wrong', async () => {
    const { url, secret } = await createHook('!hook custom');
    const run = promisify(execFile);
    const env = { PATH: process.env.PATH!, HOOK_SECRET: secret };
    const ok = await run(process.execPath, [join(ROOT, 'bin/hookbot.mjs'), 'send', url, '--secret-env', 'HOOK_SECRET'], { env, cwd: ROOT });
    expect(ok.stdout).toContain('← 202');
    expect(ok.stdout).toContain('(set ADMIN_TOKEN to see the delivery\'s outcome and its Discord message)');
    await posted('High error rate on checkout');
    await expect(run(process.execPath, [join(ROOT, 'bin/hookbot.mjs'), 'send', url, '--scheme', 'rot13'], { env, cwd: ROOT }))
      .rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('hookbot send: unknown --scheme rot13; valid: github') });
  });
});

describe('hookbot send: the outcome from a running hookbot\'s HTTP API', () => {
  let discord: FakeDiscord;
  let started: Awaited<ReturnType<typeof startHookbot>>;
  const ADMIN_TOKEN = 'admin-token-for-send-tests-0123456789';

  beforeAll(async () => {
    discord = await new FakeDiscord().start();
    started = await startHookbot(discord, { ADMIN_TOKEN });
  });
  afterAll(async () => {
    await started?.bot.stop();
    await discord?.stop();
  });

  it('prints the delivery\'s outcome and the link of the Discord message it made', async () => {
    const said = discord.userSays(IDS.admin, '!hook github on');
    const reply = await discord.waitFor(() => discord.repliesTo(said)[0]);
    const id = /hook_\d+/.exec(JSON.stringify(reply.body))![0];
    const secret = /```\n(.+)\n```/.exec((await discord.waitFor(() => discord.dms[0])).body.content)![1];
    const out: string[] = [];
    const code = await runSend([`${started.base}/webhook/github/${id}`, '--secret-env', 'S', '--json'], {
      env: { S: secret, ADMIN_TOKEN }, out: (l) => out.push(l), err: (l) => out.push(l),
    });
    expect(code).toBe(0);
    const r = JSON.parse(out.at(-1)!) as SendResult;
    const message = discord.channelMessages().find((m) => m.body.embeds?.[0]?.title === '[octo-org/hello-world:main] 2 new commits')!;
    expect(message).toBeDefined();
    expect(r.api).toEqual({ status: 'done' });
    expect(r.delivery).toMatchObject({
      outcome: 'posted', messages: [{ url: `https://discord.com/channels/${IDS.guild}/${IDS.channel}/${message.id}`, state: 'sent' }],
    });
  });
});
