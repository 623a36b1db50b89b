import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { samplePush } from '../../src/samples/github-push.js';
import { hashToken } from '../../src/web/login-token.js';
import { IDS } from '../fakes/discord.js';
import { deliverGithub } from '../helpers/sign.js';
import { ADMIN_TOKEN, csrfOf, httpLogin, startWeb, type Web } from './helpers.js';

/** The delivery log over plain HTTP: headers, cookies, CSRF, the login form's limit, links that work once. */
describe('delivery log (/ui) over HTTP', () => {
  let web: Web;
  beforeEach(async () => {
    web = await startWeb();
  });
  afterEach(async () => {
    await web.stop();
  });

  const get = (path: string, cookie?: string) => fetch(`${web.base}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const post = (path: string, form: Record<string, string>, cookie?: string, headers: Record<string, string> = {}) => fetch(`${web.base}${path}`, {
    method: 'POST', redirect: 'manual', body: new URLSearchParams(form),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}), ...headers },
  });
  const linkToken = async () => new URL(await web.loginLink()).searchParams.get('token')!;

  it('sends the browser to the login form until it has a session, and the live stream answers 401', async () => {
    const page = await get('/ui');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/ui/login');
    expect((await get('/ui/deliveries/evt_1')).status).toBe(303);
    expect((await get('/ui/live')).status).toBe(401);
    expect((await post('/ui/deliveries/evt_1/replay', {})).status).toBe(401);
    const form = await get('/ui/login');
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="admin_token"');
  });

  it('answers every page with a CSP that allows no inline script, and the script as a file of its own', async () => {
    const { cookie } = await httpLogin(web.base, { admin_token: ADMIN_TOKEN });
    for (const res of [await get('/ui/login'), await get('/ui', cookie), await get('/ui/nowhere', cookie)]) {
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      const text = await res.text();
      expect(text).not.toMatch(/<script>|<script [^>]*>[^<]/); // every script has a src
      expect(text).not.toMatch(/\sstyle=|\son[a-z]+=/i); // no inline style or event handler
    }
    const script = await get('/ui/static/live.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain('EventSource');
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, Secure behind an https PUBLIC_URL, for /ui only', async () => {
    const { res, setCookie } = await httpLogin(web.base, { admin_token: ADMIN_TOKEN });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/ui');
    expect(setCookie).toMatch(/^hookbot_session=[\w-]{43}; /);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Secure');
    expect(setCookie).toContain('Path=/ui');
  });

  it('leaves Secure off when both the request and PUBLIC_URL are plain http', async () => {
    await web.stop();
    web = await startWeb({ PUBLIC_URL: 'http://127.0.0.1:1' });
    const { setCookie } = await httpLogin(web.base, { admin_token: ADMIN_TOKEN });
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).not.toContain('Secure');
  });

  it('refuses a state-changing POST without the session\'s CSRF token, or from another site', async () => {
    const { api } = web;
    const hook = (await api('POST', '/hooks', { service: 'github', channel_id: IDS.channel, events: ['push'] })).body;
    expect((await deliverGithub(`${web.base}/webhook/github/${hook.id}`, hook.secret, 'push', samplePush('acme/api'))).status).toBe(202);
    await web.bot.drain();
    const { cookie } = await httpLogin(web.base, { admin_token: ADMIN_TOKEN });
    const page = await (await get('/ui/deliveries/evt_1', cookie)).text();
    const csrf = csrfOf(page);
    const posts = () => web.discord.channelMessages().length;
    const before = posts();

    expect((await post('/ui/deliveries/evt_1/replay', {}, cookie)).status).toBe(403);
    expect((await post('/ui/deliveries/evt_1/replay', { csrf: `${csrf.slice(0, -1)}x` }, cookie)).status).toBe(403);
    // Another session's token is not this session's.
    const second = await httpLogin(web.base, { admin_token: ADMIN_TOKEN });
    expect((await post('/ui/deliveries/evt_1/replay', { csrf }, second.cookie)).status).toBe(403);
    expect((await post('/ui/deliveries/evt_1/replay', { csrf }, cookie, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post('/ui/logout', {}, cookie)).status).toBe(403);
    await web.bot.drain();
    expect(posts()).toBe(before);

    const replayed = await post('/ui/deliveries/evt_1/replay', { csrf }, cookie);
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get('location')).toBe('/ui/deliveries/evt_2?replay_of=evt_1');
    await web.bot.drain();
    expect(posts()).toBe(before + 1);

    const out = await post('/ui/logout', { csrf }, cookie);
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await get('/ui', cookie)).status).toBe(303); // the session is gone from the store
  });

  it('limits the login form to 10 tries per address in 5 minutes, the right token included', async () => {
    for (let i = 0; i < 10; i++) expect((await httpLogin(web.base, { admin_token: `wrong-${i}` })).res.status).toBe(401);
    const limited = await httpLogin(web.base, { admin_token: ADMIN_TOKEN });
    expect(limited.res.status).toBe(429);
    expect(Number(limited.res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.cookie).toBeUndefined();
    expect(await limited.res.text()).toContain('Too many login attempts');
  });

  it('logs in once with a link: used again, expired, or made up, it is refused', async () => {
    const token = await linkToken();
    const first = await httpLogin(web.base, { token });
    expect(first.res.status).toBe(303);
    expect(first.cookie).toBeDefined();
    const again = await httpLogin(web.base, { token });
    expect(again.res.status).toBe(401);
    expect(again.cookie).toBeUndefined();
    expect(await again.res.text()).toContain('used already');

    const stale = 'stale-token-0123456789abcdefghijklmnopqrstuv';
    await web.other.createLoginToken({
      tokenHash: hashToken(stale), guildId: IDS.guild, userId: IDS.admin,
      createdAt: new Date(Date.now() - 20 * 60_000).toISOString(), expiresAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    });
    const expired = await httpLogin(web.base, { token: stale });
    expect(expired.res.status).toBe(401);
    expect(await expired.res.text()).toContain('expired');
    const unknown = await httpLogin(web.base, { token: 'never-issued-0123456789abcdefghijklmnopqrstu' });
    expect(unknown.res.status).toBe(401);
    expect(unknown.cookie).toBeUndefined();
    // The link's token never reaches the log.
    expect(web.lines.join('\n')).not.toContain(token);
  });

  it('GET with a link only shows the login button: a link preview or prefetch does not use it', async () => {
    const link = await web.loginLink();
    const shown = await fetch(link, { redirect: 'manual' });
    expect(shown.status).toBe(200);
    expect(shown.headers.get('set-cookie')).toBeNull();
    expect((await httpLogin(web.base, { token: new URL(link).searchParams.get('token')! })).res.status).toBe(303);
  });
});
