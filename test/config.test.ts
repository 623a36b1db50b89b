import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const r = loadConfig({ DISCORD_TOKEN: 't' });
    expect(r).toEqual({
      ok: true,
      config: expect.objectContaining({
        DISCORD_API_URL: 'https://discord.com/api', PORT: 8080, HOST: '0.0.0.0', DATABASE_PATH: './data/hookbot.db',
        DOCKER_HOST: 'unix:///var/run/docker.sock', COMMAND_PREFIX: '!hook', LOG_LEVEL: 'info', MAX_BODY_BYTES: 26214400,
        RETENTION_DAYS: 30, MAX_STORED_EVENTS: 100000,
      }),
    });
  });

  it('treats empty values (as in a copied .env.example) as unset', () => {
    const r = loadConfig({ DISCORD_TOKEN: 't', PUBLIC_URL: '', DISCORD_GUILD_ID: '', PORT: '' });
    expect(r.ok && r.config.PUBLIC_URL).toBeUndefined();
    expect(r.ok && r.config.PORT).toBe(8080);
  });

  it('reports one clear line per problem', () => {
    const r = loadConfig({ PORT: 'eighty', PUBLIC_URL: 'ftp://x', LOG_LEVEL: 'loud', DISCORD_GUILD_ID: 'abc', DOCKER_HOST: '/var/run/docker.sock' });
    expect(r.ok).toBe(false);
    const errors = !r.ok ? r.errors : [];
    expect(errors).toHaveLength(6);
    expect(errors.join('\n')).toMatch(/^DISCORD_TOKEN: is required/m);
    expect(errors.join('\n')).toMatch(/^PORT: must be a port number/m);
    expect(errors.join('\n')).toMatch(/^PUBLIC_URL: must start with http/m);
    expect(errors.join('\n')).toMatch(/^DOCKER_HOST: must look like unix:\/\//m);
  });

  it('strips a trailing slash from URLs', () => {
    const r = loadConfig({ DISCORD_TOKEN: 't', PUBLIC_URL: 'https://hooks.example.com/' });
    expect(r.ok && r.config.PUBLIC_URL).toBe('https://hooks.example.com');
  });
});

describe('npm start with a bad configuration', () => {
  it('exits non-zero with what is wrong, reading .env when present', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookbot-cfg-'));
    writeFileSync(join(dir, '.env'), 'PORT=not-a-port\n');
    const main = new URL('../src/main.ts', import.meta.url).pathname;
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
    const r = spawnSync(process.execPath, ['--import', tsx, main], { cwd: dir, env, encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('hookbot: config error: DISCORD_TOKEN: is required');
    expect(r.stderr).toContain('hookbot: config error: PORT: must be a port number');
  });
});
