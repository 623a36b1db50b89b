/**
 * The processes `npm run bench` measures, each on its own: the baselines (bench/target.ts), the Discord stand-in
 * (test/fakes/run-fake-discord.ts) and hookbot exactly as `npm start` runs it (src/main.ts under tsx, configured
 * by its environment). The bench touches hookbot's database only through the store (to create hooks before it
 * starts) and to count the deliveries it stored.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, closeSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { openDatabase } from '../src/store/open-database.js';
import { createStore } from '../src/store/store.js';
import { IDS } from '../test/fakes/discord-guild.js';

export const root = new URL('..', import.meta.url).pathname;
export const tempDir = () => mkdtempSync(join(tmpdir(), 'hookbot-bench-'));

const running = new Set<ChildProcess>();
process.on('exit', () => { for (const c of running) c.kill('SIGKILL'); });

function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Resolves with the first stdout line, parsed as JSON; rejects if the process exits first. */
function firstJsonLine(child: ChildProcess, what: string, onLine?: (line: any) => void): Promise<any> {
  return new Promise((resolve, reject) => {
    let first = true;
    createInterface({ input: child.stdout! }).on('line', (text) => {
      let line: any;
      try { line = JSON.parse(text); } catch { return; }
      if (first) { first = false; resolve(line); } else onLine?.(line);
    });
    child.once('exit', (code, signal) => { if (first) reject(new Error(`${what} exited (${code ?? signal}) before it was ready`)); });
  });
}

/** A baseline from bench/target.ts: `floor`, `store-floor` or `footprint`. */
export async function startTarget(mode: string, secret: string, dbPath = join(tempDir(), 'target.db')) {
  const child = track(spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/target.ts', mode, secret, dbPath], {
    cwd: root, stdio: ['ignore', 'pipe', 'inherit'],
  }));
  const line = await firstJsonLine(child, `bench/target.ts ${mode}`);
  return { child, line, stop: () => stopProcess(child) };
}

export interface StandIn {
  apiUrl: string;
  token: string;
  channels: string[];
  stats(channel?: string): Promise<{ messages: number; visible: number; tooManyRequests: number; rejected: number; lastPostAt: number }>;
  stop(): Promise<void>;
}

/** The Discord stand-in in its own process; `onPost` hears of each message post as it arrives. */
export async function startStandIn(opts: { rateLimit: string; channels?: number; onPost?: (channelId: string, at: number) => void }): Promise<StandIn> {
  const child = track(spawn(process.execPath, ['--import', 'tsx', 'test/fakes/run-fake-discord.ts', '--json',
    '--rate-limit', opts.rateLimit, '--channels', String(opts.channels ?? 0)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] }));
  const ready = await firstJsonLine(child, 'the Discord stand-in', (line) => {
    if (line.post) opts.onPost?.(line.post.channelId, line.post.at);
  });
  return {
    apiUrl: ready.apiUrl, token: ready.token, channels: ready.channels,
    stats: async (channel = IDS.channel) => JSON.parse(await getText(`${ready.control}/stats?channel=${channel}`).then((r) => r.body)),
    stop: () => stopProcess(child),
  };
}

function getText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Creates GitHub push hooks (one per channel) in a new database at `dbPath`, through the store; returns their ids. */
export async function seedHooks(dbPath: string, secret: string, channels: string[]): Promise<string[]> {
  const { db, close } = openDatabase(dbPath);
  try {
    const store = createStore(db);
    const ids: string[] = [];
    for (const channelId of channels) {
      const hook = await store.createHook({
        guildId: IDS.guild, channelId, userId: IDS.admin, service: 'github', secret, verify: 'github', events: ['push'],
        filters: {}, templates: {}, enabled: true, createdAt: new Date().toISOString(),
      });
      ids.push(hook.id);
    }
    return ids;
  } finally {
    close();
  }
}

/** The delivery ids stored for a hook (read while hookbot runs: WAL lets a reader in). */
export function storedDeliveryIds(dbPath: string, hookId: string): Set<string> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return new Set(db.prepare('select delivery_id from webhook_events where hook_id = ?').pluck().all(hookId) as string[]);
  } finally {
    db.close();
  }
}

/** Resident set size of a process, in bytes (Linux /proc; NaN elsewhere). */
export function rssOf(pid: number): number {
  try {
    const kb = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return kb ? Number(kb[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

export interface Hookbot {
  port: number;
  pid: number;
  /** The end of its log (stdout + stderr), for a failure message. */
  logTail(): string;
  stop(): Promise<void>;
}

/**
 * Starts hookbot the way `npm start` does (`node --max-semi-space-size=4 --import tsx src/main.ts`), configured by
 * its environment only, and waits until `GET /healthz` answers 200 (database up, Discord gateway connected).
 */
export async function startHookbot(opts: { dbPath: string; standIn: StandIn; logLevel?: string; readyTimeoutMs?: number }): Promise<Hookbot> {
  const port = await freePort();
  const logPath = join(tempDir(), 'hookbot.log');
  const fd = openSync(logPath, 'a');
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DISCORD_TOKEN: opts.standIn.token, DISCORD_API_URL: opts.standIn.apiUrl, PORT: String(port), HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`, NGROK_AUTHTOKEN: '', NGROK_DOMAIN: '', DISCORD_GUILD_ID: '',
    DATABASE_PATH: opts.dbPath, DOCKER_HOST: 'unix:///nonexistent.sock', LOG_LEVEL: opts.logLevel ?? 'warn',
    MAX_STORED_EVENTS: '10000000', // retention must not prune what the bench counts
    DOTENV_CONFIG_PATH: join(tempDir(), '.env'), DOTENV_CONFIG_QUIET: 'true', // a developer's .env stays out of it
  };
  const child = track(spawn(process.execPath, ['--max-semi-space-size=4', '--import', 'tsx', 'src/main.ts'], { cwd: root, env, stdio: ['ignore', fd, fd] }));
  closeSync(fd);
  const logTail = () => { try { return readFileSync(logPath, 'utf8').split('\n').slice(-15).join('\n'); } catch { return ''; } };
  const end = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`hookbot exited while starting:\n${logTail()}`);
    const h = await getText(`http://127.0.0.1:${port}/healthz`).catch(() => ({ status: 0, body: '' }));
    if (h.status === 200) break;
    if (Date.now() > end) {
      await stopProcess(child);
      throw new Error(`hookbot was not ready (/healthz ${h.status} ${h.body}) after ${opts.readyTimeoutMs ?? 60_000} ms:\n${logTail()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, pid: child.pid!, logTail, stop: () => stopProcess(child, 15_000) };
}
