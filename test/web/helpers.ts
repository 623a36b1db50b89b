import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { openStore } from '../../src/store/open-store.js';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { startHookbot } from '../helpers/start-hookbot.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here (Debian's chromium is not installed), or undefined. `.ci/run` installs it. */
export function browserSkipReason(): string | undefined {
  // In CI (.ci/run installs it) a missing browser must fail, not skip.
  if (existsSync(CHROMIUM) || process.env.CI === 'true') return undefined;
  return `${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`;
}

/** Debian's Chromium, headless, through playwright-core (its own browser download does not work here). */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/**
 * The whole bot against the Discord stand-in, with ADMIN_TOKEN (the HTTP API creates hooks for the tests) and a
 * second connection to its database (`other`), for rows the stand-in cannot make: a hook of another server.
 */
export async function startWeb(env: Record<string, string> = {}) {
  const discord = await new FakeDiscord().start();
  const started = await startHookbot(discord, { ADMIN_TOKEN, ...env });
  const other = await openStore({ databasePath: started.config.DATABASE_PATH, sqlite: { migrate: false, cache: false } });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${started.base}/api/v1${path}`, {
      method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() as Record<string, any> };
  };
  /** `!hook dashboard` from a member; the login link hookbot DMs them. */
  const loginLink = async (userId = IDS.admin): Promise<string> => {
    const before = discord.dms.length;
    discord.userSays(userId, '!hook dashboard');
    const dm = await discord.waitFor(() => discord.dms.slice(before).find((d) => d.userId === userId));
    const url = /<(https?:\/\/[^>\s]+\/ui\/login\?token=[^>\s]+)>/.exec(dm.body.content)![1];
    // The link names PUBLIC_URL; the test reaches the same listener on loopback.
    return `${started.base}${new URL(url).pathname}${new URL(url).search}`;
  };
  const stop = async () => {
    await other.close();
    await started.bot.stop();
    await discord.stop();
  };
  return { discord, ...started, other: other.store, api, loginLink, stop };
}

export type Web = Awaited<ReturnType<typeof startWeb>>;

/** Logs in over plain HTTP (no browser) with the admin token or a link's token; the session cookie, and the answer. */
export async function httpLogin(base: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/ui/login`, {
    method: 'POST', redirect: 'manual', body: new URLSearchParams(form),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = /^(hookbot_session=[^;]+)/.exec(setCookie)?.[1];
  return { res, setCookie, cookie };
}

/** The CSRF token of a page's POST forms. */
export const csrfOf = (page: string): string => /name="csrf" value="([^"]+)"/.exec(page)![1];
