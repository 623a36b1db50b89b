import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { createHookbot, type Hookbot } from '../../src/create-hookbot.js';
import type { FakeDiscord } from '../fakes/discord.js';
import { createTestLogger } from './test-logger.js';
import type { Tunnel } from '../../src/tunnel.js';

/** A fresh temp directory for a test database. */
export function tempDbPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'hookbot-')), 'hookbot.db');
}

/** Starts the whole bot in-process against the fake Discord, on a free port. */
export async function startHookbot(discord: FakeDiscord, env: Record<string, string> = {}, overrides: { tunnel?: Tunnel; dockerCoalesceWindowMs?: number; dockerBackoff?: { minMs: number; maxMs: number } } & Parameters<typeof createHookbot>[2] = {}) {
  const r = loadConfig({
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_PATH: tempDbPath(),
    DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    PUBLIC_URL: 'https://hooks.example.test',
    HOOKS_FILE: 'off', // a ./hookbot.yaml in the working copy is not the test's
    ...env,
  });
  if (!r.ok) throw new Error(r.errors.join('; '));
  const { log, lines } = createTestLogger();
  const ready = discord.waitForIdentify();
  // The hooks file's secret_env names are looked up in the test's env.
  const bot: Hookbot = await createHookbot(r.config as Config, log, { env: (name) => env[name], ...overrides });
  await ready;
  await new Promise<void>((res) => (bot.client!.isReady() ? res() : bot.client!.once('clientReady', () => res())));
  return { bot, lines, config: r.config, base: `http://127.0.0.1:${bot.port}` };
}
