import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { samplePush } from '../../src/samples/github-push.js';
import { IDS } from '../fakes/discord.js';
import { example } from '../helpers/examples.js';
import { deliverGithub } from '../helpers/sign.js';
import { ADMIN_TOKEN, browserSkipReason, launchChromium, startWeb, type Web } from './helpers.js';

const skip = browserSkipReason();
if (skip) console.warn(`delivery log browser tests skipped: ${skip}`);

/** A payload that would run script if any of it became markup. */
const HOSTILE = {
  title: '<img src=x onerror="window.__pwned=1;alert(1)">',
  message: '<script>window.__pwned=2;alert(2)</script> and [a link](javascript:alert(3)) **bold**',
  url: 'javascript:alert(4)',
  severity: 'critical',
};

/**
 * The delivery log in a real headless Chromium (Debian's, driven by playwright-core): log in with a one-time link,
 * read the log and a delivery, replay it, and see that hostile payloads stay text.
 */
describe.skipIf(skip)(`delivery log in a browser${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let browser: Browser;
  let web: Web;
  let context: BrowserContext;
  let page: Page;
  let dialogs: string[];
  let hook: { id: string; secret: string };
  let custom: { id: string; secret: string };

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    // Plain-http PUBLIC_URL: the browser talks to loopback over http, where a Secure cookie would not be kept.
    web = await startWeb({ PUBLIC_URL: 'http://127.0.0.1:1' });
    hook = (await web.api('POST', '/hooks', { service: 'github', channel_id: IDS.channel, events: ['push', 'pull_request'] })).body as typeof hook;
    custom = (await web.api('POST', '/hooks', { service: 'custom', channel_id: IDS.channel, verify: 'token' })).body as typeof custom;
    context = await browser.newContext();
    page = await context.newPage();
    dialogs = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });
  afterEach(async () => {
    await context?.close();
    await web?.stop();
  });

  const push = (payload: unknown, opts: { signature?: string | null } = {}) => deliverGithub(`${web.base}/webhook/github/${hook.id}`, hook.secret, 'push', payload, opts);
  const sendCustom = (payload: unknown) => fetch(`${web.base}/webhook/custom/${custom.id}`, {
    method: 'POST', body: JSON.stringify(payload), headers: { 'content-type': 'application/json', authorization: `Bearer ${custom.secret}` },
  });
  const logIn = async (p: Page, link: string) => {
    await p.goto(link);
    await p.getByRole('button', { name: 'Log in', exact: true }).click();
    await p.waitForURL(`${web.base}/ui`);
  };
  const row = (p: Page, id: string) => p.locator(`tr[data-id="${id}"]`);
  const pwned = (p: Page) => p.evaluate(() => (window as unknown as { __pwned?: number }).__pwned);

  it('logs in with a link and lists deliveries newest first with their outcomes, the refused one too', async () => {
    const payload = samplePush('acme/api');
    expect((await push(payload)).status).toBe(202);
    expect((await deliverGithub(`${web.base}/webhook/github/${hook.id}`, hook.secret, 'issues', example('issues', (p) => p.action === 'opened'))).status).toBe(202);
    await web.bot.drain();
    web.discord.failNext(1, 403, { message: 'Missing Permissions', code: 50013 });
    expect((await push(payload)).status).toBe(202);
    expect((await push(payload, { signature: 'sha256=00' })).status).toBe(401);
    await web.bot.drain();
    const [posted] = web.discord.channelMessages().filter((m) => m.body.embeds?.[0]?.title === '[acme/api:main] 2 new commits');

    await logIn(page, await web.loginLink());
    const ids = await page.locator('table.log tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
    expect(ids).toHaveLength(4);
    expect(ids).toContain('rej_1');
    expect(ids.filter((id) => id?.startsWith('evt_'))).toEqual(['evt_3', 'evt_2', 'evt_1']); // newest first
    await expect.poll(() => row(page, 'evt_1').locator('.outcome').textContent()).toBe('posted');
    expect(await row(page, 'evt_1').textContent()).toContain('Fix token refresh race (#41)');
    expect(await row(page, 'evt_1').getByRole('link', { name: 'open in Discord' }).getAttribute('href'))
      .toBe(`https://discord.com/channels/${IDS.guild}/${IDS.channel}/${posted.id}`);
    expect(await row(page, 'evt_2').locator('.outcome').textContent()).toBe('filtered');
    expect(await row(page, 'evt_2').locator('.reason').textContent()).toContain('issues');
    expect(await row(page, 'evt_3').locator('.outcome').textContent()).toBe('failed');
    expect(await row(page, 'evt_3').locator('.reason').textContent()).toContain('Missing Permissions');
    expect(await row(page, 'rej_1').locator('.outcome').textContent()).toBe('rejected 401');
    expect(await row(page, 'rej_1').locator('.reason').textContent()).toContain('X-Hub-Signature-256');

    // Filters are a plain GET form: the same page, fewer rows.
    await page.selectOption('select[name=outcome]', 'rejected');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/outcome=rejected/);
    expect(await page.locator('table.log tbody tr[data-id]').count()).toBe(1);
    // A chart per hook, drawn as SVG on the server.
    expect(await page.locator(`.chart svg rect[fill="#bc4c00"]`).count()).toBeGreaterThan(0);
  });

  // `HOOKBOT_SCREENSHOT=1 npx vitest run test/web/browser.test.ts` redraws docs/delivery-log.png (the README's picture).
  it.runIf(process.env.HOOKBOT_SCREENSHOT)('draws the README screenshot of the log', async () => {
    const ci = (await web.api('POST', '/hooks', { service: 'github', channel_id: IDS.channel, events: ['all'], aggregate: { window: '5m' } })).body as typeof hook;
    const pr = example('pull_request', (p) => p.action === 'opened');
    pr.pull_request.title = 'Add rate limiting to the public API';
    pr.repository.full_name = 'acme/api';
    const send = (h: { id: string; secret: string }, event: string, body: unknown) => deliverGithub(`${web.base}/webhook/github/${h.id}`, h.secret, event, body);
    await push(samplePush('acme/api'));
    await send(hook, 'pull_request', pr);
    await sendCustom({ title: 'High error rate on checkout', message: '5xx at 7.2% over 5 minutes', severity: 'warning', status: 'firing' });
    await send(hook, 'issues', example('issues', (p) => p.action === 'opened'));
    await web.bot.drain();
    web.discord.failNext(1, 403, { message: 'Missing Permissions', code: 50013 });
    await sendCustom({ title: 'Deploy finished', message: 'checkout-api v2.14.0 is live in production', status: 'success' });
    await web.bot.drain();
    await send(ci, 'push', samplePush('acme/web'));
    await push(samplePush('acme/api'), { signature: 'sha256=00' });
    await fetch(`${web.base}/webhook/custom/${custom.id}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    await web.bot.drain();
    await page.setViewportSize({ width: 1360, height: 900 });
    await logIn(page, await web.loginLink());
    await page.screenshot({ path: 'docs/delivery-log.png', fullPage: true });
    await page.goto(`${web.base}/ui/deliveries/evt_1`);
    await page.screenshot({ path: 'docs/delivery-page.png', fullPage: false });
  });

  it('opens a delivery, replays it, and the stand-in receives the new Discord message', async () => {
    expect((await push(samplePush('acme/api'))).status).toBe(202);
    await web.bot.drain();
    const titled = () => web.discord.channelMessages().filter((m) => m.body.embeds?.[0]?.title === '[acme/api:main] 2 new commits');
    expect(titled()).toHaveLength(1);
    await logIn(page, await web.loginLink());
    await row(page, 'evt_1').getByRole('link', { name: 'evt_1' }).click();
    await page.waitForURL(`${web.base}/ui/deliveries/evt_1`);
    expect(await page.locator('.embed .title').first().textContent()).toBe('[acme/api:main] 2 new commits');
    expect(await page.locator('pre.json').textContent()).toContain('"full_name": "acme/api"');
    const headers = await page.locator('table.kv').last().textContent();
    expect(headers).toContain('x-github-event');
    expect(headers).not.toContain('x-hub-signature-256');
    expect(await page.textContent('body')).not.toContain(hook.secret);

    await page.getByRole('button', { name: 'Explain' }).click();
    expect(await page.locator('#explain').textContent()).toContain('kept');

    await page.getByRole('button', { name: 'Replay' }).click();
    await page.waitForURL(`${web.base}/ui/deliveries/evt_2?replay_of=evt_1`);
    expect(await page.getByRole('status').textContent()).toContain('Replay of evt_1 queued as evt_2');
    await web.bot.drain();
    expect(titled()).toHaveLength(2);
    await page.reload();
    expect(await page.locator('dd .outcome').first().textContent()).toBe('posted');
  });

  it('shows a hostile payload as text: no dialog, no script, no javascript: link — also when it arrives live', async () => {
    expect((await sendCustom(HOSTILE)).status).toBe(202);
    await web.bot.drain();
    await logIn(page, await web.loginLink());
    expect(await row(page, 'evt_1').locator('.summary').textContent()).toContain('<img src=x onerror=');

    // The log is open (live); a second hostile delivery arrives and its row appears without a reload.
    await page.waitForFunction(() => document.documentElement.getAttribute('data-live') === 'on');
    expect((await sendCustom({ ...HOSTILE, title: '<svg onload="window.__pwned=3;alert(5)">' })).status).toBe(202);
    await row(page, 'evt_2').waitFor();
    expect(await row(page, 'evt_2').locator('.summary').textContent()).toContain('<svg onload=');

    await page.goto(`${web.base}/ui/deliveries/evt_1`);
    expect(await page.locator('pre.json').textContent()).toContain('<script>window.__pwned=2;alert(2)</script>');
    expect(await page.locator('.dmsg').first().textContent()).toContain('<img src=x onerror=');
    expect(await page.locator('.dmsg strong').first().textContent()).toBe('bold'); // Discord's own markdown is drawn
    const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.filter((h) => /^javascript:/i.test(h))).toEqual([]);
    expect(await page.locator('main img, main script, .dmsg svg[onload]').count()).toBe(0);
    expect(await pwned(page)).toBeUndefined();
    expect(dialogs).toEqual([]);
  });

  it('works without JavaScript: log in, filter, page back, replay', async () => {
    const issue = example('issues', (p) => p.action === 'opened');
    for (let i = 0; i < 52; i++) {
      expect((await deliverGithub(`${web.base}/webhook/github/${hook.id}`, hook.secret, 'issues', issue)).status).toBe(202);
    }
    expect((await push(samplePush('acme/api'))).status).toBe(202);
    await web.bot.drain();
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    try {
      const p = await noJs.newPage();
      await logIn(p, await web.loginLink());
      expect(await p.locator('table.log tbody tr[data-id]').count()).toBe(50);
      expect(await p.locator('table.log tbody tr[data-id]').first().getAttribute('data-id')).toBe('evt_53');
      await p.getByRole('link', { name: 'older →' }).click();
      expect(await p.locator('table.log tbody tr[data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).toEqual(['evt_3', 'evt_2', 'evt_1']);
      expect(await p.getByRole('link', { name: 'older →' }).count()).toBe(0);

      await p.getByRole('link', { name: '← newest' }).click();
      await p.selectOption('select[name=outcome]', 'posted');
      await p.getByRole('button', { name: 'Filter' }).click();
      expect(await p.locator('table.log tbody tr[data-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).toEqual(['evt_53']);
      await row(p, 'evt_53').getByRole('link', { name: 'evt_53' }).click();
      await p.getByRole('button', { name: 'Replay' }).click();
      await p.waitForURL(`${web.base}/ui/deliveries/evt_54?replay_of=evt_53`);
      await web.bot.drain();
      expect(web.discord.channelMessages().filter((m) => m.body.embeds?.[0]?.title === '[acme/api:main] 2 new commits')).toHaveLength(2);
    } finally {
      await noJs.close();
    }
  });

  it('refuses a link used before', async () => {
    const link = await web.loginLink();
    await logIn(page, link);
    const other = await browser.newContext();
    try {
      const second = await other.newPage();
      await second.goto(link);
      await second.getByRole('button', { name: 'Log in', exact: true }).click();
      expect(await second.getByRole('alert').textContent()).toContain('used already');
      await second.goto(`${web.base}/ui`);
      expect(second.url()).toBe(`${web.base}/ui/login`);
    } finally {
      await other.close();
    }
  });

  it('shows one server\'s hooks to its link, never another server\'s (log, delivery page, replay by id)', async () => {
    const foreign = await web.other.createHook({
      guildId: '100000000000000099', channelId: '100000000000000098', userId: IDS.admin, service: 'github', secret: 'foreign-secret-0123456789abcdefghij',
      verify: 'github', events: ['push'], filters: {}, templates: {}, enabled: true, createdAt: new Date().toISOString(),
    });
    expect((await deliverGithub(`${web.base}/webhook/github/${foreign.id}`, foreign.secret, 'push', samplePush('secret/plans'))).status).toBe(202);
    expect((await push(samplePush('acme/api'))).status).toBe(202);
    await web.bot.drain();

    await logIn(page, await web.loginLink());
    const text = await page.textContent('main');
    expect(text).toContain(hook.id);
    expect(text).not.toContain(foreign.id);
    expect(text).not.toContain('secret/plans');
    expect(await page.locator(`select[name=hook] option[value="${foreign.id}"]`).count()).toBe(0);
    await page.goto(`${web.base}/ui?hook=${foreign.id}`);
    expect(await page.textContent('main')).toContain(`there is no hook ${foreign.id} in this server`);
    expect(await page.locator('table.log tbody tr[data-id]').count()).toBe(0);
    const detail = await page.goto(`${web.base}/ui/deliveries/evt_1`);
    expect(detail!.status()).toBe(404);
    expect(await page.textContent('main')).not.toContain('secret/plans');
    // Replay by id with this session's own CSRF token: still not found, and nothing is stored or posted.
    await page.goto(`${web.base}/ui/deliveries/evt_2`);
    const status = await page.evaluate(async () => {
      const csrf = (document.querySelector('input[name=csrf]') as HTMLInputElement).value;
      const r = await fetch('/ui/deliveries/evt_1/replay', { method: 'POST', body: new URLSearchParams({ csrf }), redirect: 'manual' });
      return r.status;
    });
    expect(status).toBe(404);
    expect((await web.api('GET', '/deliveries?limit=10')).body.data).toHaveLength(2);

    // The operator (ADMIN_TOKEN on the login form) sees every server.
    const admin = await browser.newContext();
    try {
      const p = await admin.newPage();
      await p.goto(`${web.base}/ui/login`);
      await p.fill('input[name=admin_token]', ADMIN_TOKEN);
      await p.getByRole('button', { name: 'Log in (every server)' }).click();
      await p.waitForURL(`${web.base}/ui`);
      expect(await p.textContent('main')).toContain(foreign.id);
    } finally {
      await admin.close();
    }
  });
});
