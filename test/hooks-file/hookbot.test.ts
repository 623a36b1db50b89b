import { spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HooksFileError } from '../../src/hooks-file/loader.js';
import { samplePush } from '../../src/samples/github-push.js';
import { FakeDiscord, IDS } from '../fakes/discord.js';
import { deliverGithub } from '../helpers/sign.js';
import { startHookbot } from '../helpers/start-hookbot.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
const GH_SECRET = 'file-hook-secret-0123456789abcdef';
const CI_SECRET = 'ci-file-hook-secret-0123456789';

const FILE = `defaults:
  channel: "${IDS.channel}"
hooks:
  - name: api-github
    service: github
    secret_env: GH_SECRET
    events: [push]
  - name: old
    service: ci
    secret_env: CI_SECRET
`;

/** Saves the way editors do: a new file renamed over the old one. */
function save(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

describe('the hooks file in a running hookbot', () => {
  let discord: FakeDiscord;
  let started: Awaited<ReturnType<typeof startHookbot>>;
  let file: string;
  beforeEach(async () => {
    discord = await new FakeDiscord().start();
    file = join(mkdtempSync(join(tmpdir(), 'hookbot-file-')), 'hookbot.yaml');
    save(file, FILE);
  });
  afterEach(async () => {
    await started?.bot.stop();
    await discord.stop();
  });

  const start = async () => {
    started = await startHookbot(discord, { HOOKS_FILE: file, ADMIN_TOKEN, GH_SECRET, CI_SECRET });
  };
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${started.base}/api/v1${path}`, {
      method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: res.status === 204 ? undefined : await res.json() };
  };
  const healthz = async () => (await (await fetch(`${started.base}/healthz`)).json()).hooks_file as string;
  const ids = async () => (await api('GET', '/hooks')).body.data.map((h: { id: string }) => h.id);
  const reply = (to: string) => discord.waitFor(() => discord.channelMessages().find((m) => m.body.message_reference?.message_id === to));
  const logged = (text: string, after = 0) => discord.waitFor(() => started.lines.slice(after).find((l) => l.includes(text)), 10_000);

  it('declares hooks that take signed deliveries at /webhook/<service>/<name>, listed as from the file, which chat and the API cannot change', async () => {
    await start();
    const res = await deliverGithub(`${started.base}/webhook/github/api-github`, GH_SECRET, 'push', samplePush('acme/api'));
    expect(res.status).toBe(202);
    await discord.waitFor(() => discord.channelMessages().find((m) => JSON.stringify(m.body).includes('acme/api')));
    expect(await healthz()).toBe('ok: 2 hooks');
    expect(await ids()).toEqual(['api-github', 'old']);

    const list = await reply(discord.userSays(IDS.admin, '!hook list'));
    expect(list.body.content ?? JSON.stringify(list.body.embeds)).toContain('📄 from');
    const off = await reply(discord.userSays(IDS.admin, '!hook api-github off'));
    expect(off.body.content).toBe(`🔒 api-github is declared in ${file}: change it there (hookbot applies the file when it changes).`);
    const del = await reply(discord.userSays(IDS.admin, '!hook delete old'));
    expect(del.body.content).toContain(`old is declared in ${file}`);
    expect((await api('PATCH', '/hooks/api-github', { events: ['push', 'pr'] })).status).toBe(409);
    expect((await api('DELETE', '/hooks/old')).status).toBe(409);
    expect(await ids()).toEqual(['api-github', 'old']);
  });

  it('applies an edit without a restart — added, changed, removed — and an invalid edit changes nothing and shows in /healthz', async () => {
    await start();
    let mark = started.lines.length;
    save(file, FILE.replace('events: [push]', 'events: [push, release]').replace(/ {2}- name: old\n {4}service: ci\n/, '  - name: payments\n    service: custom\n'));
    expect(await logged('hooks file applied: 1 added, 1 changed, 1 removed', mark)).toContain('"changed":[{"id":"api-github","settings":["events"]}]');
    expect(await ids()).toEqual(['api-github', 'payments']);
    expect((await api('GET', '/hooks/api-github')).body).toMatchObject({ events: ['push', 'release'], source: 'file' });
    expect((await deliverGithub(`${started.base}/webhook/ci/old`, CI_SECRET, 'push', {})).status).toBe(404);
    expect(started.lines.join('\n')).not.toContain(GH_SECRET);

    mark = started.lines.length;
    save(file, FILE.replace('events: [push]', 'events: [push, deploys]'));
    expect(await logged('hooks file not applied, nothing changed', mark)).toContain(`${file}:7: hooks[0].events[1]: unknown GitHub event \\"deploys\\"`);
    expect(await healthz()).toMatch(new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:7: hooks\\[0\\]\\.events\\[1\\]: unknown GitHub event "deploys"`));
    expect(await ids()).toEqual(['api-github', 'payments']);
    expect((await api('GET', '/hooks/api-github')).body.events).toEqual(['push', 'release']);

    mark = started.lines.length;
    save(file, FILE);
    await logged('hooks file applied: 1 added, 1 changed, 1 removed', mark);
    expect(await healthz()).toBe('ok: 2 hooks');
  });

  it('does not start with an invalid file: one problem per line, each file:line', async () => {
    save(file, FILE.replace('service: ci', 'service: jenkins').replace('events: [push]', 'events: push'));
    const err = await startHookbot(discord, { HOOKS_FILE: file, GH_SECRET, CI_SECRET }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(HooksFileError);
    expect((err as HooksFileError).problems).toEqual([
      `${file}:7: hooks[0].events: must be a list of event names, e.g. ["push", "pr"]`,
      `${file}:9: hooks[1].service: one of github, ci, custom, docker, poll`,
    ]);
  });
});

describe('npm start and npm run hooks:check with a hooks file', () => {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
  const main = new URL('../../src/main.ts', import.meta.url).pathname;
  const run = (dir: string, args: string[], extra: Record<string, string> = {}) => spawnSync(process.execPath, ['--import', tsx, main, ...args], {
    cwd: dir, encoding: 'utf8', timeout: 30_000,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_PATH: join(dir, 'data', 'hookbot.db'), ...extra },
  });

  it('npm start exits non-zero with the problems of ./hookbot.yaml, each file:line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookbot-start-'));
    writeFileSync(join(dir, 'hookbot.yaml'), FILE.replace('secret_env: GH_SECRET', 'secret: in-the-file-0123456789'));
    const r = run(dir, [], { DISCORD_TOKEN: 'x', DISCORD_API_URL: 'http://127.0.0.1:9', CI_SECRET, PORT: '0' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'hookbot.yaml:6: hooks[0].secret: secrets are never written in the file: put the secret in an environment variable and name it with secret_env (e.g. secret_env: GITHUB_WEBHOOK_SECRET)',
    ]);
  });

  it('hooks:check prints the plan against the database without applying it, and exits 1 on problems', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookbot-check-'));
    writeFileSync(join(dir, 'hookbot.yaml'), FILE);
    const ok = run(dir, ['hooks:check', 'hookbot.yaml'], { GH_SECRET, CI_SECRET });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('hookbot.yaml: valid, 2 hooks.');
    expect(ok.stdout).toContain('+ api-github: add (github)');
    expect(ok.stdout).toContain('+ old: add (ci)');
    expect(ok.status).toBe(0);
    const bad = run(dir, ['hooks:check', 'hookbot.yaml'], { GH_SECRET });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('hookbot.yaml:10: hooks[1].secret_env: CI_SECRET is not set in hookbot\'s environment (or is empty)');
  });
});
