/**
 * A private PostgreSQL cluster for the tests, started on first use and stopped when the run ends.
 *
 * - vitest's globalSetup (this file's default export, see vitest.config.ts) finds the binaries, makes an empty temp
 *   dir (owned by `postgres` when running as root: PostgreSQL refuses to run as root) and hands both to the test
 *   processes; at the end it stops the cluster if one was started and removes the dir.
 * - The first test process that asks (`testDatabase()`) runs `initdb` and `pg_ctl start` (as `postgres` when root)
 *   on a free port of 127.0.0.1 only, with trust auth and no Unix socket; the others wait for its URL. Runs that
 *   never ask pay nothing.
 * - Each test file gets a fresh database (`testDatabase()`).
 *
 * Without PostgreSQL installed the PostgreSQL tests are skipped with a message, except in CI (CI=true), where
 * `.ci/run` installs it and a missing install must fail. HOOKBOT_TEST_PG_URL=postgres://… uses an existing server.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';

const run = promisify(execFile);

export type PgSetup =
  | { kind: 'external'; adminUrl: string }
  | { kind: 'private'; dir: string; bin: string; asPostgres: boolean }
  | { kind: 'missing'; reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    hookbotPostgres: PgSetup;
  }
}

/** The directory holding initdb and pg_ctl: PG_BIN, the newest /usr/lib/postgresql/N/bin, or the PATH. */
function findBin(): string | undefined {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    for (const v of readdirSync(debian).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a))) candidates.push(join(debian, v, 'bin'));
  }
  for (const p of (process.env.PATH ?? '').split(':')) if (p) candidates.push(p);
  return candidates.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')));
}

/** Runs a PostgreSQL binary, as `postgres` when we are root. */
function pgCommand(setup: { bin: string; asPostgres: boolean }, tool: string, args: string[]): [string, string[]] {
  const cmd = join(setup.bin, tool);
  return setup.asPostgres ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

/** vitest globalSetup: decides how the tests get PostgreSQL; returns the teardown. */
export default function setup(project: TestProject) {
  if (process.env.HOOKBOT_TEST_PG_URL) {
    project.provide('hookbotPostgres', { kind: 'external', adminUrl: process.env.HOOKBOT_TEST_PG_URL });
    return;
  }
  const bin = findBin();
  if (!bin) {
    const reason = 'PostgreSQL is not installed (apt-get install postgresql, or set PG_BIN or HOOKBOT_TEST_PG_URL)';
    if (process.env.CI === 'true') throw new Error(`${reason}: CI must run the PostgreSQL store tests (.ci/run installs it)`);
    project.provide('hookbotPostgres', { kind: 'missing', reason });
    return;
  }
  const asPostgres = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'hookbot-pg-'));
  if (asPostgres) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  project.provide('hookbotPostgres', { kind: 'private', dir, bin, asPostgres });
  return async () => {
    const setup = { bin, asPostgres };
    if (existsSync(join(dir, 'data', 'postmaster.pid'))) {
      const [cmd, args] = pgCommand(setup, 'pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      await run(cmd, args, { cwd: dir }).catch((err: Error) => console.error(`stopping the test PostgreSQL cluster: ${err.message}`));
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

const freePort = () => new Promise<number>((resolve, reject) => {
  const srv = createServer();
  srv.once('error', reject);
  srv.listen(0, '127.0.0.1', () => {
    const { port } = srv.address() as { port: number };
    srv.close(() => resolve(port));
  });
});

/** initdb + pg_ctl start, by the one test process that took the lock; the URL (or the error) goes to a file. */
async function startCluster(s: Extract<PgSetup, { kind: 'private' }>): Promise<string> {
  const data = join(s.dir, 'data');
  const [initCmd, initArgs] = pgCommand(s, 'initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '-N', '--no-instructions']);
  await run(initCmd, initArgs, { cwd: s.dir });
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const options = [
      `-p ${port}`, '-c listen_addresses=127.0.0.1', "-c unix_socket_directories=''", '-c max_connections=300',
      // A throwaway cluster: durability off for speed.
      '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off',
    ].join(' ');
    const [cmd, args] = pgCommand(s, 'pg_ctl', ['-D', data, '-l', join(s.dir, 'server.log'), '-w', '-t', '60', '-o', options, 'start']);
    try {
      await run(cmd, args, { cwd: s.dir });
      return `postgres://postgres@127.0.0.1:${port}/postgres`;
    } catch (err) {
      lastError = err; // most likely the port was taken meanwhile: try another
    }
  }
  const log = existsSync(join(s.dir, 'server.log')) ? readFileSync(join(s.dir, 'server.log'), 'utf8').slice(-2000) : '';
  throw new Error(`pg_ctl start failed: ${(lastError as Error).message}\n${log}`);
}

let server: Promise<string> | undefined;

/** The admin URL of the test server (the `postgres` database), starting the private cluster if no one has yet. */
function adminUrl(): Promise<string> {
  server ??= (async () => {
    const s = inject('hookbotPostgres');
    if (s.kind === 'external') return s.adminUrl;
    if (s.kind === 'missing') throw new Error(s.reason);
    const urlFile = join(s.dir, 'url');
    const errorFile = join(s.dir, 'error');
    let starter = false;
    try {
      mkdirSync(join(s.dir, 'start.lock'));
      starter = true;
    } catch { /* another test process is starting it */ }
    if (starter) {
      try {
        const url = await startCluster(s);
        writeFileSync(`${urlFile}.tmp`, url);
        renameSync(`${urlFile}.tmp`, urlFile);
        return url;
      } catch (err) {
        writeFileSync(errorFile, (err as Error).message);
        throw err;
      }
    }
    for (let i = 0; i < 1200; i++) { // up to 60 s
      if (existsSync(urlFile)) return readFileSync(urlFile, 'utf8');
      if (existsSync(errorFile)) throw new Error(`the test PostgreSQL cluster did not start: ${readFileSync(errorFile, 'utf8')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the test PostgreSQL cluster did not start within 60 s');
  })();
  return server;
}

/** Why the PostgreSQL tests are skipped, or undefined when they run. */
export function pgSkipReason(): string | undefined {
  const s = inject('hookbotPostgres');
  return s.kind === 'missing' ? s.reason : undefined;
}

let databases = 0;

/** A fresh, empty database on the test server: its URL, and a drop (which ends its open connections). */
export async function testDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = await adminUrl();
  const name = `hookbot_test_${process.pid}_${++databases}_${Math.random().toString(36).slice(2, 8)}`;
  await withAdmin(admin, (c) => c.query(`create database "${name}"`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin(admin, (c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => {}),
  };
}

async function withAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
